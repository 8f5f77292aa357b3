import { Field } from "@/lib/ui/Field";
import type { FeeInput } from "../api/types";
import type { FieldErrors } from "../model";

type Props = {
  fees: FeeInput[];
  errors: FieldErrors;
  onChange: (fees: FeeInput[]) => void;
};

/** Up-front fees: each either financed (added to the loan) or paid at closing. */
export function FeesEditor({ fees, errors, onChange }: Props) {
  const update = (index: number, patch: Partial<FeeInput>) =>
    onChange(fees.map((fee, i) => (i === index ? { ...fee, ...patch } : fee)));
  return (
    <fieldset className="fees">
      <legend>Fees</legend>
      {errors.fees && (
        <p className="field__error" role="alert">
          {errors.fees}
        </p>
      )}
      {fees.length === 0 && (
        <p className="muted fees__empty">No fees. Add any charged at closing.</p>
      )}
      {fees.map((fee, i) => (
        <div className="fee-row" key={i}>
          <Field label={`Fee ${i + 1} name`} error={errors[`fees.${i}.name`]}>
            {(p) => (
              <input
                {...p}
                className="input"
                name={`fees.${i}.name`}
                autoComplete="off"
                value={fee.name}
                onChange={(e) => update(i, { name: e.target.value })}
              />
            )}
          </Field>
          <Field label={`Fee ${i + 1} amount`} error={errors[`fees.${i}.amount`]}>
            {(p) => (
              <div className="input-wrap">
                <span className="input-wrap__affix input-wrap__affix--start" aria-hidden="true">
                  $
                </span>
                <input
                  {...p}
                  className="input input--with-start"
                  name={`fees.${i}.amount`}
                  inputMode="decimal"
                  autoComplete="off"
                  value={fee.amount}
                  onChange={(e) => update(i, { amount: e.target.value })}
                />
              </div>
            )}
          </Field>
          <div className="fee-row__actions">
            <label className="checkbox">
              <input
                type="checkbox"
                checked={fee.financed}
                onChange={(e) => update(i, { financed: e.target.checked })}
              />
              Financed
            </label>
            <button
              type="button"
              className="btn btn--ghost btn--small"
              onClick={() => onChange(fees.filter((_, j) => j !== i))}
            >
              Remove<span className="visually-hidden"> fee {i + 1}</span>
            </button>
          </div>
        </div>
      ))}
      <button
        type="button"
        className="btn btn--secondary btn--small"
        onClick={() =>
          onChange([...fees, { name: "Origination fee", amount: "", financed: false }])
        }
      >
        Add a fee
      </button>
    </fieldset>
  );
}
