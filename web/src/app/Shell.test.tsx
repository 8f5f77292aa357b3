import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, RouterProvider } from "react-router";
import { AuthProvider } from "../features/auth/components/AuthProvider";
import { setAccessToken } from "../lib/api/session";
import { json } from "../test/fixtures";
import { createQueryClient } from "./queryClient";
import { Shell } from "./Shell";

const ada = {
  id: "2b7f0c57-43f1-4a5c-9d9f-3f3b0a6d1e11",
  email: "ada@example.com",
  displayName: "Ada Lovelace",
  roles: ["borrower"],
  status: "active",
  createdAt: "2026-01-02T03:04:05Z",
  lastSignInAt: null,
};

function renderShell() {
  const router = createMemoryRouter(
    [{ path: "/", Component: Shell, children: [{ index: true, element: <p>Home</p> }] }],
    { initialEntries: ["/"] },
  );
  render(
    <StrictMode>
      <QueryClientProvider client={createQueryClient()}>
        <AuthProvider>
          <RouterProvider router={router} />
        </AuthProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
}

function stubAuth(signedIn: boolean) {
  const paths: string[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (request: Request) => {
      const path = new URL(request.url).pathname;
      paths.push(`${request.method} ${path}`);
      if (path === "/auth/refresh") {
        return signedIn
          ? json({ accessToken: "t1", expiresIn: 900, tokenType: "Bearer", user: ada })
          : json({ type: "unauthenticated", title: "Authentication required", status: 401 }, 401);
      }
      if (path === "/auth/me") {
        return request.headers.get("Authorization") === "Bearer t1"
          ? json(ada)
          : json({ title: "Authentication required", status: 401 }, 401);
      }
      if (path === "/auth/logout") return new Response(null, { status: 204 });
      return json({ title: "Not found", status: 404 }, 404);
    }),
  );
  return paths;
}

function setSessionHint(present: boolean) {
  document.cookie = present ? "le_session=1; path=/" : "le_session=; Max-Age=0; path=/";
}

describe("Shell with the session", () => {
  afterEach(() => {
    setAccessToken(null);
    setSessionHint(false);
  });

  it("offers sign-in and sign-up to visitors and links only public pages", async () => {
    const paths = stubAuth(false);
    renderShell();
    const banner = screen.getByRole("banner");
    expect(await within(banner).findByRole("link", { name: "Sign in" })).toBeVisible();
    expect(within(banner).getByRole("link", { name: "Open an account" })).toBeVisible();
    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(
      within(nav)
        .getAllByRole("link")
        .map((a) => a.textContent),
    ).toEqual(["Loan calculator", "Products"]);
    expect(paths).toEqual([]); // no le_session hint: nothing to refresh, no failed request
  });

  it("tries the refresh cookie once when the hint says a sign-in may exist", async () => {
    setSessionHint(true);
    const paths = stubAuth(false);
    renderShell();
    const banner = screen.getByRole("banner");
    expect(await within(banner).findByRole("link", { name: "Sign in" })).toBeVisible();
    expect(paths).toEqual(["POST /auth/refresh"]); // once, though StrictMode runs effects twice: a spent refresh token ends the sign-in
  });

  it("restores a session from the refresh cookie, then signs out", async () => {
    const user = userEvent.setup();
    setSessionHint(true);
    const paths = stubAuth(true);
    renderShell();
    const banner = screen.getByRole("banner");
    expect(await within(banner).findByText("Ada Lovelace")).toBeVisible();
    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(within(nav).getByRole("link", { name: "Account" })).toBeVisible();

    await user.click(within(banner).getByRole("button", { name: "Sign out" }));
    expect(await within(banner).findByRole("link", { name: "Sign in" })).toBeVisible();
    expect(within(nav).queryByRole("link", { name: "Account" })).toBeNull();
    expect(paths).toContain("POST /auth/logout");
  });
});
