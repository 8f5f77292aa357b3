import type { ChangeEvent } from "react";

/** The keys of `F` whose values are text. */
type TextKey<F> = { [K in keyof F]: F[K] extends string ? K : never }[keyof F] & string;

/**
 * Ties text fields to one form object, so each field names its key once:
 * `<TextField label="City" {...bind("city")} />` gets the value, the change handler and the error.
 */
export function fieldBinder<F extends object>(
  form: F,
  setForm: (next: F) => void,
  errors: Readonly<Record<string, string>>,
) {
  return (field: TextKey<F>) => ({
    value: form[field] as string,
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
      setForm({ ...form, [field]: e.target.value }),
    error: errors[field],
  });
}
