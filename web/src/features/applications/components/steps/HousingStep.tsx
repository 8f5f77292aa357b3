import { useState, type FormEvent } from "react";
import { ChoiceField, TextField } from "@/lib/ui/Field";
import { fieldBinder } from "@/lib/ui/fieldBinder";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import type { Application } from "../../api/types";
import { useSaveStep } from "../../hooks/useSaveStep";
import { checkHousing, HOUSING_LABELS, housingForm, type HousingForm } from "../../model";
import { StepActions } from "./StepActions";

type Props = { app: Application; onSaved: (app: Application) => void };

/** Step 4: housing and other monthly debts (the decision's debt-to-income uses them). */
export function HousingStep({ app, onSaved }: Props) {
  const [form, setForm] = useState<HousingForm>(() => housingForm(app));
  const step = useSaveStep("housing", app);
  const bind = fieldBinder(form, setForm, step.errors);

  function submit(e: FormEvent) {
    e.preventDefault();
    void step.save(checkHousing(form), onSaved);
  }

  return (
    <form className="card apply-step" aria-labelledby="step-heading" onSubmit={submit} noValidate>
      <h2 id="step-heading">Housing and other debts</h2>
      <div className="form-grid">
        <ChoiceField
          label="Housing"
          value={form.housing}
          choices={HOUSING_LABELS}
          onChange={(value) => setForm({ ...form, housing: value })}
          error={step.errors.housing}
        />
        <TextField
          label="Monthly rent or mortgage payment"
          inputMode="decimal"
          {...bind("housingPayment")}
        />
        <TextField
          label="Other monthly debt payments"
          inputMode="decimal"
          {...bind("otherMonthlyDebts")}
          hint="Car loans, student loans, card minimums."
        />
      </div>
      <ProblemAlert error={step.problem} />
      <StepActions busy={step.busy} />
    </form>
  );
}
