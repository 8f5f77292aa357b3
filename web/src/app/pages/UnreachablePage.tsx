import { useState } from "react";
import { apiBaseUrl } from "@/lib/api/client";
import { usePageTitle } from "@/lib/ui/usePageTitle";

/** Shown in place of the page whenever the API cannot be reached; "Try again" probes it. */
export function UnreachablePage({ onRecovered }: { onRecovered: () => void }) {
  usePageTitle("Service unavailable");
  const [checking, setChecking] = useState(false);
  const [stillDown, setStillDown] = useState(false);

  async function retry() {
    setChecking(true);
    try {
      const response = await fetch(`${apiBaseUrl}/health/live`, { cache: "no-store" });
      if (response.ok) {
        onRecovered();
        return;
      }
    } catch {
      // still unreachable
    }
    setStillDown(true);
    setChecking(false);
  }

  return (
    <div className="status-page" data-testid="unreachable">
      <svg
        className="status-page__icon"
        viewBox="0 0 48 48"
        aria-hidden="true"
        width="56"
        height="56"
      >
        <circle cx="24" cy="24" r="22" fill="none" stroke="currentColor" strokeWidth="3" />
        <path d="M24 12v15" stroke="currentColor" strokeWidth="3.5" strokeLinecap="round" />
        <circle cx="24" cy="34" r="2.4" fill="currentColor" />
      </svg>
      <h1>We can't reach Loan Engine right now</h1>
      <p className="muted">
        Your connection may have dropped, or our service is briefly unavailable. Nothing you entered
        has been lost. Please check your connection and try again in a moment.
      </p>
      {stillDown && (
        <p role="alert" className="field__error">
          Still no answer. Please try again shortly.
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="btn btn--primary" onClick={retry} disabled={checking}>
          {checking && <span className="spinner" aria-hidden="true" />}
          Try again
        </button>
      </div>
    </div>
  );
}
