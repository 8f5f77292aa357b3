import { useState, type FormEvent } from "react";
import { TextField } from "@/lib/ui/Field";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { useSubmission } from "@/lib/ui/useSubmission";
import { loansApi } from "../api/loans";
import { useIdempotentPost } from "../hooks/useIdempotentPost";

type Props = { loanId: string; seq: number; today: string; onDone: () => void };

/** Staff: reverse payment `seq` (returned or NSF) with a reason; the product's fee follows. */
export function ReverseForm({ loanId, seq, today, onDone }: Props) {
  const [reason, setReason] = useState("");
  const [valueDate, setValueDate] = useState(today);
  const submission = useSubmission();
  const post = useIdempotentPost();

  function reverse(e: FormEvent) {
    e.preventDefault();
    const local: Record<string, string> = reason.trim()
      ? {}
      : { reason: "Say why: the reason goes to the audit log." };
    void submission.submit(local, async () => {
      const body = { kind: "payment_reversal" as const, reversesSeq: seq, valueDate, reason };
      await post((key) => loansApi.post(loanId, body, key));
      onDone();
    });
  }

  return (
    <form className="card" aria-label={`Reverse payment #${seq}`} onSubmit={reverse} noValidate>
      <h3>Reverse payment #{seq}</h3>
      <div className="form-grid">
        <TextField
          label="Reversal value date"
          type="date"
          value={valueDate}
          max={today}
          error={submission.errors.valueDate}
          onChange={(e) => setValueDate(e.target.value)}
        />
        <TextField
          label="Reason for the reversal"
          value={reason}
          error={submission.errors.reason}
          onChange={(e) => setReason(e.target.value)}
          wide
        />
      </div>
      <ProblemAlert error={submission.problem} />
      <div className="form-actions">
        <button type="submit" className="btn btn--primary" disabled={submission.busy}>
          Reverse payment
        </button>
        <button type="button" className="btn btn--ghost" onClick={onDone}>
          Keep it
        </button>
      </div>
    </form>
  );
}
