import { useState, type FormEvent } from "react";
import { formatMoney } from "@/lib/format";
import { cleanNumber } from "@/lib/format/number";
import { Field, TextField } from "@/lib/ui/Field";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { useSubmission } from "@/lib/ui/useSubmission";
import { loansApi } from "../api/loans";
import type { LoanSummary, TransactionKind } from "../api/types";
import { useIdempotentPost } from "../hooks/useIdempotentPost";
import { actionErrors, formKinds, kindLabel, needsAmount, type ActionForm } from "../model";

type Props = { loan: LoanSummary; allowed: string[]; today: string };

/** Staff: disburse an approved loan, or post what its status admits, each with a reason (audited). */
export function StaffActions({ loan, allowed, today }: Props) {
  const kinds = formKinds(allowed);
  const canDisburse = allowed.includes("disbursement");
  if (!kinds.length && !canDisburse) return null;
  return (
    <section className="card" aria-labelledby="actions-heading">
      <h2 id="actions-heading">Staff actions</h2>
      {canDisburse && <DisburseForm loan={loan} />}
      {kinds.length > 0 && <PostForm loan={loan} kinds={kinds} today={today} />}
    </section>
  );
}

function DisburseForm({ loan }: { loan: LoanSummary }) {
  const submission = useSubmission();
  const post = useIdempotentPost();
  function disburse() {
    void submission.submit({}, async () => {
      await post((key) => loansApi.disburse(loan.id, "Disbursed from the loan page", key));
    });
  }
  return (
    <div>
      <p>Disburse the net proceeds on the start date; the loan becomes active.</p>
      <ProblemAlert error={submission.problem} />
      <button
        type="button"
        className="btn btn--primary"
        onClick={disburse}
        disabled={submission.busy}
      >
        Disburse {formatMoney(loan.principal, loan.currency)}
      </button>
    </div>
  );
}

function PostForm({
  loan,
  kinds,
  today,
}: {
  loan: LoanSummary;
  kinds: TransactionKind[];
  today: string;
}) {
  const blank: ActionForm = {
    kind: kinds[0] ?? "payment",
    amount: "",
    valueDate: today,
    reason: "",
  };
  const [form, setForm] = useState(blank);
  const [done, setDone] = useState<string | null>(null);
  const submission = useSubmission();
  const post = useIdempotentPost();
  const set = (key: keyof ActionForm) => (value: string) =>
    setForm((f) => ({ ...f, [key]: value }));
  const reasonRequired = form.kind !== "payment";

  function send(e: FormEvent) {
    e.preventDefault();
    setDone(null);
    void submission.submit(actionErrors(form, reasonRequired), async () => {
      const body = {
        kind: form.kind as TransactionKind,
        amount: needsAmount(form.kind) ? cleanNumber(form.amount) : "0",
        valueDate: form.valueDate,
        reason: form.reason.trim(),
      };
      const result = await post((key) => loansApi.post(loan.id, body, key));
      setDone(`${kindLabel(result.transaction.kind)} #${result.transaction.seq} posted.`);
      setForm({ ...blank, kind: form.kind });
    });
  }

  return (
    <form onSubmit={send} noValidate aria-label="Post a transaction">
      <div className="form-grid">
        <Field label="Transaction">
          {(control) => (
            <select
              {...control}
              className="select"
              value={form.kind}
              onChange={(e) => set("kind")(e.target.value)}
            >
              {kinds.map((kind) => (
                <option key={kind} value={kind}>
                  {kindLabel(kind)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {needsAmount(form.kind) && (
          <TextField
            label="Amount"
            inputMode="decimal"
            value={form.amount}
            error={submission.errors.amount}
            onChange={(e) => set("amount")(e.target.value)}
          />
        )}
        <TextField
          label="Value date"
          type="date"
          value={form.valueDate}
          max={today}
          error={submission.errors.valueDate}
          onChange={(e) => set("valueDate")(e.target.value)}
        />
        <TextField
          label={reasonRequired ? "Reason" : "Reason (optional)"}
          value={form.reason}
          error={submission.errors.reason}
          onChange={(e) => set("reason")(e.target.value)}
          wide
        />
      </div>
      <ProblemAlert error={submission.problem} />
      {done && (
        <p className="alert alert--success" role="status">
          {done}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn--primary" disabled={submission.busy}>
          Post
        </button>
      </div>
    </form>
  );
}
