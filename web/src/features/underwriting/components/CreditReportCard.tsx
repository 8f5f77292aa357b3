import type { CreditReport } from "../api/types";
import { factLabel, formatFact, formatTime } from "../model";
import { Detail } from "./Detail";

/** The credit report stored with the application. The only bureau is the sandbox, and the card
 * says so in its heading: nothing here is a real person's credit file. */
export function CreditReportCard({ report }: { report: CreditReport | null | undefined }) {
  if (!report) {
    return (
      <section className="card" aria-labelledby="report-heading">
        <h2 id="report-heading">Credit report</h2>
        <p className="muted">No credit report was pulled: the application was not submitted.</p>
      </section>
    );
  }
  const [low, high] = report.scoreRange;
  return (
    <section className="card" aria-labelledby="report-heading">
      <h2 id="report-heading">Credit report{report.sandbox ? " · Sandbox bureau" : ""}</h2>
      {report.sandbox && (
        <p className="sandbox-label" data-testid="sandbox-label">
          Sandbox bureau: test data, not a real credit report.
        </p>
      )}
      <dl className="details">
        <Detail label="Bureau">{report.bureau}</Detail>
        {report.persona && <Detail label="Sandbox persona">{report.persona}</Detail>}
        <Detail label="Score" testId="credit-score">
          {report.score ?? "No score (file too thin)"} (range {low}–{high})
        </Detail>
        <Detail label="Pulled">{formatTime(report.pulledAt)}</Detail>
        <Detail label="Key factors">
          {report.keyFactors.length ? (
            <ol className="key-factors">
              {report.keyFactors.map((factor) => (
                <li key={factor}>{factor}</li>
              ))}
            </ol>
          ) : (
            "None reported"
          )}
        </Detail>
        {Object.entries(report.facts)
          .filter(([name]) => name !== "score")
          .map(([name, value]) => (
            <Detail key={name} label={factLabel(`credit.${name}`)}>
              {formatFact(`credit.${name}`, value)}
            </Detail>
          ))}
      </dl>
    </section>
  );
}
