import type { ComponentType } from "react";
import { createBrowserRouter, type RouteObject } from "react-router";
import type { Role } from "@/features/auth/api/auth";
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
        lazy: async () => signedIn(await import("@/features/auth/components/AccountPage")),
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
        path: "apply",
        lazy: async () =>
          borrowerOnly(await import("@/features/applications/components/ApplyPage")),
      },
      {
        path: "apply/:id",
        lazy: async () =>
          borrowerOnly(await import("@/features/applications/components/ApplyPage")),
      },
      {
        path: "applications",
        lazy: async () =>
          borrowerOnly(await import("@/features/applications/components/ApplicationsPage")),
      },
      {
        path: "applications/:id",
        lazy: async () =>
          borrowerOnly(await import("@/features/applications/components/ApplicationPage")),
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
      {
        path: "underwriting",
        lazy: async () => staffOnly(await import("@/features/underwriting/components/QueuePage")),
      },
      {
        path: "underwriting/:id",
        lazy: async () => staffOnly(await import("@/features/underwriting/components/ReviewPage")),
      },
      { path: "*", Component: NotFoundPage },
    ],
  },
];

/**
 * A lazily loaded page behind sign-in: signed out goes to sign-in; with `roles`, a signed-in user
 * without one of them sees "forbidden".
 */
function guarded(roles?: Role[]) {
  return ({ default: Page }: { default: ComponentType }) => ({
    Component: () => (
      <RequireAuth roles={roles}>
        <Page />
      </RequireAuth>
    ),
  });
}

const signedIn = guarded();
const adminOnly = guarded(["admin"]);
const borrowerOnly = guarded(["borrower"]);
const staffOnly = guarded(["admin", "underwriter"]);

export function createRouter() {
  return createBrowserRouter(routes);
}
