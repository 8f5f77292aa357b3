import { Link } from "react-router";
import { ApiError, sentence } from "@/lib/api/problem";
import { formatMoney } from "@/lib/format";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { useSubmission } from "@/lib/ui/useSubmission";
import { useSession } from "@/features/auth";
import { applicationsApi } from "../../api/applications";
import type { Application } from "../../api/types";
import { useIdempotentAction } from "../../hooks/useIdempotentAction";
import {
  EMPLOYMENT_LABELS,
  FREQUENCY_LABELS,
  formatDateTime,
  HOUSING_LABELS,
  STEPS,
  type StepId,
} from "../../model";

type Props = {
  app: Application;
  onSubmitted: (app: Application) => void;
  editLink: (step: StepId) => string;
};

const MISSING_LABELS: Record<string, string> = {
  loan: "the loan you want",
  identity: "your name, date of birth, tax id and address",
  income: "your income and employment",
  housing: "your housing and other debts",
  consents: "the consents",
  "consents.creditReportAt": "your consent to a credit report",
  "consents.electronicDisclosuresAt": "your consent to electronic disclosures",
};

/** Step 6: everything saved, as the server has it, and the submit (idempotent, decided at once). */
export function ReviewStep({ app, onSubmitted, editLink }: Props) {
  const session = useSession();
  const verified = session.user?.emailVerified !== false;
  const send = useIdempotentAction();
  const { problem, busy, submit: sendForm } = useSubmission();
  const forbidden = problem instanceof ApiError && problem.status === 403;
  const fieldProblems = problem instanceof ApiError ? (problem.problem.errors ?? []) : [];

  function submit() {
    void sendForm({}, async () => {
      onSubmitted(await send((key) => applicationsApi.submit(app.id, key)));
    });
  }

  return (
    <section className="card apply-step" aria-labelledby="step-heading">
      <h2 id="step-heading">Review and submit</h2>
      <Summary app={app} editLink={editLink} />
      {app.missing.length > 0 && (
        <div className="alert alert--error" role="alert">
          <p className="alert__title">Some steps are not complete yet</p>
          <ul>
            {app.missing.map((m) => {
              const step = STEPS.find((s) => m === s.id || m.startsWith(`${s.id}.`));
              return (
                <li key={m}>
                  Add {MISSING_LABELS[m] ?? m}
                  {step && (
                    <>
                      {" "}
                      (<Link to={editLink(step.id)}>{step.label}</Link>)
                    </>
                  )}
                  .
                </li>
              );
            })}
          </ul>
        </div>
      )}
      {(!verified || forbidden) && (
        <div className="alert alert--error" role={forbidden ? "alert" : undefined}>
          <p className="alert__title">Confirm your email address to submit</p>
          <p>
            We sent you a link when you signed up. Open it, then come back: your answers are saved.
            No link? <Link to="/account">Send a new one from your account page</Link>.
          </p>
        </div>
      )}
      {fieldProblems.length > 0 ? (
        <div className="alert alert--error" role="alert">
          <p className="alert__title">The application cannot be submitted as it is</p>
          <ul>
            {fieldProblems.map((e) => {
              const step = STEPS.find((s) => e.field.split(".")[0] === s.id);
              return (
                <li key={e.field}>
                  {step ? `${step.label}: ` : ""}
                  {sentence(e.message)}
                  {step && (
                    <>
                      {" "}
                      <Link to={editLink(step.id)}>Change it</Link>.
                    </>
                  )}
                </li>
              );
            })}
          </ul>
        </div>
      ) : (
        !forbidden && <ProblemAlert error={problem} />
      )}
      <p className="muted">
        Submitting runs the credit check (the sandbox bureau) and decides at once. You can withdraw
        an application until you accept an offer.
      </p>
      <div className="form-actions">
        <button
          type="button"
          className="btn btn--primary"
          disabled={busy || app.missing.length > 0}
          onClick={submit}
        >
          {busy && <span className="spinner" aria-hidden="true" />}
          Submit application
        </button>
      </div>
    </section>
  );
}

function Summary({ app, editLink }: { app: Application; editLink: (step: StepId) => string }) {
  const { loan, identity, income, housing, consents } = app;
  const money = (value: string) => formatMoney(value);
  const edit = (step: StepId) => (
    <Link className="apply-edit" to={editLink(step)}>
      Change<span className="visually-hidden"> {STEPS.find((s) => s.id === step)?.label}</span>
    </Link>
  );
  return (
    <dl className="details apply-summary">
      <div>
        <dt>Loan</dt>
        <dd>
          {loan
            ? `${loan.productCode}: ${money(loan.amount)}, ${loan.termPeriods} ${FREQUENCY_LABELS[loan.frequency ?? "monthly"] ?? loan.frequency} payments`
            : "Not given"}{" "}
          {edit("loan")}
        </dd>
      </div>
      <div>
        <dt>About you</dt>
        <dd>
          {identity
            ? `${identity.firstName} ${identity.lastName}, tax id ${identity.taxIdMasked}, ${identity.address.line1}, ${identity.address.city} ${identity.address.region} ${identity.address.postalCode}`
            : "Not given"}{" "}
          {edit("identity")}
        </dd>
      </div>
      <div>
        <dt>Income</dt>
        <dd>
          {income
            ? `${money(income.monthlyIncome)} a month, ${EMPLOYMENT_LABELS[income.employmentStatus].toLowerCase()}`
            : "Not given"}{" "}
          {edit("income")}
        </dd>
      </div>
      <div>
        <dt>Housing and debts</dt>
        <dd>
          {housing
            ? `${HOUSING_LABELS[housing.housing]}: ${money(housing.housingPayment)} a month; other debts ${money(housing.otherMonthlyDebts)} a month`
            : "Not given"}{" "}
          {edit("housing")}
        </dd>
      </div>
      <div>
        <dt>Consents</dt>
        <dd>
          {consents?.creditReportAt && consents.electronicDisclosuresAt
            ? `Credit report ${formatDateTime(consents.creditReportAt)}; electronic disclosures ${formatDateTime(consents.electronicDisclosuresAt)}`
            : "Not given"}{" "}
          {edit("consents")}
        </dd>
      </div>
    </dl>
  );
}
