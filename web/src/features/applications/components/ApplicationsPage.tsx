import { Link } from "react-router";
import { formatDate, formatMoney } from "@/lib/format";
import { PagedList } from "@/lib/ui/PagedList";
import { useCursorPages } from "@/lib/ui/useCursorPages";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { usePageTitle } from "@/lib/ui/usePageTitle";
import { applicationsApi } from "../api/applications";
import type { ApplicationSummary } from "../api/types";
import { STATUS_LABELS } from "../model";
import "./applications.css";

/** "My applications": the borrower's applications, newest first, each with its state. */
export default function ApplicationsPage() {
  usePageTitle("My applications");
  const list = useCursorPages(["applications", "list", "all"], applicationsApi.list);
  return (
    <div className="applications">
      <header className="page-header">
        <h1>My applications</h1>
        <p>Each application with its decision. Open one to see its offers or its notice.</p>
      </header>
      <p>
        <Link className="btn btn--primary" to="/apply">
          Apply for a loan
        </Link>
      </p>
      <ProblemAlert error={list.query.error} />
      <section className="card" aria-labelledby="applications-heading">
        <h2 id="applications-heading">Your applications</h2>
        <PagedList list={list} empty="You have not applied yet.">
          {(items) => <ApplicationTable items={items} />}
        </PagedList>
      </section>
    </div>
  );
}

function ApplicationTable({ items }: { items: ApplicationSummary[] }) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label="Applications">
      <table className="admin-table">
        <thead>
          <tr>
            <th scope="col">Application</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Amount
            </th>
            <th scope="col">Submitted</th>
          </tr>
        </thead>
        <tbody>
          {items.map((a) => (
            <tr key={a.id}>
              <td>
                <Link to={`/applications/${a.id}`}>
                  {a.productCode ?? "Application"} · started {formatDate(a.createdAt.slice(0, 10))}
                </Link>
              </td>
              <td>{STATUS_LABELS[a.status]}</td>
              <td className="num">{a.amount ? formatMoney(a.amount) : "—"}</td>
              <td>{a.submittedAt ? formatDate(a.submittedAt.slice(0, 10)) : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
