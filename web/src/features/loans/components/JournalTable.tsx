import { useQuery } from "@tanstack/react-query";
import { formatDate, formatMoney } from "@/lib/format";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { loansApi } from "../api/loans";
import { kindLabel } from "../model";

/** Staff: the loan's journal entries with their legs, oldest first (the first 100). */
export function JournalTable({ loanId }: { loanId: string }) {
  const journal = useQuery({
    queryKey: ["loans", "journal", loanId],
    queryFn: () => loansApi.journal(loanId),
  });
  const entries = journal.data?.items ?? [];
  return (
    <section className="card" aria-labelledby="journal-heading">
      <h2 id="journal-heading">Journal entries</h2>
      <ProblemAlert error={journal.error} />
      {entries.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Journal rows">
          <table className="admin-table" aria-label="Journal">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Value date</th>
                <th scope="col">Entry</th>
                <th scope="col">Legs (account: debit / credit)</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((j) => (
                <tr key={j.id}>
                  <td>{j.id}</td>
                  <td>{formatDate(j.valueDate)}</td>
                  <td>
                    {kindLabel(j.kind)}
                    {j.transactionSeq !== null && ` (transaction #${j.transactionSeq})`}
                    {j.memo && <div className="muted">{j.memo}</div>}
                  </td>
                  <td>
                    <ul className="journal-legs">
                      {j.legs.map((leg, i) => (
                        <li key={i}>
                          {leg.accountName} ({leg.account}): {leg.side}{" "}
                          {formatMoney(leg.amount, leg.currency)}
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {journal.data?.nextCursor && (
        <p className="muted">
          Showing the first 100 entries; the full journal is in the API (GET
          /api/loans/&#123;id&#125;/journal).
        </p>
      )}
    </section>
  );
}
