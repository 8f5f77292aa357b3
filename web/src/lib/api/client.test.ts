import { authFetch } from "./client";
import { ApiUnreachableError } from "./problem";
import { setAccessToken, setRefresher } from "./session";

describe("authFetch", () => {
  afterEach(() => {
    setAccessToken(null);
    setRefresher(null);
  });

  it("sends the bearer token, refreshes once on 401 and retries with the new token", async () => {
    setAccessToken("old");
    const refresher = vi.fn(async () => {
      setAccessToken("new");
      return "new";
    });
    setRefresher(refresher);
    const seen: (string | null)[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (request: Request) => {
        const auth = request.headers.get("Authorization");
        seen.push(auth);
        return new Response(JSON.stringify({ body: await request.text() }), {
          status: auth === "Bearer new" ? 200 : 401,
        });
      }),
    );
    const response = await authFetch(
      new Request("http://localhost/api/things", { method: "POST", body: "payload" }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ body: "payload" });
    expect(seen).toEqual(["Bearer old", "Bearer new"]);
    expect(refresher).toHaveBeenCalledTimes(1);
  });

  it("does not try to refresh for the auth routes themselves", async () => {
    setAccessToken("old");
    const refresher = vi.fn(async () => "new");
    setRefresher(refresher);
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response("", { status: 401 })),
    );
    const response = await authFetch(new Request("http://localhost/auth/me"));
    expect(response.status).toBe(401);
    expect(refresher).not.toHaveBeenCalled();
  });

  it("turns a network failure into ApiUnreachableError", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => {
        throw new TypeError("Failed to fetch");
      }),
    );
    await expect(authFetch(new Request("http://localhost/api/quotes"))).rejects.toBeInstanceOf(
      ApiUnreachableError,
    );
  });
});
