import { keepPreviousData, useQueries } from "@tanstack/react-query";
import { useDebouncedRequest } from "@/lib/ui/useDebouncedValue";
import { applicationsApi } from "../api/applications";
import type { ProductQuoteRequest } from "../api/types";

const QUOTE_DEBOUNCE_MS = 300;

/**
 * The live estimate for what the loan step says: the product priced at its best and its highest grade
 * (the decision sets the grade), once typing pauses. As in the calculator, an input change aborts the
 * request in flight and the previous figures stay on screen while the next ones load.
 */
export function useProductQuote(
  request: Omit<ProductQuoteRequest, "grade"> | null,
  grades: string[],
) {
  const settled = useDebouncedRequest(request, QUOTE_DEBOUNCE_MS);
  const ends = grades.length > 1 ? [grades[0], grades[grades.length - 1]] : grades;
  const results = useQueries({
    queries: ends.map((grade) => ({
      queryKey: ["applications", "quote", grade, settled.key],
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        applicationsApi.quote({ ...settled.request, grade } as ProductQuoteRequest, signal),
      enabled: settled.key !== null,
      placeholderData: keepPreviousData,
      retry: false,
      staleTime: 5 * 60_000,
    })),
  });
  const pending = settled.typing || results.some((r) => r.isFetching);
  return { grades: ends, results, pending };
}
