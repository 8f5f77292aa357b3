/** A step's submit button, with a spinner while the step is being saved. */
export function StepActions({
  busy,
  label = "Save and continue",
}: {
  busy: boolean;
  label?: string;
}) {
  return (
    <div className="form-actions">
      <button type="submit" className="btn btn--primary" disabled={busy}>
        {busy && <span className="spinner" aria-hidden="true" />}
        {label}
      </button>
    </div>
  );
}
