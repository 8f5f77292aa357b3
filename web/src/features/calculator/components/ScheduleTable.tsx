import { useState } from "react";
import { formatDate, formatMoney } from "@/lib/format";
import type { ScheduleRow } from "../api/types";

type Props = { schedule: ScheduleRow[]; currency: string; actions?: React.ReactNode };

const PAGE_SIZES = [12, 24, 60, 120];

/** The full amortization schedule, a page at a time. */
export function ScheduleTable({ schedule, currency, actions }: Props) {
  const [pageSize, setPageSize] = useState(12);
  const [page, setPage] = useState(0);
  const pages = Math.max(1, Math.ceil(schedule.length / pageSize));
  const current = Math.min(page, pages - 1);
  const rows = schedule.slice(current * pageSize, (current + 1) * pageSize);
  const money = (v: string) => formatMoney(v, currency);
  const hasFees = schedule.some((r) => Number(r.fees) !== 0);
  const from = current * pageSize + 1;
  const to = Math.min(schedule.length, (current + 1) * pageSize);

  return (
    <section className="card" aria-labelledby="schedule-heading">
      <div className="card__title">
        <h2 id="schedule-heading">Payment schedule</h2>
        {actions}
      </div>
      {/* Focusable so keyboard users can scroll it sideways on narrow screens. */}
      <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="schedule-heading">
        <table className="data" data-testid="schedule">
          <caption>
            Payments {from}–{to} of {schedule.length}
          </caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col" className="text">
                Due date
              </th>
              <th scope="col">Payment</th>
              <th scope="col">Principal</th>
              <th scope="col">Interest</th>
              {hasFees && <th scope="col">Fees</th>}
              <th scope="col">Balance</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.number}>
                <td className="num">{r.number}</td>
                <td className="text num">{formatDate(r.dueDate)}</td>
                <td className="num">{money(r.payment)}</td>
                <td className="num">{money(r.principal)}</td>
                <td className="num">{money(r.interest)}</td>
                {hasFees && <td className="num">{money(r.fees)}</td>}
                <td className="num">{money(r.balance)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav className="pagination" aria-label="Schedule pages">
        <label className="checkbox">
          Rows per page
          <select
            className="select select--inline"
            value={pageSize}
            onChange={(e) => {
              setPageSize(Number(e.target.value));
              setPage(0);
            }}
          >
            {PAGE_SIZES.map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
          </select>
        </label>
        <div className="pagination__pages">
          <button
            type="button"
            className="btn btn--secondary btn--small"
            onClick={() => setPage(current - 1)}
            disabled={current === 0}
          >
            Previous
          </button>
          <span aria-live="polite" className="num">
            Page {current + 1} of {pages}
          </span>
          <button
            type="button"
            className="btn btn--secondary btn--small"
            onClick={() => setPage(current + 1)}
            disabled={current >= pages - 1}
          >
            Next
          </button>
        </div>
      </nav>
    </section>
  );
}
