import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { useSession } from "@/features/auth";
import { formatDate, todayIso } from "@/lib/format";
import { Loading } from "@/lib/ui/Loading";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { usePageTitle } from "@/lib/ui/usePageTitle";
import { loansApi } from "../api/loans";
import { loanQueryKey } from "../hooks/useIdempotentPost";
import { JournalTable } from "./JournalTable";
import { LoanSummaryCard } from "./LoanSummaryCard";
import { PaymentForm } from "./PaymentForm";
import { PayoffQuote } from "./PayoffQuote";
import { ScheduleTable } from "./ScheduleTable";
import { StaffActions } from "./StaffActions";
import { TransactionsTable } from "./TransactionsTable";
import "./loans.css";

/** One loan: balance and next payment, schedule against payments, history, payoff and payment;
 * staff also see the journal and post, reverse and waive with a reason. */
export default function LoanPage() {
  const { id = "" } = useParams();
  const session = useSession();
  const staff = session.hasRole("admin", "underwriter");
  const today = todayIso();
  const read = useQuery({ queryKey: loanQueryKey(id), queryFn: () => loansApi.get(id) });
  const loan = read.data?.loan;
  usePageTitle(loan ? `Loan ${loan.productCode} · ${formatDate(loan.startDate)}` : "Loan");
  const allowed = read.data?.allowedKinds ?? [];
  return (
    <div className="loan-page">
      <header className="page-header">
        <p>
          <Link to="/loans">{staff ? "All loans" : "My loans"}</Link>
        </p>
        <h1>{loan ? `${loan.productCode} loan from ${formatDate(loan.startDate)}` : "Loan"}</h1>
        {staff && loan && (
          <p className="muted">
            Loan {loan.id} · borrower {loan.borrowerId}
          </p>
        )}
      </header>
      <ProblemAlert error={read.error} />
      {read.isPending && <Loading />}
      {loan && read.data && (
        <div className="main-aside">
          <div className="loan-page">
            <LoanSummaryCard loan={loan} />
            <ScheduleTable rows={read.data.schedule} currency={loan.currency} today={today} />
            <TransactionsTable
              loanId={loan.id}
              currency={loan.currency}
              canReverse={staff && allowed.includes("payment_reversal")}
              today={today}
            />
            {staff && <JournalTable loanId={loan.id} />}
          </div>
          <div className="loan-page">
            {!staff && allowed.includes("payment") && <PaymentForm loan={loan} today={today} />}
            {staff && <StaffActions loan={loan} allowed={allowed} today={today} />}
            {loan.status === "active" && (
              <PayoffQuote loanId={loan.id} currency={loan.currency} today={today} />
            )}
          </div>
        </div>
      )}
    </div>
  );
}
