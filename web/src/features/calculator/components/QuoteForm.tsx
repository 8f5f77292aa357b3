import { Field } from "../../../lib/ui/Field";
import {
  AMORTIZATIONS,
  DAY_COUNTS,
  FREQUENCIES,
  INTEREST_METHODS,
  ODD_DAYS,
  ROUNDING_MODES,
  termPeriods,
  type CalculatorForm,
  type FieldErrors,
} from "../model";
import { FeesEditor } from "./FeesEditor";

type Props = {
  form: CalculatorForm;
  errors: FieldErrors;
  onChange: (patch: Partial<CalculatorForm>) => void;
};

export function QuoteForm({ form, errors, onChange }: Props) {
  const periods = termPeriods(form);
  const termHint =
    form.termUnit === "years"
      ? periods !== null
        ? `${periods} payments`
        : undefined
      : periods !== null
        ? `≈ ${(periods / (FREQUENCIES.find((f) => f.value === form.frequency)?.perYear ?? 12)).toFixed(1)} years`
        : undefined;

  return (
    <form
      className="card quote-form"
      aria-labelledby="loan-terms-heading"
      onSubmit={(e) => e.preventDefault()}
      noValidate
    >
      <h2 id="loan-terms-heading">Loan terms</h2>
      <div className="form-grid">
        <Field label="Loan amount" error={errors.principal} wide>
          {(p) => (
            <div className="input-wrap">
              <span className="input-wrap__affix input-wrap__affix--start" aria-hidden="true">
                $
              </span>
              <input
                {...p}
                className="input input--with-start"
                name="principal"
                inputMode="decimal"
                autoComplete="off"
                value={form.principal}
                onChange={(e) => onChange({ principal: e.target.value })}
              />
            </div>
          )}
        </Field>
        <Field label="Interest rate" error={errors.annualRate} hint="Annual, in percent">
          {(p) => (
            <div className="input-wrap">
              <input
                {...p}
                className="input input--with-end"
                name="annualRate"
                inputMode="decimal"
                autoComplete="off"
                value={form.annualRate}
                onChange={(e) => onChange({ annualRate: e.target.value })}
              />
              <span className="input-wrap__affix input-wrap__affix--end" aria-hidden="true">
                %
              </span>
            </div>
          )}
        </Field>
        <Field label="Payment frequency" error={errors.frequency}>
          {(p) => (
            <select
              {...p}
              className="select"
              name="frequency"
              value={form.frequency}
              onChange={(e) =>
                onChange({ frequency: e.target.value as CalculatorForm["frequency"] })
              }
            >
              {FREQUENCIES.map((f) => (
                <option key={f.value} value={f.value}>
                  {f.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Term" error={errors.termPeriods} hint={termHint} wide>
          {(p) => (
            <div className="term-input">
              <input
                {...p}
                className="input"
                name="term"
                inputMode="numeric"
                autoComplete="off"
                value={form.term}
                onChange={(e) => onChange({ term: e.target.value })}
              />
              <select
                className="select"
                aria-label="Term unit"
                value={form.termUnit}
                onChange={(e) =>
                  onChange({ termUnit: e.target.value as CalculatorForm["termUnit"] })
                }
              >
                <option value="years">years</option>
                <option value="payments">payments</option>
              </select>
            </div>
          )}
        </Field>
        <Field label="Repayment type" error={errors.amortization} wide>
          {(p) => (
            <select
              {...p}
              className="select"
              name="amortization"
              value={form.amortization}
              onChange={(e) =>
                onChange({ amortization: e.target.value as CalculatorForm["amortization"] })
              }
            >
              {AMORTIZATIONS.map((a) => (
                <option key={a.value} value={a.value}>
                  {a.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        {form.amortization === "balloon" && (
          <Field
            label="Balloon amount"
            error={errors.balloonAmount}
            hint="Due with the last payment"
            wide
          >
            {(p) => (
              <div className="input-wrap">
                <span className="input-wrap__affix input-wrap__affix--start" aria-hidden="true">
                  $
                </span>
                <input
                  {...p}
                  className="input input--with-start"
                  name="balloonAmount"
                  inputMode="decimal"
                  autoComplete="off"
                  value={form.balloonAmount}
                  onChange={(e) => onChange({ balloonAmount: e.target.value })}
                />
              </div>
            )}
          </Field>
        )}
        <Field label="Start date" error={errors.startDate} hint="When the money is advanced">
          {(p) => (
            <input
              {...p}
              type="date"
              className="input"
              name="startDate"
              value={form.startDate}
              onChange={(e) => onChange({ startDate: e.target.value })}
            />
          )}
        </Field>
        <Field
          label="First payment date"
          error={errors.firstPaymentDate}
          hint="Optional; one period after the start by default"
        >
          {(p) => (
            <input
              {...p}
              type="date"
              className="input"
              name="firstPaymentDate"
              value={form.firstPaymentDate}
              onChange={(e) => onChange({ firstPaymentDate: e.target.value })}
            />
          )}
        </Field>
      </div>

      <FeesEditor fees={form.fees} errors={errors} onChange={(fees) => onChange({ fees })} />

      <details className="advanced">
        <summary>Interest conventions</summary>
        <div className="form-grid">
          <Field label="Interest method" error={errors.interestMethod}>
            {(p) => (
              <select
                {...p}
                className="select"
                value={form.interestMethod}
                onChange={(e) =>
                  onChange({ interestMethod: e.target.value as CalculatorForm["interestMethod"] })
                }
              >
                <option value="">Standard (periodic)</option>
                {INTEREST_METHODS.map((m) => (
                  <option key={m.value} value={m.value}>
                    {m.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Day count" error={errors.dayCount}>
            {(p) => (
              <select
                {...p}
                className="select"
                value={form.dayCount}
                onChange={(e) =>
                  onChange({ dayCount: e.target.value as CalculatorForm["dayCount"] })
                }
              >
                <option value="">Standard (30/360)</option>
                {DAY_COUNTS.map((d) => (
                  <option key={d.value} value={d.value}>
                    {d.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Odd-days interest" error={errors.oddDaysInterest}>
            {(p) => (
              <select
                {...p}
                className="select"
                value={form.oddDaysInterest}
                onChange={(e) =>
                  onChange({ oddDaysInterest: e.target.value as CalculatorForm["oddDaysInterest"] })
                }
              >
                <option value="">Standard (added to the first payment)</option>
                {ODD_DAYS.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Rounding" error={errors.roundingMode}>
            {(p) => (
              <select
                {...p}
                className="select"
                value={form.roundingMode}
                onChange={(e) =>
                  onChange({ roundingMode: e.target.value as CalculatorForm["roundingMode"] })
                }
              >
                <option value="">Standard (half up)</option>
                {ROUNDING_MODES.map((r) => (
                  <option key={r.value} value={r.value}>
                    {r.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
      </details>
    </form>
  );
}
