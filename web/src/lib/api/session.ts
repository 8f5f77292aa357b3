/**
 * The in-memory access token and the hook that renews it.
 *
 * The access token lives only in memory (never in storage, so a script injected into the page
 * cannot read a long-lived secret); the refresh token is an HttpOnly cookie scoped to /auth that
 * JavaScript never sees. On a 401 the client asks the registered refresher once, then retries.
 */
type Listener = () => void;

let accessToken: string | null = null;
let refresher: (() => Promise<string | null>) | null = null;
let inflight: Promise<string | null> | null = null;
const listeners = new Set<Listener>();

export function getAccessToken(): string | null {
  return accessToken;
}

export function setAccessToken(token: string | null): void {
  accessToken = token;
  for (const listener of listeners) listener();
}

export function onAccessTokenChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function setRefresher(fn: (() => Promise<string | null>) | null): void {
  refresher = fn;
}

/** Renew the access token; concurrent callers share one refresh request. */
export function refreshAccessToken(): Promise<string | null> {
  if (!refresher) return Promise.resolve(null);
  inflight ??= refresher().finally(() => {
    inflight = null;
  });
  return inflight;
}

const SESSION_HINT = "le_session";

/** Whether a sign-in may exist: the server sets a readable `le_session=1` beside the HttpOnly refresh
 * cookie. Without it there is nothing to refresh, so a visitor makes no refresh call. */
export function mayHaveSession(cookies = globalThis.document?.cookie ?? ""): boolean {
  return cookies.split(/;\s*/).includes(`${SESSION_HINT}=1`);
}

/** Drop the hint once the session is known to be over (the refresh failed). */
export function forgetSessionHint(): void {
  if (globalThis.document) {
    document.cookie = `${SESSION_HINT}=; Max-Age=0; path=/; Secure; SameSite=Strict`;
  }
}
