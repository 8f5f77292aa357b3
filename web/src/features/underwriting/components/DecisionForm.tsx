import { useState, type FormEvent } from "react";
import { Field, TextField } from "@/lib/ui/Field";
import { fieldBinder } from "@/lib/ui/fieldBinder";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { useSubmission } from "@/lib/ui/useSubmission";
import { underwritingApi } from "../api/underwriting";
import type { ApplicationRead, DecisionReason } from "../api/types";
import { MAX_REASONS, decisionBody, decisionErrors, type DecisionForm as Form } from "../model";

type Props = {
  app: ApplicationRead;
  reasons: DecisionReason[];
  onDone: (result: ApplicationRead) => void;
};

const ACTIONS: { value: Form["action"]; label: string }[] = [
  { value: "approve", label: "Approve on the requested terms" },
  { value: "counteroffer", label: "Counter-offer (another amount or term)" },
  { value: "decline", label: "Decline with reasons" },
];

/** The claimant's decision, always with a note. On an automatic decline only approving or
 * counter-offering makes sense, and either is a proposal a second person confirms. */
export function DecisionForm({ app, reasons, onDone }: Props) {
  const overriding = app.status === "declined";
  const actions = overriding ? ACTIONS.filter((a) => a.value !== "decline") : ACTIONS;
  const [form, setForm] = useState<Form>({
    action: "approve",
    note: "",
    reasons: [],
    amount: "",
    termPeriods: "",
  });
  const submission = useSubmission();
  const bind = fieldBinder(form, setForm, submission.errors);

  function toggle(code: string) {
    setForm((f) => ({
      ...f,
      reasons: f.reasons.includes(code)
        ? f.reasons.filter((c) => c !== code)
        : [...f.reasons, code],
    }));
  }

  function send(e: FormEvent) {
    e.preventDefault();
    void submission.submit(decisionErrors(form), async () => {
      onDone(await underwritingApi.decide(app.id, decisionBody(form)));
    });
  }

  const texts = new Map(reasons.map((r) => [r.code, r.text]));
  return (
    <form onSubmit={send} noValidate aria-label="Decide the application" className="stack">
      <h3>Decide</h3>
      {overriding && (
        <p className="waiting-note">
          The policy declined this application. Approving or counter-offering it overrides the
          decline: your decision is a proposal, and another underwriter or an admin confirms it.
        </p>
      )}
      <fieldset className="reason-choices">
        <legend>Decision</legend>
        {actions.map((action) => (
          <label key={action.value} className="checkbox">
            <input
              type="radio"
              name="action"
              value={action.value}
              checked={form.action === action.value}
              onChange={() => setForm({ ...form, action: action.value })}
            />
            {action.label}
          </label>
        ))}
      </fieldset>
      {form.action === "counteroffer" && (
        <div className="form-grid">
          <TextField
            label="Amount"
            inputMode="decimal"
            hint={app.loan ? `Requested: ${app.loan.amount}` : undefined}
            {...bind("amount")}
          />
          <TextField
            label="Term (number of payments)"
            inputMode="numeric"
            hint={app.loan ? `Requested: ${app.loan.termPeriods}` : undefined}
            {...bind("termPeriods")}
          />
        </div>
      )}
      {form.action === "decline" && (
        <fieldset
          className="reason-choices"
          aria-describedby={submission.errors.reasons ? "reasons-error" : "reasons-hint"}
        >
          <legend>Principal reasons (Regulation B), up to {MAX_REASONS}</legend>
          <span className="field__hint" id="reasons-hint">
            Tick the most important first: the notice lists them in the order ticked.
          </span>
          {reasons.map((reason) => {
            const picked = form.reasons.includes(reason.code);
            return (
              <label key={reason.code} className="checkbox">
                <input
                  type="checkbox"
                  checked={picked}
                  disabled={!picked && form.reasons.length >= MAX_REASONS}
                  onChange={() => toggle(reason.code)}
                />
                {reason.text}
              </label>
            );
          })}
          {form.reasons.length > 0 && (
            <ol className="key-factors" aria-label="Reasons in rank order">
              {form.reasons.map((code) => (
                <li key={code}>{texts.get(code) ?? code}</li>
              ))}
            </ol>
          )}
          {submission.errors.reasons && (
            <span className="field__error" id="reasons-error">
              {submission.errors.reasons}
            </span>
          )}
        </fieldset>
      )}
      <Field
        label="Note"
        hint="Required: kept with the decision and in the audit log."
        error={submission.errors.note}
        wide
      >
        {(control) => (
          <textarea
            {...control}
            className="input"
            rows={3}
            maxLength={2000}
            value={form.note}
            onChange={(e) => setForm({ ...form, note: e.target.value })}
          />
        )}
      </Field>
      <ProblemAlert error={submission.problem} />
      <div className="form-actions">
        <button type="submit" className="btn btn--primary" disabled={submission.busy}>
          {overriding ? "Propose the override" : "Record the decision"}
        </button>
      </div>
    </form>
  );
}
