import { useEffect } from "react";

/** Sets the document title ("Page · Loan Engine") so each route is announced by its name. */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Loan Engine` : "Loan Engine";
  }, [title]);
}
