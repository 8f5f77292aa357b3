import { formatMoney, formatRate } from "@/lib/format";
import type { Quote } from "../api/types";

type Props = { quote: Quote; currency: string; frequencyLabel: string; outOfDate: boolean };

/**
 * The payment and APR in a bar pinned to the bottom of a narrow screen, where the form fills the
 * screen and the full summary sits below it: the figures stay in sight while typing. Wide screens
 * hide it (the results column is beside the form there).
 */
export function QuotePeek({ quote, currency, frequencyLabel, outOfDate }: Props) {
  return (
    <div
      className={outOfDate ? "quote-peek quote-peek--stale" : "quote-peek"}
      data-testid="quote-peek"
    >
      <p className="quote-peek__figures">
        <span className="quote-peek__label">{frequencyLabel} payment</span>{" "}
        <strong className="num">{formatMoney(quote.payment, currency)}</strong>
        <span className="quote-peek__apr">
          APR <span className="num">{formatRate(quote.disclosure.apr)}</span>
        </span>
        {outOfDate && <span className="quote-peek__stale">Out of date</span>}
      </p>
      <button
        type="button"
        className="btn btn--secondary btn--small"
        onClick={() =>
          document.getElementById("summary-heading")?.scrollIntoView({ block: "start" })
        }
      >
        Details
      </button>
    </div>
  );
}
