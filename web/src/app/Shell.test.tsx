import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, RouterProvider } from "react-router";
import { AuthProvider } from "@/features/auth/components/AuthProvider";
import { setAccessToken } from "@/lib/api/session";
import type { components } from "@/lib/api/schema.gen";
import { api, problem, PROBLEM_HEADERS, stubApi } from "@/test/stubApi";
import { createQueryClient } from "@/lib/api/queryClient";
import { Shell } from "./Shell";

const ada: components["schemas"]["UserRead"] = {
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

/** The auth routes for a visitor (`signedIn` false) or a signed-in Ada; returns "METHOD /path" sent. */
function stubAuth(signedIn: boolean) {
  const calls = stubApi(
    api.post("/auth/refresh", ({ response }) =>
      signedIn
        ? response(200).json({ accessToken: "t1", expiresIn: 900, tokenType: "Bearer", user: ada })
        : response(401).json(
            problem(401, "Authentication required", { type: "unauthenticated" }),
            PROBLEM_HEADERS,
          ),
    ),
    api.get("/auth/me", ({ request, response }) =>
      request.headers.get("Authorization") === "Bearer t1"
        ? response(200).json(ada)
        : response(401).json(problem(401, "Authentication required"), PROBLEM_HEADERS),
    ),
    api.post("/auth/logout", ({ response }) => response(204).empty()),
  );
  return () => calls.map((c) => `${c.method} ${c.path}`);
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
    expect(paths()).toEqual([]); // no le_session hint: nothing to refresh, no failed request
  });

  it("tries the refresh cookie once when the hint says a sign-in may exist", async () => {
    setSessionHint(true);
    const paths = stubAuth(false);
    renderShell();
    const banner = screen.getByRole("banner");
    expect(await within(banner).findByRole("link", { name: "Sign in" })).toBeVisible();
    expect(paths()).toEqual(["POST /auth/refresh"]); // once, though StrictMode runs effects twice: a spent refresh token ends the sign-in
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
    expect(paths()).toContain("POST /auth/logout");
  });
});
