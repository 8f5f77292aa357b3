import { createContext, useContext } from "react";
import type { MfaStep, Role, TokenResponse, User } from "../api/auth";

export type SessionStatus = "loading" | "anonymous" | "authenticated";

export type Session = {
  status: SessionStatus;
  user: User | null;
  /** Resolves to null when signed in, or to the second step the sign-in needs first. */
  signIn: (email: string, password: string) => Promise<MfaStep | null>;
  /** Start the session a second step (a code, or an enrolment) completed. */
  accept: (session: TokenResponse) => Promise<void>;
  signUp: (input: { email: string; password: string; displayName: string }) => Promise<void>;
  signOut: () => Promise<void>;
  hasRole: (...roles: Role[]) => boolean;
};

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession must be used inside <AuthProvider>");
  return session;
}
