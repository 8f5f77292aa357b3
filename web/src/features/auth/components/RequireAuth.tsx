import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import type { Role } from "../api/auth";
import { useSession } from "../hooks/useSession";
import { ForbiddenPage } from "@/lib/ui/ForbiddenPage";

/** Renders its children for a signed-in user (with one of `roles`, when given). */
export function RequireAuth({ children, roles }: { children: ReactNode; roles?: Role[] }) {
  const session = useSession();
  const location = useLocation();
  if (session.status === "loading") {
    return (
      <p className="muted" role="status">
        <span className="spinner" aria-hidden="true" /> Checking your session…
      </p>
    );
  }
  if (session.status === "anonymous") {
    return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  }
  if (roles && !session.hasRole(...roles)) return <ForbiddenPage />;
  return children;
}
