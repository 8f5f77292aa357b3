import { Field } from "@/lib/ui/Field";
import {
  AMORTIZATIONS,
  DAY_COUNTS,
  FREQUENCIES,
  INTEREST_METHODS,
  ODD_DAYS,
  ROUNDING_MODES,
  TERM_UNITS,
  periodsPerYear,
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
  const termHint = describeTerm(form);

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
        <ChoiceField
          field="frequency"
          label="Payment frequency"
          error={errors.frequency}
          options={FREQUENCIES}
          name="frequency"
          form={form}
          onChange={onChange}
        />
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
                {TERM_UNITS.map((u) => (
                  <option key={u.value} value={u.value}>
                    {u.label}
                  </option>
                ))}
              </select>
            </div>
          )}
        </Field>
        <ChoiceField
          field="amortization"
          label="Repayment type"
          error={errors.amortization}
          options={AMORTIZATIONS}
          name="amortization"
          wide
          form={form}
          onChange={onChange}
        />
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
          <ChoiceField
            field="interestMethod"
            label="Interest method"
            error={errors.interestMethod}
            options={INTEREST_METHODS}
            standard="Standard (periodic)"
            form={form}
            onChange={onChange}
          />
          <ChoiceField
            field="dayCount"
            label="Day count"
            error={errors.dayCount}
            options={DAY_COUNTS}
            standard="Standard (30/360)"
            form={form}
            onChange={onChange}
          />
          <ChoiceField
            field="oddDaysInterest"
            label="Odd-days interest"
            error={errors.oddDaysInterest}
            options={ODD_DAYS}
            standard="Standard (in the first payment)"
            form={form}
            onChange={onChange}
          />
          <ChoiceField
            field="roundingMode"
            label="Rounding"
            error={errors.roundingMode}
            options={ROUNDING_MODES}
            standard="Standard (half up)"
            form={form}
            onChange={onChange}
          />
        </div>
      </details>
    </form>
  );
}

/** What the term comes to, in the units the user did not type (payments, and years). */
function describeTerm(form: CalculatorForm): string | undefined {
  const periods = termPeriods(form);
  if (periods === null) return undefined;
  const years = periods / periodsPerYear(form.frequency);
  const inYears = `${Number.isInteger(years) ? years : `≈ ${years.toFixed(1)}`} years`;
  if (form.termUnit === "years") return `${periods} payments`;
  if (form.termUnit === "payments") return inYears;
  return form.frequency === "monthly" ? inYears : `${periods} payments · ${inYears}`;
}

type ChoiceKey =
  "frequency" | "amortization" | "interestMethod" | "dayCount" | "oddDaysInterest" | "roundingMode";

type ChoiceFieldProps = {
  field: ChoiceKey;
  label: string;
  error?: string;
  options: readonly { value: string; label: string }[];
  /** Label of an empty first choice that leaves the API's default in place. */
  standard?: string;
  name?: string;
  wide?: boolean;
  form: CalculatorForm;
  onChange: (patch: Partial<CalculatorForm>) => void;
};

/** A labelled select over one of the form's choice fields. */
function ChoiceField({
  field,
  label,
  error,
  options,
  standard,
  name,
  wide,
  form,
  onChange,
}: ChoiceFieldProps) {
  return (
    <Field label={label} error={error} wide={wide}>
      {(p) => (
        <select
          {...p}
          className="select"
          name={name}
          value={form[field]}
          onChange={(e) => onChange({ [field]: e.target.value } as Partial<CalculatorForm>)}
        >
          {standard !== undefined && <option value="">{standard}</option>}
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
