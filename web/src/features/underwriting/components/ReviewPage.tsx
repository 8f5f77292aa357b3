import { useQuery } from "@tanstack/react-query";
import { Link, useLocation, useParams } from "react-router";
import { formatMoney } from "@/lib/format";
import { Loading } from "@/lib/ui/Loading";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { usePageTitle } from "@/lib/ui/usePageTitle";
import { underwritingApi } from "../api/underwriting";
import { STATUS_LABELS } from "../model";
import { ApplicantCard } from "./ApplicantCard";
import { CreditReportCard } from "./CreditReportCard";
import { DecisionTrace } from "./DecisionTrace";
import { ReviewActions } from "./ReviewActions";
import "./underwriting.css";

/** Staff: one application with its credit report and decision trace, and the underwriting actions. */
export default function ReviewPage() {
  const { id = "" } = useParams();
  const location = useLocation();
  const back = (location.state as { back?: string } | null)?.back;
  const read = useQuery({
    queryKey: ["applications", "review", id],
    queryFn: () => underwritingApi.review(id),
  });
  const app = read.data?.application;
  const applicant = app?.identity ? `${app.identity.firstName} ${app.identity.lastName}` : null;
  usePageTitle(applicant ? `Application from ${applicant}` : "Application");
  return (
    <div className="underwriting">
      <header className="page-header">
        <p>
          <Link to={back ? `/underwriting?${back}` : "/underwriting"}>Underwriting queue</Link>
        </p>
        <h1>{applicant ? `Application from ${applicant}` : "Application"}</h1>
        {app && (
          <p className="muted" data-testid="application-status">
            {STATUS_LABELS[app.status]}
            {app.loan ? ` · ${app.loan.productCode} ${formatMoney(app.loan.amount)}` : ""} ·
            application {app.id}
          </p>
        )}
      </header>
      <ProblemAlert error={read.error} />
      {read.isPending && <Loading />}
      {read.data && app && (
        <div className="main-aside">
          <div className="underwriting">
            <DecisionTrace view={read.data} />
          </div>
          <div className="underwriting">
            <ReviewActions view={read.data} />
            <ApplicantCard application={app} />
            <CreditReportCard report={read.data.creditReport} />
          </div>
        </div>
      )}
    </div>
  );
}
