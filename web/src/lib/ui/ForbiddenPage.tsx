import { Link } from "react-router";
import { usePageTitle } from "./usePageTitle";

export function ForbiddenPage() {
  usePageTitle("Not available");
  return (
    <div className="status-page">
      <h1>This page isn't available to your account</h1>
      <p className="muted">If you think you should have access, contact your administrator.</p>
      <div className="form-actions">
        <Link className="btn btn--primary" to="/">
          Go to the loan calculator
        </Link>
      </div>
    </div>
  );
}
