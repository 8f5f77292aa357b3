import type { ReactNode } from "react";
import { Loading } from "./Loading";
import type { CursorPages as Pages } from "./useCursorPages";

/** The button that loads the next page, shown while there is one. */
export function NextPageButton<T>({
  list,
  children = "Show more",
}: {
  list: Pages<T>;
  children?: ReactNode;
}) {
  const { query } = list;
  if (!query.hasNextPage) return null;
  return (
    <div className="form-actions">
      <button
        type="button"
        className="btn btn--ghost"
        onClick={() => void query.fetchNextPage()}
        disabled={query.isFetchingNextPage}
      >
        {children}
      </button>
    </div>
  );
}

/** A paged list's body: loading, the message for no items, the rows, and the next-page button. */
export function PagedList<T>({
  list,
  empty,
  children,
}: {
  list: Pages<T>;
  empty: ReactNode;
  /** Renders the items loaded so far (never called with none). */
  children: (items: T[]) => ReactNode;
}) {
  const { query, items } = list;
  return (
    <>
      {query.isPending && <Loading />}
      {query.isSuccess && items.length === 0 && <p className="muted">{empty}</p>}
      {items.length > 0 && children(items)}
      <NextPageButton list={list} />
    </>
  );
}
