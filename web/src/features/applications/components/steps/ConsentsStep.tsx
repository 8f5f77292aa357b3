import { useState, type FormEvent } from "react";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import type { Application } from "../../api/types";
import { useSaveStep } from "../../hooks/useSaveStep";
import { formatDateTime, type FieldErrors } from "../../model";
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
      <Consent
        id="consent-credit"
        checked={creditReport}
        onChange={setCreditReport}
        error={step.errors.creditReport}
        givenAt={app.consents?.creditReportAt}
        label="I authorize Loan Engine to obtain my credit report from a consumer reporting agency to decide on this application."
      />
      <Consent
        id="consent-disclosures"
        checked={disclosures}
        onChange={setDisclosures}
        error={step.errors.electronicDisclosures}
        givenAt={app.consents?.electronicDisclosuresAt}
        label="I agree to receive disclosures, notices and the loan agreement electronically, in this app and as PDF files."
      />
      <ProblemAlert error={step.problem} />
      <StepActions busy={step.busy} />
    </form>
  );
}

type ConsentProps = {
  id: string;
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  error?: string;
  givenAt?: string | null;
};

function Consent({ id, label, checked, onChange, error, givenAt }: ConsentProps) {
  const described = [givenAt ? `${id}-at` : "", error ? `${id}-error` : ""]
    .filter(Boolean)
    .join(" ");
  return (
    <div className="field apply-consent">
      <label className="checkbox" htmlFor={id}>
        <input
          id={id}
          type="checkbox"
          checked={checked}
          onChange={(e) => onChange(e.target.checked)}
          aria-invalid={error ? true : undefined}
          aria-describedby={described || undefined}
        />
        {label}
      </label>
      {givenAt && (
        <span className="field__hint" id={`${id}-at`}>
          Given {formatDateTime(givenAt)}.
        </span>
      )}
      {error && (
        <span className="field__error" id={`${id}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}
