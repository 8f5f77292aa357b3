import type { ReactNode } from "react";
import { Field } from "@/lib/ui/Field";
import type { PaymentComponent, ProductDefinition, ProductFrequency } from "../api/types";
import { FREQUENCIES, getAt, reshapeGrid, setAt } from "../model";

type Props = {
  definition: ProductDefinition;
  onChange: (next: ProductDefinition) => void;
  /** Messages keyed by path inside the definition (`amount.min`), shown at their fields. */
  errors: Record<string, string>;
  readOnly: boolean;
};

const COMPONENTS: PaymentComponent[] = ["fees", "interest", "principal"];

/** Every message whose path lies under `prefix` (a grid cell's message is shown on the grid). */
function under(errors: Record<string, string>, prefix: string): string | undefined {
  const found = Object.entries(errors).filter(
    ([path]) => path === prefix || path.startsWith(`${prefix}.`),
  );
  return found.length ? found.map(([, message]) => message).join(" ") : undefined;
}

/** An integer field: the typed text is sent as a number when it is one, else as typed (the server
 * names the field in its 422). */
function toInt(text: string): number | string {
  return /^-?\d+$/.test(text.trim()) ? Number(text) : text;
}

/** The product definition as a form; every control writes one path of the definition. */
export function DefinitionForm({ definition, onChange, errors, readOnly }: Props) {
  const set = (path: string, value: unknown) => onChange(setAt(definition, path, value));
  const text = (path: string, label: ReactNode, hint?: string) => (
    <Field label={label} hint={hint} error={errors[path]}>
      {(c) => (
        <input
          {...c}
          className="input"
          inputMode="decimal"
          value={String(getAt(definition, path) ?? "")}
          readOnly={readOnly}
          onChange={(e) => set(path, e.target.value === "" ? undefined : e.target.value)}
        />
      )}
    </Field>
  );
  const int = (path: string, label: ReactNode) => (
    <Field label={label} error={errors[path]}>
      {(c) => (
        <input
          {...c}
          className="input"
          inputMode="numeric"
          value={String(getAt(definition, path) ?? "")}
          readOnly={readOnly}
          onChange={(e) => set(path, toInt(e.target.value))}
        />
      )}
    </Field>
  );
  const select = (path: string, label: ReactNode, options: readonly string[]) => (
    <Field label={label} error={errors[path]}>
      {(c) => (
        <select
          {...c}
          className="select"
          value={String(getAt(definition, path) ?? "")}
          disabled={readOnly}
          onChange={(e) => set(path, e.target.value)}
        >
          {options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      )}
    </Field>
  );

  const pricing = definition.pricing;
  const bands = pricing.termBands ?? [];
  const origination = definition.fees?.origination;
  const late = definition.fees?.late;

  return (
    <div className="definition-form">
      <fieldset className="editor__section">
        <legend>Amount and term</legend>
        <div className="form-grid">
          {text("amount.min", "Smallest amount")}
          {text("amount.default", "Default amount")}
          {text("amount.max", "Largest amount")}
          {int("term.minMonths", "Shortest term (months)")}
          {int("term.defaultMonths", "Default term (months)")}
          {int("term.maxMonths", "Longest term (months)")}
        </div>
        <div className="field field--wide" role="group" aria-labelledby="frequencies-label">
          <span className="field__label" id="frequencies-label">
            Payment frequencies (the first is the default)
          </span>
          <div>
            {FREQUENCIES.map((f) => (
              <label key={f} className="checkbox">
                <input
                  type="checkbox"
                  checked={definition.frequencies.includes(f)}
                  disabled={readOnly}
                  onChange={(e) => {
                    const next: ProductFrequency[] = e.target.checked
                      ? [...definition.frequencies, f]
                      : definition.frequencies.filter((x) => x !== f);
                    set("frequencies", next);
                  }}
                />{" "}
                {f}
              </label>
            ))}
          </div>
          {under(errors, "frequencies") && (
            <span className="field__error">{under(errors, "frequencies")}</span>
          )}
        </div>
      </fieldset>

      <fieldset className="editor__section">
        <legend>Schedule</legend>
        <div className="form-grid">
          {select("amortization", "Amortization", [
            "level-payment",
            "level-principal",
            "interest-only",
          ])}
          {select("interestMethod", "Interest method", ["periodic", "daily"])}
          {select("dayCount", "Day count", [
            "30/360",
            "30E/360",
            "actual/365",
            "actual/360",
            "actual/actual",
          ])}
          {select("roundingMode", "Rounding", ["half-up", "half-even", "up", "down"])}
          {text("installmentMultiple", "Round installments to a multiple of", "Optional, e.g. 5")}
          {int("offerValidityDays", "Offer valid for (days)")}
        </div>
      </fieldset>

      <fieldset className="editor__section">
        <legend>Pricing</legend>
        <div className="form-grid">
          {text("pricing.floor", "Rate floor (%)")}
          {text("pricing.ceiling", "Rate ceiling (%)")}
          <Field
            label="Grades, best first"
            hint="Comma-separated, e.g. A, B, C"
            error={under(errors, "pricing.grades")}
          >
            {(c) => (
              <input
                {...c}
                className="input"
                value={pricing.grades.join(", ")}
                readOnly={readOnly}
                onChange={(e) => {
                  const grades = e.target.value
                    .split(",")
                    .map((g) => g.trim().toUpperCase())
                    .filter(Boolean);
                  onChange(reshapeGrid(setAt(definition, "pricing.grades", grades)));
                }}
              />
            )}
          </Field>
          <Field
            label="Term bands (months, up to)"
            hint="Comma-separated, e.g. 36, 72; empty for one rate per grade"
            error={under(errors, "pricing.termBands")}
          >
            {(c) => (
              <input
                {...c}
                className="input"
                value={bands.map((b) => b.upToMonths).join(", ")}
                readOnly={readOnly}
                onChange={(e) => {
                  const next = e.target.value
                    .split(",")
                    .map((b) => b.trim())
                    .filter(Boolean)
                    .map((b) => ({ upToMonths: toInt(b) }));
                  onChange(reshapeGrid(setAt(definition, "pricing.termBands", next)));
                }}
              />
            )}
          </Field>
        </div>
        <div className="table-wrap">
          <table className="admin-table" aria-label="Rate grid">
            <thead>
              <tr>
                <th scope="col">Grade</th>
                {(bands.length ? bands : [{ upToMonths: definition.term.maxMonths }]).map(
                  (b, i) => (
                    <th scope="col" key={i}>
                      {bands.length ? `Up to ${b.upToMonths} months (%)` : "Rate (%)"}
                    </th>
                  ),
                )}
              </tr>
            </thead>
            <tbody>
              {pricing.grid.map((row, r) => (
                <tr key={`${row.grade}-${r}`}>
                  <th scope="row">{row.grade}</th>
                  {row.rates.map((rate, k) => {
                    const path = `pricing.grid.${r}.rates.${k}`;
                    return (
                      <td key={k}>
                        <input
                          className="input grid-input"
                          aria-label={`Rate for grade ${row.grade}, band ${k + 1}`}
                          aria-invalid={errors[path] ? true : undefined}
                          value={rate}
                          readOnly={readOnly}
                          onChange={(e) => set(path, e.target.value)}
                        />
                        {errors[path] && <span className="field__error">{errors[path]}</span>}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {errors["pricing.grid"] && <span className="field__error">{errors["pricing.grid"]}</span>}
        {errors.pricing && <span className="field__error">{errors.pricing}</span>}
      </fieldset>

      <fieldset className="editor__section">
        <legend>Fees</legend>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={!!origination}
            disabled={readOnly}
            onChange={(e) =>
              set(
                "fees.origination",
                e.target.checked
                  ? { kind: "percent", treatment: "deducted", percent: "3", financeCharge: true }
                  : undefined,
              )
            }
          />{" "}
          Origination fee
        </label>
        {errors["fees.origination"] && (
          <span className="field__error">{errors["fees.origination"]}</span>
        )}
        {origination && (
          <div className="form-grid">
            {select("fees.origination.kind", "Kind", ["percent", "flat"])}
            {select("fees.origination.treatment", "Treatment", ["deducted", "financed"])}
            {origination.kind === "flat"
              ? text("fees.origination.amount", "Amount")
              : text("fees.origination.percent", "Percent of the amount")}
            {origination.kind === "percent" && text("fees.origination.min", "At least")}
            {origination.kind === "percent" && text("fees.origination.max", "At most")}
          </div>
        )}
        <label className="checkbox">
          <input
            type="checkbox"
            checked={!!late}
            disabled={readOnly}
            onChange={(e) =>
              set(
                "fees.late",
                e.target.checked ? { kind: "flat", amount: "25", graceDays: 15 } : undefined,
              )
            }
          />{" "}
          Late fee
        </label>
        {late && (
          <div className="form-grid">
            {select("fees.late.kind", "Kind", ["flat", "percent"])}
            {late.kind === "flat"
              ? text("fees.late.amount", "Amount")
              : text("fees.late.percent", "Percent of the past-due installment")}
            {late.kind === "percent" && text("fees.late.cap", "Cap")}
            {int("fees.late.graceDays", "Grace days")}
          </div>
        )}
      </fieldset>

      <fieldset className="editor__section">
        <legend>Payments and delinquency</legend>
        {(["pastDue", "current"] as const).map((name) => (
          <div
            key={name}
            className="field field--wide"
            role="group"
            aria-label={`${name === "pastDue" ? "Past-due" : "Current"} amounts, paid in this order`}
          >
            <span className="field__label">
              {name === "pastDue" ? "Past-due amounts" : "Current amounts"}, paid in this order
            </span>
            <div className="form-grid">
              {COMPONENTS.map((_, i) => {
                const order = definition.allocation[name];
                return (
                  <select
                    key={i}
                    className="select"
                    aria-label={`${name === "pastDue" ? "Past-due" : "Current"} position ${i + 1}`}
                    value={order[i] ?? ""}
                    disabled={readOnly}
                    onChange={(e) => set(`allocation.${name}.${i}`, e.target.value)}
                  >
                    {COMPONENTS.map((component) => (
                      <option key={component} value={component}>
                        {component}
                      </option>
                    ))}
                  </select>
                );
              })}
            </div>
            {errors[`allocation.${name}`] && (
              <span className="field__error">{errors[`allocation.${name}`]}</span>
            )}
          </div>
        ))}
        <div className="form-grid">
          {select("allocation.overpayment", "An overpayment", ["reduce-term", "reduce-payment"])}
          {int("delinquency.nonAccrualDays", "Stop accruing at (days past due)")}
          {int("delinquency.chargeOffDays", "Charge off at (days past due)")}
        </div>
      </fieldset>
    </div>
  );
}
