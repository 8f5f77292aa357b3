import { useQuery } from "@tanstack/react-query";
import { formatDate, formatMoney, formatRate } from "@/lib/format";
import { Loading } from "@/lib/ui/Loading";
import { DownloadButton } from "@/lib/ui/DownloadButton";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { applicationsApi } from "../api/applications";

/** The adverse action or counteroffer notice as the server wrote it (Reg B 1002.9, FCRA 615), and
 * the same notice as a PDF. */
export function NoticeView({ applicationId }: { applicationId: string }) {
  const notice = useQuery({
    queryKey: ["applications", "notice", applicationId],
    queryFn: () => applicationsApi.notice(applicationId),
  });
  const n = notice.data;
  return (
    <section className="card notice" aria-labelledby="notice-heading">
      <h2 id="notice-heading">
        {n?.kind === "counteroffer" ? "Counteroffer notice" : "Notice of action taken"}
      </h2>
      <ProblemAlert error={notice.error} />
      {notice.isPending && <Loading>Loading the notice…</Loading>}
      {n && (
        <>
          <p>
            {formatDate(n.date)}. To {n.applicant}, from {n.creditor}.
          </p>
          <p data-testid="notice-action">{n.action}</p>
          {n.reasons.length > 0 && (
            <>
              <h3>Principal reasons</h3>
              <ol data-testid="notice-reasons">
                {n.reasons.map((r) => (
                  <li key={r.code}>{r.text}</li>
                ))}
              </ol>
            </>
          )}
          {n.counteroffer && (
            <p data-testid="notice-counteroffer">
              Our offer: {formatMoney(n.counteroffer.amount)} over {n.counteroffer.termPeriods}{" "}
              payments of {formatMoney(n.counteroffer.payment)}, APR{" "}
              {formatRate(n.counteroffer.apr)} (its full disclosure is with the offers above).
            </p>
          )}
          <h3>Your credit score</h3>
          <dl className="details" data-testid="notice-score">
            <div>
              <dt>Score</dt>
              <dd>{n.creditScore ?? "No score: the file had too little history to score"}</dd>
            </div>
            <div>
              <dt>Range</dt>
              <dd>
                {n.scoreRange.length === 2 ? `${n.scoreRange[0]} to ${n.scoreRange[1]}` : "—"}
              </dd>
            </div>
            <div>
              <dt>Date</dt>
              <dd>{n.scoreDate ? formatDate(n.scoreDate) : "—"}</dd>
            </div>
            <div>
              <dt>Key factors</dt>
              <dd>
                {n.keyFactors.length ? (
                  <ol className="notice__factors">
                    {n.keyFactors.map((f) => (
                      <li key={f}>{f}</li>
                    ))}
                  </ol>
                ) : (
                  "None reported"
                )}
              </dd>
            </div>
            <div>
              <dt>Reporting agency</dt>
              <dd>
                {n.bureau} {n.sandbox && <span className="badge">sandbox</span>}
              </dd>
            </div>
          </dl>
          <h3>Your rights</h3>
          <p className="notice__legal">{n.fcraNotice}</p>
          <p className="notice__legal">{n.ecoaNotice}</p>
          <DownloadButton
            className="form-actions"
            load={() => applicationsApi.noticePdf(applicationId)}
          >
            Download the notice (PDF)
          </DownloadButton>
        </>
      )}
    </section>
  );
}
