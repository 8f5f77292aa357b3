import { vi } from "vitest";

/** One request the component under test sent: its method, path and parsed JSON body. */
export type Call = { method: string; path: string; body: unknown };

/** Answers every fetch with `answer(call)` and records the calls, so a test can assert what was sent. */
export function stubApi(answer: (call: Call) => Response): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (request: Request) => {
      const text = request.method === "GET" ? "" : await request.text();
      const call = {
        method: request.method,
        path: new URL(request.url).pathname,
        body: text ? JSON.parse(text) : null,
      };
      calls.push(call);
      return answer(call);
    }),
  );
  return calls;
}
