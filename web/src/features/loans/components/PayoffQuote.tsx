import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { formatDate, formatMoney } from "@/lib/format";
import { TextField } from "@/lib/ui/Field";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { loansApi } from "../api/loans";

/** The amount that pays the loan off on a chosen date, with its parts and the interest per day. */
export function PayoffQuote(props: { loanId: string; currency: string; today: string }) {
  const { loanId, currency, today } = props;
  const [date, setDate] = useState(today);
  const payoff = useQuery({
    queryKey: ["loans", "payoff", loanId, date],
    queryFn: () => loansApi.payoff(loanId, date),
    enabled: /^\d{4}-\d{2}-\d{2}$/.test(date),
    retry: false,
  });
  const money = (value: string) => formatMoney(value, currency);
  return (
    <section className="card" aria-labelledby="payoff-heading">
      <h2 id="payoff-heading">Payoff quote</h2>
      <TextField
        label="Pay off on"
        type="date"
        value={date}
        min={today}
        onChange={(e) => setDate(e.target.value)}
      />
      <ProblemAlert error={payoff.error} />
      {payoff.data && (
        <dl className="details" aria-live="polite">
          <div>
            <dt>Payoff amount</dt>
            <dd data-testid="payoff-total">{money(payoff.data.total)}</dd>
          </div>
          <div>
            <dt>Good through</dt>
            <dd>{formatDate(payoff.data.date)}</dd>
          </div>
          <div>
            <dt>Principal</dt>
            <dd>{money(payoff.data.principal)}</dd>
          </div>
          <div>
            <dt>Interest</dt>
            <dd>{money(payoff.data.interest)}</dd>
          </div>
          <div>
            <dt>Fees</dt>
            <dd>{money(payoff.data.fees)}</dd>
          </div>
          <div>
            <dt>Interest per day after that</dt>
            <dd>{money(payoff.data.perDiem)}</dd>
          </div>
        </dl>
      )}
    </section>
  );
}
