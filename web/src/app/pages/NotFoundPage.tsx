import { Link } from "react-router";
import { usePageTitle } from "@/lib/ui/usePageTitle";

export function NotFoundPage() {
  usePageTitle("Page not found");
  return (
    <div className="status-page">
      <p className="status-page__code" aria-hidden="true">
        404
      </p>
      <h1>We can't find that page</h1>
      <p className="muted">
        The address may be mistyped, or the page may have moved. Everything else is where you left
        it.
      </p>
      <div className="form-actions">
        <Link className="btn btn--primary" to="/">
          Go to the loan calculator
        </Link>
      </div>
    </div>
  );
}
