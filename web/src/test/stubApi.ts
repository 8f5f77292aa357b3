/**
 * The API as component tests see it: msw answers every request the app sends, and each answer is
 * written with `api.get/post/…` from openapi-msw, typed by the generated OpenAPI types
 * (`src/lib/api/schema.gen.ts`). A stub for a path, method, status or body the API does not
 * document fails `npm run typecheck`, so the stubs cannot drift from the API unnoticed.
 *
 *   stubApi(api.post("/api/quotes", ({ response }) => response(200).json(sampleQuote())));
 *
 * A request no handler answers fails the test (onUnhandledRequest: "error").
 */
import { setupServer } from "msw/node";
import type { RequestHandler } from "msw";
import { createOpenApiHttp } from "openapi-msw";
import { afterAll, afterEach, beforeAll } from "vitest";
import type { components, paths } from "@/lib/api/schema.gen";

/** Typed handlers for every path of the API, on whatever origin the app calls. */
export const api = createOpenApiHttp<paths>({ baseUrl: "*" });

export type ProblemDetails = components["schemas"]["ProblemDetails"];

/** A problem document as the API sends it (typed, so a field it does not have is an error). */
export function problem(
  status: number,
  title: string,
  extra: Partial<ProblemDetails> = {},
): ProblemDetails {
  return { type: "about:blank", title, status, detail: title, ...extra };
}

/** The headers of a problem+json answer (openapi-msw's `.json()` says application/json). */
export const PROBLEM_HEADERS = { headers: { "Content-Type": "application/problem+json" } };

const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  server.events.removeAllListeners();
});
afterAll(() => server.close());

/** One request the component under test sent: method, path, headers, parsed JSON body, signal. */
export type Call = {
  method: string;
  path: string;
  headers: Headers;
  body: unknown;
  signal: AbortSignal;
};

/** Answers with `handlers` (first match wins) and records every request, in the order sent. */
export function stubApi(...handlers: RequestHandler[]): Call[] {
  const calls: Call[] = [];
  server.use(...handlers);
  server.events.on("request:start", ({ request }) => {
    const call: Call = {
      method: request.method,
      path: new URL(request.url).pathname,
      headers: request.headers,
      body: null,
      signal: request.signal,
    };
    calls.push(call);
    if (request.method !== "GET" && request.method !== "HEAD") {
      void request
        .clone()
        .text()
        .then((text) => {
          call.body = text ? JSON.parse(text) : null;
        });
    }
  });
  return calls;
}
