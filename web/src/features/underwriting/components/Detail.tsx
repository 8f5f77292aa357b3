import type { ReactNode } from "react";

/** One row of a `details` list: a term and its value (the shared .details grid). */
export function Detail({
  label,
  children,
  testId,
}: {
  label: ReactNode;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <div>
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}
