import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError } from "@/lib/api/problem";
import { applicationsApi } from "../api/applications";
import type { Application, DraftSections } from "../api/types";
import { fieldErrorsFor, type FieldErrors } from "../model";
import { applicationKey } from "./useIdempotentAction";

/**
 * Saves one wizard step on the server: the first step creates the draft, later ones PATCH their
 * section, so leaving and coming back resumes where the person stopped. Field errors (found here or
 * by the server) are keyed by the step's own field names; any other problem is kept to show.
 */
export function useSaveStep(section: string, app: Application | undefined) {
  const queryClient = useQueryClient();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function save(
    checked: { section: DraftSections | null; errors: FieldErrors },
    onSaved: (saved: Application) => void,
  ) {
    setErrors(checked.errors);
    setProblem(null);
    if (!checked.section) return;
    setBusy(true);
    try {
      const saved = app
        ? await applicationsApi.save(app.id, checked.section)
        : await applicationsApi.create(checked.section);
      queryClient.setQueryData(applicationKey(saved.id), saved);
      await queryClient.invalidateQueries({ queryKey: ["applications", "list"] });
      onSaved(saved);
    } catch (error) {
      const fields = error instanceof ApiError ? fieldErrorsFor(section, error.fieldErrors) : {};
      setErrors(fields);
      setProblem(error);
    } finally {
      setBusy(false);
    }
  }

  return { errors, problem, busy, save, setErrors };
}
