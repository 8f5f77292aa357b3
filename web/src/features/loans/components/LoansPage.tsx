import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { useSession } from "@/features/auth";
import { formatDate, formatMoney } from "@/lib/format";
import { ChoiceField, TextField } from "@/lib/ui/Field";
import { PagedList } from "@/lib/ui/PagedList";
import { useCursorPages } from "@/lib/ui/useCursorPages";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { usePageTitle } from "@/lib/ui/usePageTitle";
import { loansApi, type LoanFilters } from "../api/loans";
import type { LoanStatus, LoanSummary } from "../api/types";
import { STATUS_LABELS } from "../model";
import "./loans.css";

/** A borrower's own loans ("My loans"); for staff, every loan with a search by borrower and status. */
export default function LoansPage() {
  const session = useSession();
  const staff = session.hasRole("admin", "underwriter");
  usePageTitle(staff ? "Loans" : "My loans");
  const [filters, setFilters] = useState<LoanFilters>({});
  const loans = useCursorPages(["loans", "list", filters], (cursor) =>
    loansApi.list(filters, cursor),
  );
  return (
    <div className="loans">
      <header className="page-header">
        <h1>{staff ? "Loans" : "My loans"}</h1>
        <p>
          {staff
            ? "Every booked loan, newest first. Search by the borrower's email, status or product."
            : "Your loans with what you owe and when the next payment is due."}
        </p>
      </header>
      {staff && <SearchForm onSearch={setFilters} />}
      <ProblemAlert error={loans.query.error} />
      <section className="card" aria-labelledby="loans-heading">
        <h2 id="loans-heading">{staff ? "Results" : "Your loans"}</h2>
        <PagedList
          list={loans}
          empty={staff ? "No loan matches this search." : "You have no loans with us yet."}
        >
          {(items) => <LoanTable loans={items} />}
        </PagedList>
      </section>
    </div>
  );
}

function SearchForm({ onSearch }: { onSearch: (filters: LoanFilters) => void }) {
  const [email, setEmail] = useState("");
  const [status, setStatus] = useState<LoanStatus | "">("");
  const [product, setProduct] = useState("");
  function search(e: FormEvent) {
    e.preventDefault();
    onSearch({
      borrowerEmail: email.trim() || undefined,
      status: status || undefined,
      productCode: product.trim().toUpperCase() || undefined,
    });
  }
  return (
    <form className="card" role="search" aria-label="Search loans" onSubmit={search}>
      <div className="form-grid">
        <TextField
          label="Borrower email"
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <ChoiceField
          label="Status"
          none="Any"
          choices={STATUS_LABELS}
          value={status}
          onChange={setStatus}
        />
        <TextField
          label="Product code"
          value={product}
          onChange={(e) => setProduct(e.target.value)}
        />
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn--primary">
          Search
        </button>
      </div>
    </form>
  );
}

function LoanTable({ loans }: { loans: LoanSummary[] }) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label="Loans">
      <table className="admin-table">
        <thead>
          <tr>
            <th scope="col">Loan</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Principal
            </th>
            <th scope="col" className="num">
              Outstanding
            </th>
            <th scope="col">Next payment</th>
          </tr>
        </thead>
        <tbody>
          {loans.map((loan) => (
            <tr key={loan.id}>
              <td>
                <Link to={`/loans/${loan.id}`}>
                  {loan.productCode} · {formatDate(loan.startDate)}
                </Link>
              </td>
              <td>{STATUS_LABELS[loan.status]}</td>
              <td className="num">{formatMoney(loan.principal, loan.currency)}</td>
              <td className="num">{formatMoney(loan.totalOutstanding, loan.currency)}</td>
              <td>
                {loan.nextPayment
                  ? `${formatMoney(loan.nextPayment.amount, loan.currency)} on ${formatDate(loan.nextPayment.dueDate)}`
                  : "—"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
