import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { formatMoney } from "@/lib/format";
import { Field, TextField } from "@/lib/ui/Field";
import { PagedList } from "@/lib/ui/PagedList";
import { useCursorPages } from "@/lib/ui/useCursorPages";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { usePageTitle } from "@/lib/ui/usePageTitle";
import { underwritingApi } from "../api/underwriting";
import type { ApplicationStatus, ApplicationSummary } from "../api/types";
import {
  AGE_CHOICES,
  ASSIGNEE_LABELS,
  FILTER_STATUSES,
  STATUS_LABELS,
  ageLabel,
  filtersFromSearch,
  filtersToSearch,
  queueQuery,
  type Assignee,
  type QueueFilters,
} from "../model";
import "./underwriting.css";

/** Staff: the applications waiting for a person (referred ones first), filtered by status, product,
 * age and who holds them; the filters live in the URL so the review page links back to the same list. */
export default function QueuePage() {
  usePageTitle("Underwriting queue");
  const [search, setSearch] = useSearchParams();
  const filters = filtersFromSearch(search);
  const list = useCursorPages(["applications", "queue", filters], (cursor) =>
    underwritingApi.queue(queueQuery(filters, cursor)),
  );
  const back = search.toString();
  return (
    <div className="underwriting">
      <header className="page-header">
        <h1>Underwriting queue</h1>
        <p>
          Applications the policy referred, and automatic declines an underwriter may review. Claim
          one to decide it; one underwriter holds an application at a time.
        </p>
      </header>
      <QueueFiltersForm
        key={back}
        initial={filters}
        onApply={(next) => setSearch(filtersToSearch(next))}
      />
      <ProblemAlert error={list.query.error} />
      <section className="card" aria-labelledby="queue-heading">
        <h2 id="queue-heading">Applications</h2>
        <PagedList list={list} empty="No application matches these filters.">
          {(items) => <QueueTable rows={items} back={back} />}
        </PagedList>
      </section>
    </div>
  );
}

function QueueFiltersForm({
  initial,
  onApply,
}: {
  initial: QueueFilters;
  onApply: (filters: QueueFilters) => void;
}) {
  const [form, setForm] = useState(initial);
  function apply(e: FormEvent) {
    e.preventDefault();
    onApply({ ...form, productCode: form.productCode.trim().toUpperCase() });
  }
  return (
    <form className="card" role="search" aria-label="Filter applications" onSubmit={apply}>
      <div className="form-grid">
        <Field label="Status">
          {(control) => (
            <select
              {...control}
              className="select"
              value={form.status}
              onChange={(e) =>
                setForm({ ...form, status: e.target.value as ApplicationStatus | "" })
              }
            >
              <option value="">Any status</option>
              {FILTER_STATUSES.map((value) => (
                <option key={value} value={value}>
                  {STATUS_LABELS[value]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <TextField
          label="Product code"
          value={form.productCode}
          onChange={(e) => setForm({ ...form, productCode: e.target.value })}
        />
        <Field label="Age">
          {(control) => (
            <select
              {...control}
              className="select"
              value={form.minAgeHours ?? ""}
              onChange={(e) =>
                setForm({ ...form, minAgeHours: e.target.value ? Number(e.target.value) : null })
              }
            >
              {AGE_CHOICES.map((choice) => (
                <option key={choice.label} value={choice.hours ?? ""}>
                  {choice.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Claimed by">
          {(control) => (
            <select
              {...control}
              className="select"
              value={form.assignee}
              onChange={(e) => setForm({ ...form, assignee: e.target.value as Assignee })}
            >
              {Object.entries(ASSIGNEE_LABELS).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn--primary">
          Filter
        </button>
      </div>
    </form>
  );
}

function QueueTable({ rows, back }: { rows: ApplicationSummary[]; back: string }) {
  // Ages are measured from when the table first showed (a re-render does not shift them).
  const [now] = useState(() => new Date());
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label="Applications">
      <table className="admin-table">
        <thead>
          <tr>
            <th scope="col">Applicant</th>
            <th scope="col">Status</th>
            <th scope="col">Product</th>
            <th scope="col" className="num">
              Amount
            </th>
            <th scope="col">Age</th>
            <th scope="col">Claimed by</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <td>
                <Link
                  to={`/underwriting/${row.id}`}
                  state={{ back }}
                  aria-label={`Review ${row.applicant ?? "application"} (${row.id.slice(0, 8)})`}
                >
                  {row.applicant ?? "No name yet"}
                </Link>
              </td>
              <td>
                {STATUS_LABELS[row.status]}
                {row.overridePending && (
                  <>
                    {" "}
                    <span className="badge">Override waiting for a second person</span>
                  </>
                )}
              </td>
              <td>{row.productCode ?? "—"}</td>
              <td className="num">{row.amount ? formatMoney(row.amount) : "—"}</td>
              <td>{ageLabel(row.createdAt, now)}</td>
              <td>{row.assigneeName ?? "Nobody"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
