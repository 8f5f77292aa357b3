import { useId, type InputHTMLAttributes, type ReactNode } from "react";

type ControlProps = {
  id: string;
  "aria-invalid": boolean | undefined;
  "aria-describedby": string | undefined;
};

type FieldProps = {
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  wide?: boolean;
  /** Renders the control, wired to the label, hint and error for assistive technology. */
  children: (control: ControlProps) => ReactNode;
};

/** The ids that tie a control to its hint and its error, and the hint and error themselves. */
function useNotes(hint: ReactNode, error: string | undefined) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const control: ControlProps = {
    id,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": [hintId, errorId].filter(Boolean).join(" ") || undefined,
  };
  const notes = (
    <>
      {hint && (
        <span className="field__hint" id={hintId}>
          {hint}
        </span>
      )}
      {error && (
        <span className="field__error" id={errorId}>
          {error}
        </span>
      )}
    </>
  );
  return { control, notes };
}

/** A labelled form control with its hint and its error message right below it. */
export function Field({ label, hint, error, wide, children }: FieldProps) {
  const { control, notes } = useNotes(hint, error);
  return (
    <div className={wide ? "field field--wide" : "field"}>
      <label className="field__label" htmlFor={control.id}>
        {label}
      </label>
      {children(control)}
      {notes}
    </div>
  );
}

type TextFieldProps = Omit<FieldProps, "children"> &
  Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "className" | "children">;

/** A Field holding a plain text input (email, password, name…): the common case. */
export function TextField({ label, hint, error, wide, ...input }: TextFieldProps) {
  return (
    <Field label={label} hint={hint} error={error} wide={wide}>
      {(control) => <input {...control} {...input} className="input" />}
    </Field>
  );
}

type ChoiceFieldProps<T extends string> = Omit<FieldProps, "children"> & {
  value: T | "";
  /** The choices, value to label, in the order shown. */
  choices: Record<T, string>;
  onChange: (value: T | "") => void;
  /** The first option, for no choice (""): "Choose…" until the person picks one, or "Any" in a
   * filter. */
  none?: string;
};

/** A Field holding a select of `choices`, first the option for none (by default "Choose…", so
 * nothing is chosen until the person does). */
export function ChoiceField<T extends string>({
  label,
  hint,
  error,
  wide,
  value,
  choices,
  onChange,
  none = "Choose…",
}: ChoiceFieldProps<T>) {
  return (
    <Field label={label} hint={hint} error={error} wide={wide}>
      {(control) => (
        <select
          {...control}
          className="select"
          value={value}
          onChange={(e) => onChange(e.target.value as T | "")}
        >
          <option value="">{none}</option>
          {(Object.entries(choices) as [T, string][]).map(([choice, text]) => (
            <option key={choice} value={choice}>
              {text}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

type CheckboxFieldProps = Omit<FieldProps, "children" | "wide"> & {
  checked: boolean;
  onChange: (checked: boolean) => void;
  /** A class added to the field's box. */
  className?: string;
};

/** A checkbox with its label beside it (a consent, an agreement), its hint and error below. */
export function CheckboxField({
  label,
  hint,
  error,
  checked,
  onChange,
  className,
}: CheckboxFieldProps) {
  const { control, notes } = useNotes(hint, error);
  return (
    <div className={className ? `field ${className}` : "field"}>
      <label className="checkbox" htmlFor={control.id}>
        <input
          {...control}
          type="checkbox"
          checked={checked}
          onChange={(e) => onChange(e.target.checked)}
        />
        {label}
      </label>
      {notes}
    </div>
  );
}
