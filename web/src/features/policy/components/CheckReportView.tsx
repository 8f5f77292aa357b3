import type { CheckReport } from "../api/types";
import { outcome } from "../model";

/** The monotonicity part of a check: pairs of applicants whose outcomes move the wrong way. */
export function ViolationsView({ report }: { report: CheckReport }) {
  if (!report.violations.length) return null;
  return (
    <section className="card" aria-labelledby="violations-heading">
      <h2 id="violations-heading">Monotonicity violations ({report.violations.length})</h2>
      <ul className="stack">
        {report.violations.map((v, i) => (
          <li key={i}>
            <strong>{v.rule}</strong>: {outcome(v.outcomeBefore)} became {outcome(v.outcomeAfter)}{" "}
            <span className="muted">
              (score {v.before.credit.score ?? "none"} → {v.after.credit.score ?? "none"}, income{" "}
              {v.before.application.monthlyIncome} → {v.after.application.monthlyIncome})
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
