import { useId, useState, type FormEvent } from "react";
import { Link } from "react-router";
import { formatDate, formatMoney, formatRate } from "@/lib/format";
import { CheckboxField, TextField } from "@/lib/ui/Field";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { useSubmission, type FieldErrors } from "@/lib/ui/useSubmission";
import { SubmitButton } from "@/lib/ui/SubmitButton";
import { applicationsApi } from "../api/applications";
import type { Application, Offer } from "../api/types";
import { useIdempotentAction } from "../hooks/useIdempotentAction";
import { FREQUENCY_LABELS, paymentSchedule } from "../model";

/** The offers, each with its Truth-in-Lending box, and (while approved) the acceptance form. */
export function OffersSection({ app }: { app: Application }) {
  const open = app.status === "approved";
  const offers =
    app.status === "booked" ? app.offers.filter((o) => o.number === app.acceptedOffer) : app.offers;
  return (
    <section className="card" aria-labelledby="offers-heading">
      <h2 id="offers-heading">
        {app.status === "booked" ? "The offer you accepted" : "Your offers"}
      </h2>
      {app.status === "expired" && (
        <p className="muted">These offers have expired and can no longer be accepted.</p>
      )}
      <div className="offers">
        {offers.map((offer) => (
          <OfferCard key={offer.number} offer={offer} />
        ))}
      </div>
      {open && <AcceptForm app={app} />}
      {app.status === "booked" && app.loanId && (
        <p>
          <Link className="btn btn--primary" to={`/loans/${app.loanId}`}>
            See your loan
          </Link>
        </p>
      )}
    </section>
  );
}

/** Reg Z 1026.18: the four boxed figures and the payment schedule, exactly as the server priced them. */
export function OfferCard({ offer }: { offer: Offer }) {
  const headingId = useId(); // the same offer can show twice: in the offers and in the notice
  const money = (value: string) => formatMoney(value);
  const frequency = FREQUENCY_LABELS[offer.frequency] ?? offer.frequency;
  return (
    <article className="offer" aria-labelledby={headingId}>
      <h3 id={headingId}>
        Offer {offer.number}: {money(offer.amount)} over {offer.termPeriods} {frequency} payments
        {offer.counteroffer && <span className="badge">Counteroffer</span>}
      </h3>
      <p className="muted">
        Grade {offer.grade}, interest rate {formatRate(offer.annualRate)} a year. The loan would
        start on {formatDate(offer.startDate)}.
      </p>
      <div
        className="til"
        role="group"
        aria-label={`Truth in Lending disclosure, offer ${offer.number}`}
      >
        <div className="til__box">
          <span className="til__label">Annual percentage rate</span>
          <span className="til__hint">The cost of your credit as a yearly rate</span>
          <strong data-testid="til-apr">{formatRate(offer.apr)}</strong>
        </div>
        <div className="til__box">
          <span className="til__label">Finance charge</span>
          <span className="til__hint">The dollar amount the credit will cost you</span>
          <strong data-testid="til-finance-charge">{money(offer.financeCharge)}</strong>
        </div>
        <div className="til__box">
          <span className="til__label">Amount financed</span>
          <span className="til__hint">The amount of credit provided to you or on your behalf</span>
          <strong data-testid="til-amount-financed">{money(offer.amountFinanced)}</strong>
        </div>
        <div className="til__box">
          <span className="til__label">Total of payments</span>
          <span className="til__hint">What you will have paid after all payments as scheduled</span>
          <strong data-testid="til-total">{money(offer.totalOfPayments)}</strong>
        </div>
      </div>
      <h4>Your payment schedule</h4>
      <div
        className="table-wrap til-schedule"
        tabIndex={0}
        role="region"
        aria-label={`Payment schedule, offer ${offer.number}, scrollable`}
      >
        <table className="admin-table" aria-label={`Payment schedule, offer ${offer.number}`}>
          <thead>
            <tr>
              <th scope="col">Payments</th>
              <th scope="col" className="num">
                Amount of each
              </th>
              <th scope="col">When</th>
            </tr>
          </thead>
          <tbody>
            {paymentSchedule(offer).map((line) => (
              <tr key={line.date}>
                <td>{line.count}</td>
                <td className="num">{money(line.amount)}</td>
                <td>
                  {line.count > 1
                    ? `${frequency}, starting ${formatDate(line.date)}`
                    : `on ${formatDate(line.date)}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </article>
  );
}

function AcceptForm({ app }: { app: Application }) {
  const send = useIdempotentAction();
  const [offer, setOffer] = useState(app.offers[0]?.number ?? 1);
  const [name, setName] = useState("");
  const [consent, setConsent] = useState(false);
  const { errors, problem, busy, submit: sendForm } = useSubmission();

  function submit(e: FormEvent) {
    e.preventDefault();
    const local: FieldErrors = {};
    if (!name.trim()) local.signatureName = "Type your full name to sign.";
    if (!consent)
      local.esignConsent =
        "Tick the box to agree to sign electronically; the offer is accepted only with your signature.";
    void sendForm(local, async () => {
      await send((key) =>
        applicationsApi.accept(
          app.id,
          { offer, esignConsent: true, signatureName: name.trim() },
          key,
        ),
      );
    });
  }

  return (
    <form className="accept-form" aria-labelledby="accept-heading" onSubmit={submit} noValidate>
      <h3 id="accept-heading">Accept an offer</h3>
      {app.offers.length > 1 && (
        <fieldset className="field">
          <legend className="field__label">Offer</legend>
          {app.offers.map((o) => (
            <label key={o.number} className="checkbox">
              <input
                type="radio"
                name="offer"
                checked={offer === o.number}
                onChange={() => setOffer(o.number)}
              />
              Offer {o.number}: {formatMoney(o.amount)}, {o.termPeriods} payments of{" "}
              {formatMoney(o.payment)}
            </label>
          ))}
        </fieldset>
      )}
      <TextField
        label="Your full name, as your signature"
        autoComplete="name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={errors.signatureName}
      />
      <CheckboxField
        label="I agree to sign the loan agreement electronically, and that typing my name above is my signature."
        checked={consent}
        onChange={setConsent}
        error={errors.esignConsent}
      />
      <ProblemAlert error={problem} />
      <div className="form-actions">
        <SubmitButton busy={busy}>
          Accept offer {app.offers.length > 1 ? offer : ""} and sign
        </SubmitButton>
      </div>
    </form>
  );
}
