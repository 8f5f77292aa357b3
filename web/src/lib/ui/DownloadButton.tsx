import { useMutation } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { describeError } from "../api/problem";
import { saveFile } from "../download";

type Props = {
  /** Fetches the file (with the session, so a plain link would not do). */
  load: () => Promise<{ blob: Blob; filename: string }>;
  disabled?: boolean;
  small?: boolean;
  /** The class of the box around the button and its error. */
  className?: string;
  children: ReactNode;
};

/** A button that downloads a file the API produces (a CSV schedule, a PDF notice), with a spinner
 * while it loads and the problem said next to it if it fails. */
export function DownloadButton({
  load,
  disabled = false,
  small = false,
  className,
  children,
}: Props) {
  const download = useMutation({
    mutationFn: () => load(),
    onSuccess: ({ blob, filename }) => saveFile(blob, filename),
  });
  return (
    <div className={className}>
      <button
        type="button"
        className={small ? "btn btn--secondary btn--small" : "btn btn--secondary"}
        disabled={disabled || download.isPending}
        onClick={() => download.mutate()}
      >
        {download.isPending && <span className="spinner" aria-hidden="true" />}
        {children}
      </button>
      {download.isError && (
        <span className="field__error" role="alert">
          {describeError(download.error)}
        </span>
      )}
    </div>
  );
}
