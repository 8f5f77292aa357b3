import { useMutation } from "@tanstack/react-query";
import { describeError } from "@/lib/api/problem";
import { fetchQuoteCsv } from "../api/quotes";
import type { QuoteRequest } from "../api/types";
import { saveFile } from "@/lib/download";

/** Downloads the schedule as CSV, produced by the API from the same inputs. */
export function CsvDownloadButton({ request }: { request: QuoteRequest | null }) {
  const download = useMutation({
    mutationFn: (r: QuoteRequest) => fetchQuoteCsv(r),
    onSuccess: ({ blob, filename }) => saveFile(blob, filename),
  });
  return (
    <div className="csv">
      <button
        type="button"
        className="btn btn--secondary btn--small"
        disabled={!request || download.isPending}
        onClick={() => request && download.mutate(request)}
      >
        {download.isPending ? <span className="spinner" aria-hidden="true" /> : null}
        Download CSV
      </button>
      {download.isError && (
        <span className="field__error" role="alert">
          {describeError(download.error)}
        </span>
      )}
    </div>
  );
}
