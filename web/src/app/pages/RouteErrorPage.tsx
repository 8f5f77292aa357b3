import { isRouteErrorResponse, Link, useRouteError } from "react-router";
import { NotFoundPage } from "./NotFoundPage";

/** Last-resort boundary: a failed chunk load (often a deploy mid-visit) or an unexpected error. */
export function RouteErrorPage() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFoundPage />;
  const chunkFailed =
    error instanceof TypeError && /dynamically imported module|fetch/i.test(error.message);
  return (
    <main id="main" className="status-page">
      <h1>{chunkFailed ? "A new version is available" : "Something went wrong"}</h1>
      <p className="muted">
        {chunkFailed
          ? "Loan Engine was updated while this page was open. Reload to continue."
          : "An unexpected error stopped this page. Reloading usually fixes it."}
      </p>
      <div className="form-actions">
        <button type="button" className="btn btn--primary" onClick={() => window.location.reload()}>
          Reload
        </button>
        <Link className="btn btn--secondary" to="/">
          Go to the loan calculator
        </Link>
      </div>
    </main>
  );
}
