import createClient from "openapi-fetch";
import type { paths } from "./schema.gen";
import { ApiUnreachableError, apiError } from "./problem";
import { getAccessToken, refreshAccessToken } from "./session";

/**
 * The API's origin, fixed at build time (VITE_API_BASE_URL). Empty means the page's own origin,
 * which is how production runs: CloudFront sends /api, /auth and /health to the API.
 */
export const apiBaseUrl: string =
  (import.meta.env.VITE_API_BASE_URL as string | undefined)?.replace(/\/$/, "") ||
  globalThis.location?.origin ||
  "";

/** fetch with the bearer token, one silent refresh and retry on 401, and unreachable detection. */
export async function authFetch(input: Request): Promise<Response> {
  // Read the body once into bytes so the request can be sent again after a refresh. (Request.clone()
  // would turn it into a stream, which browsers upload differently and devtools cannot show.)
  const body = input.method === "GET" || input.method === "HEAD" ? null : await input.arrayBuffer();
  const send = async (token: string | null) => {
    const request = new Request(input, { body });
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    try {
      return await fetch(request);
    } catch (error) {
      if (error instanceof DOMException && error.name === "AbortError") throw error;
      throw new ApiUnreachableError(error);
    }
  };
  const token = getAccessToken();
  const response = await send(token);
  const isAuthRoute = new URL(input.url).pathname.startsWith("/auth/");
  if (response.status !== 401 || !token || isAuthRoute) return response;
  const renewed = await refreshAccessToken();
  return renewed ? send(renewed) : response;
}

export const api = createClient<paths>({
  baseUrl: apiBaseUrl,
  fetch: authFetch,
  credentials: "include",
});

type Result<T> = { data?: T; error?: unknown; response: Response };

/** The data of a successful call, or an ApiError carrying the problem document. */
export function unwrap<T>(result: Result<T>): T {
  const { data, error, response } = result;
  if (error !== undefined || !response.ok) {
    throw apiError(response.status, error, response.statusText);
  }
  return data as T;
}

/** A file the API answered with (a call made with `parseAs: "blob"`): its body, under the name its
 * Content-Disposition gives, else `fallback`. */
export function unwrapFile(
  result: Result<unknown>,
  fallback: string,
): { blob: Blob; filename: string } {
  const blob = unwrap(result) as Blob;
  const disposition = result.response.headers.get("Content-Disposition") ?? "";
  const filename = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallback;
  return { blob, filename };
}
