import { useState, type FormEvent } from "react";
import { CheckboxField } from "@/lib/ui/Field";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import type { FieldErrors } from "@/lib/ui/useSubmission";
import type { Application } from "../../api/types";
import { useSaveStep } from "../../hooks/useSaveStep";
import { formatDateTime } from "../../model";
import { StepActions } from "./StepActions";

type Props = { app: Application; onSaved: (app: Application) => void };

/** Step 5: the two consents. The server stamps when each was first given and shows it back. */
export function ConsentsStep({ app, onSaved }: Props) {
  const [creditReport, setCreditReport] = useState(Boolean(app.consents?.creditReportAt));
  const [disclosures, setDisclosures] = useState(Boolean(app.consents?.electronicDisclosuresAt));
  const step = useSaveStep("consents", app);

  function submit(e: FormEvent) {
    e.preventDefault();
    const errors: FieldErrors = {};
    if (!creditReport)
      errors.creditReport = "We need your consent to a credit report to decide on the application.";
    if (!disclosures)
      errors.electronicDisclosures =
        "We need your consent to electronic disclosures to send you the decision and the loan documents.";
    const section = { consents: { creditReport, electronicDisclosures: disclosures } };
    void step.save(
      Object.keys(errors).length ? { section: null, errors } : { section, errors },
      onSaved,
    );
  }

  return (
    <form className="card apply-step" aria-labelledby="step-heading" onSubmit={submit} noValidate>
      <h2 id="step-heading">Consents</h2>
      <CheckboxField
        className="apply-consent"
        checked={creditReport}
        onChange={setCreditReport}
        error={step.errors.creditReport}
        hint={given(app.consents?.creditReportAt)}
        label="I authorize Loan Engine to obtain my credit report from a consumer reporting agency to decide on this application."
      />
      <CheckboxField
        className="apply-consent"
        checked={disclosures}
        onChange={setDisclosures}
        error={step.errors.electronicDisclosures}
        hint={given(app.consents?.electronicDisclosuresAt)}
        label="I agree to receive disclosures, notices and the loan agreement electronically, in this app and as PDF files."
      />
      <ProblemAlert error={step.problem} />
      <StepActions busy={step.busy} />
    </form>
  );
}

/** When the server first recorded a consent, said under its box. */
function given(at: string | null | undefined): string | undefined {
  return at ? `Given ${formatDateTime(at)}.` : undefined;
}
