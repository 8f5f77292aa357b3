import { formatDate, formatMoney } from "@/lib/format";
import type { Installment } from "../api/types";
import { isZero } from "../model";

function state(row: Installment, today: string): string {
  if (isZero(row.outstanding)) return "Paid";
  const paidSomething = ![row.principalPaid, row.interestPaid, row.feesPaid].every(isZero);
  if (row.dueDate < today) return paidSomething ? "Partly paid, past due" : "Past due";
  return paidSomething ? "Partly paid" : "Due";
}

/** The schedule against what was paid: each installment's dues, what was paid, what is left. */
export function ScheduleTable(props: { rows: Installment[]; currency: string; today: string }) {
  const { rows, currency, today } = props;
  const money = (value: string) => formatMoney(value, currency);
  return (
    <section className="card" aria-labelledby="schedule-heading">
      <h2 id="schedule-heading">Schedule</h2>
      <div className="table-wrap" tabIndex={0} role="region" aria-label="Schedule rows">
        <table className="admin-table" aria-label="Schedule">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Due</th>
              <th scope="col" className="num">
                Principal
              </th>
              <th scope="col" className="num">
                Interest
              </th>
              <th scope="col" className="num">
                Fees
              </th>
              <th scope="col" className="num">
                Still owed
              </th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.number}>
                <td>{row.number}</td>
                <td>{formatDate(row.dueDate)}</td>
                <td className="num">{money(row.principalDue)}</td>
                <td className="num">{money(row.interestDue)}</td>
                <td className="num">{money(row.feesDue)}</td>
                <td className="num">{money(row.outstanding)}</td>
                <td>{state(row, today)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
