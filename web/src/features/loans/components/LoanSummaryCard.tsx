import { formatDate, formatMoney, formatRate } from "@/lib/format";
import type { LoanSummary } from "../api/types";
import { isZero, STATUS_LABELS } from "../model";

/** What the borrower owes now, the next payment, and the terms. */
export function LoanSummaryCard({ loan }: { loan: LoanSummary }) {
  const money = (value: string) => formatMoney(value, loan.currency);
  return (
    <section className="card" aria-labelledby="summary-heading">
      <h2 id="summary-heading">Balance</h2>
      <p className="loan-page__balance" data-testid="loan-balance">
        {money(loan.totalOutstanding)}
      </p>
      <p className="muted">
        <span className="badge">{STATUS_LABELS[loan.status]}</span>
        {loan.nextPayment && (
          <>
            {" "}
            Next payment{" "}
            <strong data-testid="next-payment">{money(loan.nextPayment.amount)}</strong> due{" "}
            {formatDate(loan.nextPayment.dueDate)}
          </>
        )}
      </p>
      <dl className="details">
        <div>
          <dt>Principal outstanding</dt>
          <dd>{money(loan.principalOutstanding)}</dd>
        </div>
        <div>
          <dt>Interest outstanding</dt>
          <dd>{money(loan.interestOutstanding)}</dd>
        </div>
        <div>
          <dt>Fees outstanding</dt>
          <dd>{money(loan.feesOutstanding)}</dd>
        </div>
        {!isZero(loan.creditBalance) && (
          <div>
            <dt>Credit balance (owed to the borrower)</dt>
            <dd>{money(loan.creditBalance)}</dd>
          </div>
        )}
        <div>
          <dt>Amount borrowed</dt>
          <dd>{money(loan.principal)}</dd>
        </div>
        <div>
          <dt>Rate</dt>
          <dd>{formatRate(loan.annualRate)} a year</dd>
        </div>
        <div>
          <dt>Term</dt>
          <dd>
            {loan.termPeriods} {loan.frequency} payments, the last on{" "}
            {formatDate(loan.maturityDate)}
          </dd>
        </div>
      </dl>
    </section>
  );
}
