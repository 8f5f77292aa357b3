import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useDebouncedRequest } from "@/lib/ui/useDebouncedValue";
import { fetchQuote } from "../api/quotes";
import type { QuoteRequest } from "../api/types";

export const QUOTE_DEBOUNCE_MS = 300;

/**
 * The quote for what the form currently says. Requests wait until typing pauses; when the inputs
 * change while a request is in flight, TanStack Query aborts it (the fetch gets the query's
 * AbortSignal), so a slow stale answer can never overwrite a newer one. The previous quote stays on
 * screen while the next one loads.
 */
export function useQuote(request: QuoteRequest | null) {
  const settled = useDebouncedRequest(request, QUOTE_DEBOUNCE_MS);
  const query = useQuery({
    queryKey: ["quote", settled.key],
    queryFn: ({ signal }) => fetchQuote(settled.request as QuoteRequest, signal),
    enabled: settled.key !== null,
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: 5 * 60_000,
  });
  return { ...query, pending: settled.typing || query.isFetching };
}
