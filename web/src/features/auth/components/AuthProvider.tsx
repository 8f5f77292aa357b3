import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { reportUnreachable } from "@/lib/api/status";
import { ApiError, isUnreachable } from "@/lib/api/problem";
import {
  forgetSessionHint,
  mayHaveSession,
  refreshAccessToken,
  setAccessToken,
  setRefresher,
} from "@/lib/api/session";
import { authApi, type MfaStep, type Role, type TokenResponse, type User } from "../api/auth";
import { SessionContext, type Session, type SessionStatus } from "../hooks/useSession";

/** Renew this long before the access token expires, so requests rarely meet a 401. */
const REFRESH_MARGIN_S = 60;

/**
 * Holds who is signed in. On start, when the `le_session` hint says a sign-in may exist, it asks
 * /auth/refresh (the HttpOnly cookie rides along) for an access token; it then renews the token shortly before it expires and whenever a
 * request meets a 401. Signing out revokes the refresh token and forgets everything cached.
 */
export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<SessionStatus>("loading");
  const [user, setUser] = useState<User | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const schedule = useCallback((expiresIn: number | undefined) => {
    clearTimeout(timer.current);
    if (!expiresIn) return;
    const delay = Math.max(5, expiresIn - REFRESH_MARGIN_S) * 1000;
    timer.current = setTimeout(() => void refreshAccessToken(), delay);
  }, []);

  const forget = useCallback(() => {
    clearTimeout(timer.current);
    setAccessToken(null);
    forgetSessionHint();
    setUser(null);
    setStatus("anonymous");
    queryClient.removeQueries({ queryKey: ["me"] });
  }, [queryClient]);

  const accept = useCallback(
    (tokens: TokenResponse) => {
      setAccessToken(tokens.accessToken);
      schedule(tokens.expiresIn);
    },
    [schedule],
  );

  const loadUser = useCallback(async () => {
    const me = await authApi.me();
    setUser(me);
    setStatus("authenticated");
  }, []);

  useEffect(() => {
    setRefresher(async () => {
      try {
        const tokens = await authApi.refresh();
        accept(tokens);
        if (tokens.user) setUser(tokens.user);
        return tokens.accessToken;
      } catch (error) {
        if (isUnreachable(error)) reportUnreachable();
        else forget();
        return null;
      }
    });
    return () => setRefresher(null);
  }, [accept, forget]);

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const token = mayHaveSession() ? await refreshAccessToken() : null;
      if (cancelled) return;
      if (!token) {
        setStatus("anonymous");
        return;
      }
      try {
        await loadUser();
      } catch (error) {
        if (!cancelled) forget();
        if (isUnreachable(error)) reportUnreachable();
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [loadUser, forget]);

  useEffect(() => () => clearTimeout(timer.current), []);

  const start = useCallback(
    async (session: TokenResponse) => {
      accept(session);
      if (session.user) {
        setUser(session.user);
        setStatus("authenticated");
      } else {
        await loadUser();
      }
    },
    [accept, loadUser],
  );

  const signIn = useCallback(
    async (email: string, password: string): Promise<MfaStep | null> => {
      const answer = await authApi.login({ email, password });
      if ("step" in answer) return answer; // a second factor first: no session yet
      await start(answer);
      return null;
    },
    [start],
  );

  // Registering signs the new borrower in at once (the API answers with a session).
  const signUp = useCallback(
    async (input: { email: string; password: string; displayName: string }) =>
      start(await authApi.register(input)),
    [start],
  );

  const signOut = useCallback(async () => {
    try {
      await authApi.logout();
    } catch (error) {
      // Signing out must always work locally; a 401 only means the session had already ended.
      if (!(error instanceof ApiError)) console.warn("logout failed", error);
    } finally {
      forget();
      queryClient.clear();
    }
  }, [forget, queryClient]);

  const value = useMemo<Session>(
    () => ({
      status,
      user,
      signIn,
      accept: start,
      signUp,
      signOut,
      hasRole: (...roles: Role[]) => !!user && user.roles.some((r) => roles.includes(r)),
    }),
    [status, user, signIn, start, signUp, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
