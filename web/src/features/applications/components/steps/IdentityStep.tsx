import { useState, type FormEvent } from "react";
import { TextField } from "@/lib/ui/Field";
import { fieldBinder } from "@/lib/ui/fieldBinder";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import type { Application } from "../../api/types";
import { useSaveStep } from "../../hooks/useSaveStep";
import { checkIdentity, identityForm, type IdentityForm } from "../../model";
import { StepActions } from "./StepActions";

type Props = { app: Application; onSaved: (app: Application) => void };

/** Step 2: name, date of birth, tax id and address. The tax id and birth date are stored encrypted
 * and come back masked, so a saved identity is kept as it is unless they are typed again. */
export function IdentityStep({ app, onSaved }: Props) {
  const saved = identityForm(app);
  const [form, setForm] = useState<IdentityForm>(saved);
  const step = useSaveStep("identity", app);
  const bind = fieldBinder(form, setForm, step.errors);
  const kept = app.identity !== null && !form.taxId && !form.birthDate;

  function submit(e: FormEvent) {
    e.preventDefault();
    if (kept && JSON.stringify(form) === JSON.stringify(saved)) {
      onSaved(app); // nothing changed: the saved identity stands
      return;
    }
    const checked = checkIdentity(form);
    if (kept) {
      checked.errors.taxId ??= "Enter your tax id again to save changes to this step.";
      checked.errors.birthDate ??= "Enter your date of birth again to save changes to this step.";
      checked.section = null;
    }
    void step.save(checked, onSaved);
  }

  return (
    <form className="card apply-step" aria-labelledby="step-heading" onSubmit={submit} noValidate>
      <h2 id="step-heading">About you</h2>
      {app.identity && (
        <p className="muted">
          Saved: tax id {app.identity.taxIdMasked}, date of birth hidden. Leave both empty to keep
          them, or type them again to change this step.
        </p>
      )}
      <div className="form-grid">
        <TextField label="First name" autoComplete="given-name" {...bind("firstName")} />
        <TextField label="Last name" autoComplete="family-name" {...bind("lastName")} />
        <TextField label="Date of birth" type="date" autoComplete="bday" {...bind("birthDate")} />
        <TextField
          label="Social Security number or ITIN"
          inputMode="numeric"
          autoComplete="off"
          {...bind("taxId")}
          hint="Used for the credit check; stored encrypted and shown only masked."
        />
        <TextField label="Street address" autoComplete="address-line1" {...bind("line1")} wide />
        <TextField
          label="Apartment, suite (optional)"
          autoComplete="address-line2"
          {...bind("line2")}
          wide
        />
        <TextField label="City" autoComplete="address-level2" {...bind("city")} />
        <TextField label="State" autoComplete="address-level1" {...bind("region")} />
        <TextField
          label="ZIP code"
          autoComplete="postal-code"
          inputMode="numeric"
          {...bind("postalCode")}
        />
        <TextField
          label="Months at this address"
          inputMode="numeric"
          {...bind("monthsAtAddress")}
        />
      </div>
      <ProblemAlert error={step.problem} />
      <StepActions busy={step.busy} />
    </form>
  );
}
