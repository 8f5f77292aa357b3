import { useState } from "react";
import { formatDate, formatMoney } from "@/lib/format";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { useSubmission } from "@/lib/ui/useSubmission";
import { underwritingApi } from "../api/underwriting";
import type { ApplicationRead, Sensitive } from "../api/types";
import { formatTime, humanize } from "../model";
import { Detail } from "./Detail";

/** The applicant as they stated it, tax id and date of birth masked; unmasking asks the server,
 * which records the view in the audit log. */
export function ApplicantCard({ application }: { application: ApplicationRead }) {
  const { identity, income, housing, loan, consents } = application;
  const address = identity?.address;
  return (
    <section className="card" aria-labelledby="applicant-heading">
      <h2 id="applicant-heading">Applicant</h2>
      <dl className="details">
        {identity && address && (
          <>
            <Detail label="Name">
              {identity.firstName} {identity.lastName}
            </Detail>
            <Detail label="Address">
              {[address.line1, address.line2, address.city].filter(Boolean).join(", ")},{" "}
              {address.region} {address.postalCode}
            </Detail>
          </>
        )}
        {loan && (
          <Detail label="Requested">
            {formatMoney(loan.amount)} over {loan.termPeriods} {loan.frequency ?? "monthly"}{" "}
            payments ({loan.productCode})
          </Detail>
        )}
        {income && (
          <Detail label="Income">
            {formatMoney(income.monthlyIncome)} a month, {humanize(income.employmentStatus)}
            {income.monthsEmployed ? ` for ${income.monthsEmployed} months` : ""}
            {income.employer ? ` at ${income.employer}` : ""}
          </Detail>
        )}
        {housing && (
          <Detail label="Housing and debts">
            {humanize(housing.housing)}, {formatMoney(housing.housingPayment)} a month; other debts{" "}
            {formatMoney(housing.otherMonthlyDebts)} a month
          </Detail>
        )}
        {consents?.creditReportAt && (
          <Detail label="Credit report consent">{formatTime(consents.creditReportAt)}</Detail>
        )}
      </dl>
      {identity && <SensitiveFields application={application} identity={identity} />}
    </section>
  );
}

type Identity = NonNullable<ApplicationRead["identity"]>;

function SensitiveFields({
  application,
  identity,
}: {
  application: ApplicationRead;
  identity: Identity;
}) {
  const [shown, setShown] = useState<Sensitive | null>(null);
  const submission = useSubmission();
  function reveal() {
    void submission.submit({}, async () => {
      setShown(await underwritingApi.sensitive(application.id));
    });
  }
  return (
    <div className="stack">
      <dl className="details">
        <Detail label="Tax id" testId="tax-id">
          {shown ? shown.taxId : identity.taxIdMasked}
        </Detail>
        <Detail label="Date of birth" testId="birth-date">
          {shown ? formatDate(shown.birthDate) : identity.birthDateMasked}
        </Detail>
      </dl>
      <ProblemAlert error={submission.problem} />
      {shown ? (
        <p className="muted" role="status">
          Shown unmasked. This view is recorded in the audit log under your name.
        </p>
      ) : (
        <div>
          <button
            type="button"
            className="btn btn--secondary btn--small"
            onClick={reveal}
            disabled={submission.busy}
            aria-describedby="sensitive-hint"
          >
            Show tax id and date of birth
          </button>
          <p className="field__hint" id="sensitive-hint">
            Viewing them is recorded in the audit log.
          </p>
        </div>
      )}
    </div>
  );
}
