import { useState } from "react";
import { ApiError } from "../api/problem";

export type FieldErrors = Record<string, string>;

/** The state of a form sent to the API: field errors (found here or by the server), the problem
 * the server answered with, and whether a request is in flight. `serverFields` turns the server's
 * field errors (keyed by wire path) into the form's own, when the two name fields differently. */
export function useSubmission(
  serverFields: (error: ApiError) => FieldErrors = (error) => error.fieldErrors,
) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  /** Shows `local` errors and stops if there are any; otherwise runs `send`, and on failure shows
   * the server's field errors and problem. */
  async function submit(local: FieldErrors, send: () => Promise<void>) {
    setErrors(local);
    setProblem(null);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      await send();
    } catch (error) {
      setErrors(error instanceof ApiError ? serverFields(error) : {});
      setProblem(error);
    } finally {
      setBusy(false);
    }
  }

  return { errors, problem, busy, submit };
}
