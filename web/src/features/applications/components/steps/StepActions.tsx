import { SubmitButton } from "@/lib/ui/SubmitButton";

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
      <SubmitButton busy={busy}>{label}</SubmitButton>
    </div>
  );
}
