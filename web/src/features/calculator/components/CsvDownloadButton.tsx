import { DownloadButton } from "@/lib/ui/DownloadButton";
import { fetchQuoteCsv } from "../api/quotes";
import type { QuoteRequest } from "../api/types";

/** Downloads the schedule as CSV, produced by the API from the same inputs. */
export function CsvDownloadButton({ request }: { request: QuoteRequest | null }) {
  // Disabled until the form gives a request, so `load` runs only with one.
  return (
    <DownloadButton
      className="csv"
      small
      disabled={!request}
      load={() => fetchQuoteCsv(request as QuoteRequest)}
    >
      Download CSV
    </DownloadButton>
  );
}
