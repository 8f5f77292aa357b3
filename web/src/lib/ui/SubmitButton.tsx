import type { ReactNode } from "react";

/** A form's primary submit button, disabled with a spinner while the form is being sent; `block`
 * fills the width (the narrow sign-in cards). */
export function SubmitButton({
  busy,
  block,
  children,
}: {
  busy: boolean;
  block?: boolean;
  children: ReactNode;
}) {
  return (
    <button
      className={block ? "btn btn--primary btn--block" : "btn btn--primary"}
      type="submit"
      disabled={busy}
    >
      {busy && <span className="spinner" aria-hidden="true" />}
      {children}
    </button>
  );
}
