import { useMutation, useQuery } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { Link, useParams } from "react-router";
import { formatMoney } from "@/lib/format";
import { Loading } from "@/lib/ui/Loading";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { usePageTitle } from "@/lib/ui/usePageTitle";
import { applicationsApi } from "../api/applications";
import type { Application } from "../api/types";
import { applicationKey, useStoreApplication } from "../hooks/applicationCache";
import { canWithdraw, formatDateTime, hasNotice, STATUS_LABELS } from "../model";
import { NoticeView } from "./NoticeView";
import { OffersSection } from "./OffersSection";
import "./applications.css";

/** One application: its state and decision, the offers to accept, or the notice that explains it. */
export default function ApplicationPage() {
  const { id = "" } = useParams();
  usePageTitle("Application");
  const app = useQuery({ queryKey: applicationKey(id), queryFn: () => applicationsApi.get(id) });
  return (
    <div className="application-page">
      <p>
        <Link to="/applications">← My applications</Link>
      </p>
      <ProblemAlert error={app.error} />
      {app.isPending && <Loading />}
      {app.data && <Loaded app={app.data} />}
    </div>
  );
}

function Loaded({ app }: { app: Application }) {
  const { loan } = app;
  return (
    <>
      <header className="page-header">
        <h1>
          {loan ? `${loan.productCode} application for ${formatMoney(loan.amount)}` : "Application"}
        </h1>
        <p>
          <span className="badge" data-testid="application-status">
            {STATUS_LABELS[app.status]}
          </span>{" "}
          Started {formatDateTime(app.createdAt)}
          {app.submittedAt && `, submitted ${formatDateTime(app.submittedAt)}`}.
        </p>
      </header>
      <StatusSection app={app} />
      {/* Reasons reach the borrower in the notice (Reg B); a referral's reasons are for the underwriter. */}
      {(app.status === "approved" || app.status === "booked" || app.status === "expired") && (
        <OffersSection app={app} />
      )}
      {hasNotice(app) && <NoticeView applicationId={app.id} />}
      {canWithdraw(app.status) && <WithdrawSection app={app} />}
    </>
  );
}

function StatusSection({ app }: { app: Application }) {
  const decided = app.decision && formatDateTime(app.decision.decidedAt);
  const by = app.decision?.by === "underwriter" ? "an underwriter" : "our credit policy";
  let text: ReactNode;
  switch (app.status) {
    case "draft":
      text = (
        <>
          Not submitted yet. <Link to={`/apply/${app.id}`}>Continue your application</Link>.
        </>
      );
      break;
    case "submitted":
      text = "Submitted; the decision is being made.";
      break;
    case "approved":
      text = `Approved on ${decided} by ${by}. Choose an offer below${app.expiresAt ? ` before ${formatDateTime(app.expiresAt)}` : ""}.`;
      break;
    case "referred":
      text =
        "An underwriter is reviewing your application. We will decide after their review; nothing is needed from you now.";
      break;
    case "declined":
      text = `We could not approve this application (decided on ${decided} by ${by}). The notice below gives the reasons.`;
      break;
    case "expired":
      text = `The offers lapsed${app.expiresAt ? ` on ${formatDateTime(app.expiresAt)}` : ""} without being accepted. You are welcome to apply again.`;
      break;
    case "withdrawn":
      text = "You withdrew this application.";
      break;
    case "accepted":
    case "booked":
      text = app.loanId ? (
        <>
          You accepted offer {app.acceptedOffer}. Your loan is booked:{" "}
          <Link to={`/loans/${app.loanId}`}>see it in My loans</Link>.
        </>
      ) : (
        "You accepted an offer; the loan is being booked."
      );
      break;
  }
  return (
    <section className="card" aria-labelledby="decision-heading">
      <h2 id="decision-heading">Decision</h2>
      <p data-testid="decision-text">{text}</p>
    </section>
  );
}

function WithdrawSection({ app }: { app: Application }) {
  const store = useStoreApplication();
  const [confirming, setConfirming] = useState(false);
  const withdraw = useMutation({
    mutationFn: () => applicationsApi.withdraw(app.id),
    onSuccess: store,
  });
  return (
    <section className="card" aria-labelledby="withdraw-heading">
      <h2 id="withdraw-heading">Withdraw</h2>
      <p className="muted">
        Withdrawing ends this application{app.status === "approved" ? " and its offers" : ""}. It
        cannot be undone; you can apply again later.
      </p>
      <ProblemAlert error={withdraw.error} />
      <div className="form-actions">
        {confirming ? (
          <>
            <button
              type="button"
              className="btn btn--primary"
              disabled={withdraw.isPending}
              onClick={() => withdraw.mutate()}
            >
              Yes, withdraw the application
            </button>
            <button type="button" className="btn btn--ghost" onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </>
        ) : (
          <button type="button" className="btn btn--secondary" onClick={() => setConfirming(true)}>
            Withdraw application
          </button>
        )}
      </div>
    </section>
  );
}
