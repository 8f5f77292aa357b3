import { useState } from "react";
import { formatDate, formatMoney } from "@/lib/format";
import { NextPageButton } from "@/lib/ui/PagedList";
import { useCursorPages } from "@/lib/ui/useCursorPages";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { loansApi } from "../api/loans";
import type { Transaction } from "../api/types";
import { isZero, kindLabel } from "../model";
import { ReverseForm } from "./ReverseForm";

type Props = { loanId: string; currency: string; canReverse: boolean; today: string };

/** Every transaction, newest first, a page at a time; staff reverse a payment from its row. */
export function TransactionsTable({ loanId, currency, canReverse, today }: Props) {
  const pages = useCursorPages(["loans", "transactions", loanId], (cursor) =>
    loansApi.transactions(loanId, cursor),
  );
  const [reversing, setReversing] = useState<number | null>(null);
  const rows = pages.items;
  const reversed = new Set(rows.map((t) => t.reversesSeq).filter((s) => s !== null));
  const money = (value: string) => formatMoney(value, currency);
  const reversible = (t: Transaction) => canReverse && t.kind === "payment" && !reversed.has(t.seq);
  return (
    <section className="card" aria-labelledby="transactions-heading">
      <h2 id="transactions-heading">Transactions</h2>
      <ProblemAlert error={pages.query.error} />
      {pages.query.isSuccess && rows.length === 0 && <p className="muted">No transactions yet.</p>}
      {rows.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Transaction rows">
          <table className="admin-table" aria-label="Transactions">
            <thead>
              <tr>
                <th scope="col">Value date</th>
                <th scope="col">What</th>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col">Applied to</th>
                <th scope="col">Channel</th>
                {canReverse && <th scope="col">Action</th>}
              </tr>
            </thead>
            <tbody>
              {rows.map((t) => (
                <tr key={t.seq}>
                  <td>{formatDate(t.valueDate)}</td>
                  <td>
                    {kindLabel(t.kind)}
                    {t.reversesSeq !== null && ` of #${t.reversesSeq}`}
                    {reversed.has(t.seq) && " (reversed)"}
                    {t.reason && <div className="muted">{t.reason}</div>}
                  </td>
                  <td className="num">{money(t.amount)}</td>
                  <td>
                    principal {money(t.principal)}, interest {money(t.interest)}, fees{" "}
                    {money(t.fees)}
                    {!isZero(t.excess) && `, credit ${money(t.excess)}`}
                  </td>
                  <td>{t.channel}</td>
                  {canReverse && (
                    <td>
                      {reversible(t) && (
                        <button
                          type="button"
                          className="btn btn--ghost btn--small"
                          onClick={() => setReversing(t.seq)}
                        >
                          Reverse #{t.seq}
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <NextPageButton list={pages}>Older transactions</NextPageButton>
      {reversing !== null && (
        <ReverseForm
          loanId={loanId}
          seq={reversing}
          today={today}
          onDone={() => setReversing(null)}
        />
      )}
    </section>
  );
}
