import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError } from "@/lib/api/problem";
import { formatDate, formatMoney, formatRate } from "@/lib/format";
import { Field, TextField } from "@/lib/ui/Field";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { useDebouncedValue } from "@/lib/ui/useDebouncedValue";
import { productsApi } from "../api/products";
import type { ProductDefinition } from "../api/types";
import { defaultPeriods } from "../model";

type Props = { definition: ProductDefinition; currency: string; delayMs?: number };

/** The schedule a loan on this definition would get, priced by the quote engine as the admin types. */
export function SchedulePreview({ definition, currency, delayMs = 400 }: Props) {
  const [loan, setLoan] = useState(() => ({
    grade: definition.pricing.grades[0] ?? "A",
    principal: definition.amount.default,
    termPeriods: String(defaultPeriods(definition)),
    frequency: definition.frequencies[0] ?? "monthly",
  }));
  const body = useDebouncedValue(
    {
      definition,
      currency,
      grade: loan.grade,
      principal: loan.principal,
      termPeriods: Number(loan.termPeriods) || 0,
      frequency: loan.frequency,
    },
    delayMs,
  );
  const quote = useQuery({
    queryKey: ["admin", "products", "preview", body],
    queryFn: ({ signal }) => productsApi.preview(body, signal),
    retry: false,
    placeholderData: (previous) => previous,
  });
  const set =
    (key: keyof typeof loan) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
      setLoan((l) => ({ ...l, [key]: e.target.value }));
  const fieldErrors = quote.error instanceof ApiError ? quote.error.fieldErrors : {};
  const data = quote.isError ? undefined : quote.data;

  return (
    <section className="card preview" aria-labelledby="preview-heading">
      <h2 id="preview-heading">Schedule preview</h2>
      <p className="muted">
        Priced by the quote engine on the definition as it stands (not saved).
      </p>
      <div className="form-grid">
        <Field label="Grade">
          {(control) => (
            <select {...control} className="select" value={loan.grade} onChange={set("grade")}>
              {definition.pricing.grades.map((g) => (
                <option key={g}>{g}</option>
              ))}
            </select>
          )}
        </Field>
        <TextField label="Amount" value={loan.principal} onChange={set("principal")} />
        <TextField
          label="Payments"
          inputMode="numeric"
          value={loan.termPeriods}
          onChange={set("termPeriods")}
        />
        <Field label="Frequency">
          {(control) => (
            <select
              {...control}
              className="select"
              value={loan.frequency}
              onChange={set("frequency")}
            >
              {definition.frequencies.map((f) => (
                <option key={f}>{f}</option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {quote.isError && (
        <div role="alert" className="alert alert--error">
          <p className="alert__title">This loan cannot be priced</p>
          {Object.keys(fieldErrors).length ? (
            <ul>
              {Object.entries(fieldErrors).map(([field, message]) => (
                <li key={field}>
                  <code>{field}</code>: {message}
                </li>
              ))}
            </ul>
          ) : (
            <ProblemAlert error={quote.error} />
          )}
        </div>
      )}
      {data && (
        <>
          <dl className="details">
            <div>
              <dt>Payment</dt>
              <dd data-testid="preview-payment">{formatMoney(data.payment, currency)}</dd>
            </div>
            <div>
              <dt>APR</dt>
              <dd data-testid="preview-apr">{formatRate(data.disclosure.apr)}</dd>
            </div>
            <div>
              <dt>Finance charge</dt>
              <dd>{formatMoney(data.disclosure.financeCharge, currency)}</dd>
            </div>
            <div>
              <dt>Amount financed</dt>
              <dd>{formatMoney(data.disclosure.amountFinanced, currency)}</dd>
            </div>
          </dl>
          <div
            className="table-wrap preview__rows"
            tabIndex={0}
            role="region"
            aria-label="Preview schedule rows"
          >
            <table className="admin-table" aria-label="Preview schedule">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Due</th>
                  <th scope="col">Payment</th>
                  <th scope="col">Interest</th>
                  <th scope="col">Balance</th>
                </tr>
              </thead>
              <tbody>
                {data.schedule.map((row) => (
                  <tr key={row.number}>
                    <td>{row.number}</td>
                    <td>{formatDate(row.dueDate)}</td>
                    <td>{formatMoney(row.payment, currency)}</td>
                    <td>{formatMoney(row.interest, currency)}</td>
                    <td>{formatMoney(row.balance, currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
