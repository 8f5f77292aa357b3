import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { Link, NavLink, Outlet, useLocation, useNavigate } from "react-router";
import { useSession } from "@/features/auth/hooks/useSession";
import { clearUnreachable, useApiUnreachable } from "@/lib/api/status";
import { visibleNavItems } from "./navigation";
import { UnreachablePage } from "./pages/UnreachablePage";
import { ThemeToggle } from "./ThemeToggle";

function BrandMark() {
  return (
    <svg className="brand__mark" viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="7" fill="#0b3d5c" />
      <path d="M9 8v16h14v-3.2H12.6V8z" fill="#fff" />
      <path d="M17 8h6v3h-6z" fill="#4fb3a9" />
    </svg>
  );
}

export function Shell() {
  const session = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const unreachable = useApiUnreachable();
  const main = useRef<HTMLElement>(null);
  const items = visibleNavItems(session.status === "authenticated", session.user?.roles ?? []);

  // Move focus to the page on client-side navigation so screen readers start at the new content.
  const lastPath = useRef(location.pathname);
  useEffect(() => {
    if (lastPath.current === location.pathname) return;
    lastPath.current = location.pathname;
    main.current?.focus();
  }, [location.pathname]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar__inner">
          <Link to="/" className="brand">
            <BrandMark />
            Loan Engine
          </Link>
          <nav className="nav" aria-label="Main">
            {items.map((item) => (
              <NavLink key={item.to} to={item.to} end className="nav__link">
                {item.label}
              </NavLink>
            ))}
          </nav>
          <div className="topbar__actions">
            <ThemeToggle />
            {session.status === "authenticated" && session.user ? (
              <>
                <span className="user-chip">
                  <span>{session.user.displayName || session.user.email}</span>
                  <span className="user-chip__role">{session.user.roles.join(", ")}</span>
                </span>
                <button
                  type="button"
                  className="btn btn--secondary btn--small"
                  onClick={async () => {
                    // Leave first, and wait until home has loaded (its code is a lazy chunk): a
                    // signed-in-only page still showing would send the visitor to sign-in.
                    await navigate("/");
                    await session.signOut();
                  }}
                >
                  Sign out
                </button>
              </>
            ) : session.status === "anonymous" ? (
              <>
                <Link className="btn btn--ghost btn--small" to="/sign-in">
                  Sign in
                </Link>
                <Link className="btn btn--primary btn--small" to="/sign-up">
                  Open an account
                </Link>
              </>
            ) : null}
          </div>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {unreachable ? (
          <UnreachablePage
            onRecovered={() => {
              clearUnreachable();
              void queryClient.refetchQueries({ type: "active" });
            }}
          />
        ) : (
          <Outlet />
        )}
      </main>
      <footer className="footer">
        <div className="footer__inner">
          Quotes are estimates for illustration and are not an offer of credit. APR computed by the
          actuarial method of Regulation Z, Appendix J.
        </div>
      </footer>
    </div>
  );
}
