import { formatMoney, formatRate } from "@/lib/format";
import type { Quote } from "../api/types";

type Props = { quote: Quote; currency: string; periods: number; frequencyLabel: string };

/** The payment, and the four Truth-in-Lending figures in the familiar boxed layout. */
export function QuoteSummary({ quote, currency, periods, frequencyLabel }: Props) {
  const { disclosure, totals } = quote;
  const money = (v: string) => formatMoney(v, currency);
  return (
    <section className="card summary" aria-labelledby="summary-heading">
      <div className="summary__payment">
        <h2 id="summary-heading" className="summary__label">
          {frequencyLabel} payment
        </h2>
        <p className="summary__amount num" data-testid="payment">
          {money(quote.payment)}
        </p>
        <p className="muted summary__sub">
          {periods} payments · total interest{" "}
          <span className="num" data-testid="total-interest">
            {money(totals.interest)}
          </span>
          {Number(quote.prepaidInterest) !== 0 && (
            <>
              {" "}
              · prepaid interest <span className="num">{money(quote.prepaidInterest)}</span>
            </>
          )}
        </p>
      </div>
      <dl className="tila" aria-label="Truth in Lending disclosure">
        <div className="tila__box">
          <dt>Annual percentage rate</dt>
          <dd className="num tila__value" data-testid="apr">
            {formatRate(disclosure.apr)}
          </dd>
          <dd className="tila__note">The cost of your credit as a yearly rate.</dd>
        </div>
        <div className="tila__box">
          <dt>Finance charge</dt>
          <dd className="num tila__value" data-testid="finance-charge">
            {money(disclosure.financeCharge)}
          </dd>
          <dd className="tila__note">The dollar amount the credit will cost you.</dd>
        </div>
        <div className="tila__box">
          <dt>Amount financed</dt>
          <dd className="num tila__value" data-testid="amount-financed">
            {money(disclosure.amountFinanced)}
          </dd>
          <dd className="tila__note">The amount of credit provided to you or on your behalf.</dd>
        </div>
        <div className="tila__box">
          <dt>Total of payments</dt>
          <dd className="num tila__value" data-testid="total-of-payments">
            {money(disclosure.totalOfPayments)}
          </dd>
          <dd className="tila__note">What you will have paid after all scheduled payments.</dd>
        </div>
      </dl>
    </section>
  );
}
