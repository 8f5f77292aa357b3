import { useState, type FormEvent } from "react";
import { ChoiceField, TextField } from "@/lib/ui/Field";
import { fieldBinder } from "@/lib/ui/fieldBinder";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import type { Application } from "../../api/types";
import { useSaveStep } from "../../hooks/useSaveStep";
import { checkIncome, EMPLOYMENT_LABELS, incomeForm, type IncomeForm } from "../../model";
import { StepActions } from "./StepActions";

type Props = { app: Application; onSaved: (app: Application) => void };

/** Step 3: income and employment. */
export function IncomeStep({ app, onSaved }: Props) {
  const [form, setForm] = useState<IncomeForm>(() => incomeForm(app));
  const step = useSaveStep("income", app);
  const bind = fieldBinder(form, setForm, step.errors);

  function submit(e: FormEvent) {
    e.preventDefault();
    void step.save(checkIncome(form), onSaved);
  }

  return (
    <form className="card apply-step" aria-labelledby="step-heading" onSubmit={submit} noValidate>
      <h2 id="step-heading">Income and employment</h2>
      <div className="form-grid">
        <TextField
          label="Monthly income before tax"
          inputMode="decimal"
          {...bind("monthlyIncome")}
          hint="All regular income: pay, pension, benefits."
        />
        <ChoiceField
          label="Employment"
          value={form.employmentStatus}
          choices={EMPLOYMENT_LABELS}
          onChange={(value) => setForm({ ...form, employmentStatus: value })}
          error={step.errors.employmentStatus}
        />
        <TextField label="Employer (optional)" autoComplete="organization" {...bind("employer")} />
        <TextField
          label="Months with this employer"
          inputMode="numeric"
          {...bind("monthsEmployed")}
        />
      </div>
      <ProblemAlert error={step.problem} />
      <StepActions busy={step.busy} />
    </form>
  );
}
