import type { ReactNode } from "react";

/** What a page or card shows while its data loads: a spinner and a status screen readers announce. */
export function Loading({ children = "Loading…" }: { children?: ReactNode }) {
  return (
    <p className="muted" role="status">
      <span className="spinner" aria-hidden="true" /> {children}
    </p>
  );
}
