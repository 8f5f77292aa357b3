import type { ComponentType } from "react";
import { createBrowserRouter, type RouteObject } from "react-router";
import { RequireAuth } from "@/features/auth/components/RequireAuth";
import { NotFoundPage } from "./pages/NotFoundPage";
import { RouteErrorPage } from "./pages/RouteErrorPage";
import { Shell } from "./Shell";

// Each page is its own chunk: the first load fetches only the shell and the page it lands on.
export const routes: RouteObject[] = [
  {
    element: <Shell />,
    errorElement: <RouteErrorPage />,
    // Shown while the first page's code loads (no server rendering, so nothing to hydrate).
    hydrateFallbackElement: (
      <p className="muted" role="status">
        Loading…
      </p>
    ),
    children: [
      {
        index: true,
        lazy: async () => ({
          Component: (await import("@/features/calculator/components/CalculatorPage")).default,
        }),
      },
      {
        path: "sign-in",
        lazy: async () => ({
          Component: (await import("@/features/auth/components/SignInPage")).default,
        }),
      },
      {
        path: "sign-up",
        lazy: async () => ({
          Component: (await import("@/features/auth/components/SignUpPage")).default,
        }),
      },
      {
        path: "forgot-password",
        lazy: async () => ({
          Component: (await import("@/features/auth/components/ForgotPasswordPage")).default,
        }),
      },
      {
        path: "reset-password",
        lazy: async () => ({
          Component: (await import("@/features/auth/components/ResetPasswordPage")).default,
        }),
      },
      {
        path: "verify-email",
        lazy: async () => ({
          Component: (await import("@/features/auth/components/VerifyEmailPage")).default,
        }),
      },
      {
        path: "account",
        lazy: async () => {
          const { default: AccountPage } = await import("@/features/auth/components/AccountPage");
          return {
            Component: () => (
              <RequireAuth>
                <AccountPage />
              </RequireAuth>
            ),
          };
        },
      },
      {
        path: "loans",
        lazy: async () => signedIn(await import("@/features/loans/components/LoansPage")),
      },
      {
        path: "loans/:id",
        lazy: async () => signedIn(await import("@/features/loans/components/LoanPage")),
      },
      {
        path: "products",
        lazy: async () => ({
          Component: (await import("@/features/products/components/ProductsPage")).default,
        }),
      },
      {
        path: "admin/products",
        lazy: async () =>
          adminOnly(await import("@/features/products/components/AdminProductsPage")),
      },
      {
        path: "admin/products/:code",
        lazy: async () =>
          adminOnly(await import("@/features/products/components/ProductDetailPage")),
      },
      {
        path: "admin/products/:code/versions/:version",
        lazy: async () =>
          adminOnly(await import("@/features/products/components/VersionEditorPage")),
      },
      {
        path: "admin/products/:code/policy",
        lazy: async () => adminOnly(await import("@/features/policy/components/PolicyPage")),
      },
      { path: "*", Component: NotFoundPage },
    ],
  },
];

/** A page for any signed-in user (signed out: to sign-in). */
function signedIn({ default: Page }: { default: ComponentType }) {
  return {
    Component: () => (
      <RequireAuth>
        <Page />
      </RequireAuth>
    ),
  };
}

/** A page for admins only (signed out: to sign-in; signed in without the role: forbidden). */
function adminOnly({ default: Page }: { default: ComponentType }) {
  return {
    Component: () => (
      <RequireAuth roles={["admin"]}>
        <Page />
      </RequireAuth>
    ),
  };
}

export function createRouter() {
  return createBrowserRouter(routes);
}
