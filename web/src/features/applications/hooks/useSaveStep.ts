import { useSubmission, type FieldErrors } from "@/lib/ui/useSubmission";
import { applicationsApi } from "../api/applications";
import type { Application, DraftSections } from "../api/types";
import { fieldErrorsFor } from "../model";
import { useStoreApplication } from "./applicationCache";

/**
 * Saves one wizard step on the server: the first step creates the draft, later ones PATCH their
 * section, so leaving and coming back resumes where the person stopped. Field errors (found here or
 * by the server) are keyed by the step's own field names; any other problem is kept to show.
 */
export function useSaveStep(section: string, app: Application | undefined) {
  const store = useStoreApplication();
  const submission = useSubmission((error) => fieldErrorsFor(section, error.fieldErrors));

  /** A step's check gives a section to send only when it found no errors. */
  async function save(
    checked: { section: DraftSections | null; errors: FieldErrors },
    onSaved: (saved: Application) => void,
  ) {
    const { section: sent, errors } = checked;
    await submission.submit(errors, async () => {
      if (!sent) return;
      const saved = app
        ? await applicationsApi.save(app.id, sent)
        : await applicationsApi.create(sent);
      await store(saved);
      onSaved(saved);
    });
  }

  return { errors: submission.errors, problem: submission.problem, busy: submission.busy, save };
}
