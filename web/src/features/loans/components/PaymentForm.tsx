import { useState, type FormEvent } from "react";
import { formatMoney } from "@/lib/format";
import { parseAmount } from "@/lib/format/number";
import { TextField } from "@/lib/ui/Field";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { useSubmission } from "@/lib/ui/useSubmission";
import { loansApi } from "../api/loans";
import type { LoanSummary } from "../api/types";
import { useIdempotentPost } from "../hooks/useIdempotentPost";

/**
 * The borrower's payment form. It posts through the same service as every channel (recorded as
 * `web`); no card or bank processor is connected, so the payment is recorded as received — the
 * form says so (sandbox). A processor integration would post settled payments as an API client.
 */
export function PaymentForm({ loan, today }: { loan: LoanSummary; today: string }) {
  const [amount, setAmount] = useState(loan.nextPayment?.amount ?? "");
  const [paid, setPaid] = useState<string | null>(null);
  const submission = useSubmission();
  const post = useIdempotentPost();

  function pay(e: FormEvent) {
    e.preventDefault();
    setPaid(null);
    const value = parseAmount(amount);
    const local: Record<string, string> =
      value === null ? { amount: "Enter an amount, like 125.50." } : {};
    void submission.submit(local, async () => {
      const body = { kind: "payment" as const, amount: value ?? "", valueDate: today };
      const result = await post((key) => loansApi.post(loan.id, body, key));
      setPaid(formatMoney(result.transaction.amount, loan.currency));
    });
  }

  return (
    <section className="card" aria-labelledby="pay-heading">
      <h2 id="pay-heading">Make a payment</h2>
      <p className="muted sandbox-note">
        Sandbox: no card or bank processor is connected, so a payment made here is recorded as
        received today.
      </p>
      <form onSubmit={pay} noValidate>
        <TextField
          label="Amount"
          inputMode="decimal"
          value={amount}
          error={submission.errors.amount}
          onChange={(e) => setAmount(e.target.value)}
        />
        <ProblemAlert error={submission.problem} />
        {paid && (
          <p className="alert alert--success" role="status">
            Payment of {paid} recorded.
          </p>
        )}
        <div className="form-actions">
          <button type="submit" className="btn btn--primary" disabled={submission.busy}>
            Pay
          </button>
        </div>
      </form>
    </section>
  );
}
