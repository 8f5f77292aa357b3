import { useInfiniteQuery, type QueryKey } from "@tanstack/react-query";

/** One page of a list route: every list in the API pages with an opaque cursor. */
type Page<T> = { items: T[]; nextCursor?: string | null };

/**
 * A list read a page at a time, newest first (the API's cursor pagination): the query, and the
 * items of the pages loaded so far, in order.
 */
export function useCursorPages<T>(
  queryKey: QueryKey,
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
) {
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];
  return { query, items };
}

export type CursorPages<T> = ReturnType<typeof useCursorPages<T>>;
