import { formatMoney } from "@/lib/format";
import type { StaffView } from "../api/types";
import {
  factGroups,
  formatTime,
  kindLabel,
  outcomeLabel,
  traceSteps,
  type FactGroup,
  type TraceStep,
} from "../model";
import { Detail } from "./Detail";

/** The decision as it stands and the policy's trace of the automatic one, as a page a person
 * reads: the policy version, the facts with labels, each step's findings as rows, the outcome and
 * how long it took. */
export function DecisionTrace({ view }: { view: StaffView }) {
  const decision = view.application.decision;
  if (!decision) {
    return (
      <section className="card" aria-labelledby="decision-heading">
        <h2 id="decision-heading">Decision</h2>
        <p className="muted">Not decided yet.</p>
      </section>
    );
  }
  const steps = traceSteps(view.trace, view.reasonChoices);
  return (
    <>
      <section className="card" aria-labelledby="decision-heading">
        <h2 id="decision-heading">Decision</h2>
        <dl className="details">
          <Detail label="Outcome" testId="decision-outcome">
            {outcomeLabel(decision.outcome)}{" "}
            {decision.by === "policy" ? "(automatic)" : "(by an underwriter)"}
          </Detail>
          <Detail label="Policy">
            {decision.policyName ?? "—"}
            {decision.policyVersion !== null ? `, version ${decision.policyVersion}` : ""}
          </Detail>
          {decision.grade && <Detail label="Grade">{decision.grade}</Detail>}
          {decision.maxAmount && (
            <Detail label="Maximum amount">{formatMoney(decision.maxAmount)}</Detail>
          )}
          <Detail label="Reasons">
            {decision.reasons.length ? (
              <ol className="key-factors">
                {decision.reasons.map((r) => (
                  <li key={r.code}>{r.text}</li>
                ))}
              </ol>
            ) : (
              "None"
            )}
          </Detail>
          <Detail label="Decided">{formatTime(decision.decidedAt)}</Detail>
          <Detail label="Policy time" testId="decision-time">
            {decision.durationMs} ms
            {view.policyMs && view.quoteMs
              ? ` (policy ${view.policyMs} ms, quote ${view.quoteMs} ms)`
              : ""}
          </Detail>
        </dl>
      </section>
      {steps.length > 0 && (
        <section className="card" aria-labelledby="trace-heading">
          <h2 id="trace-heading">How the policy decided</h2>
          <p className="muted">
            The automatic decision, step by step in the order the policy evaluated it.
          </p>
          {steps.map((step) => (
            <TraceStepTable key={step.step} step={step} />
          ))}
        </section>
      )}
      {view.facts && (
        <section className="card" aria-labelledby="facts-heading">
          <h2 id="facts-heading">Facts the policy read</h2>
          {factGroups(view.facts).map((group) => (
            <FactTable key={group.title} group={group} />
          ))}
        </section>
      )}
    </>
  );
}

function TraceStepTable({ step }: { step: TraceStep }) {
  return (
    <div className="trace-step table-wrap" tabIndex={0} role="region" aria-label={step.node}>
      <table className="admin-table">
        <caption className="trace-step__title">
          {step.step}. {step.node} · {kindLabel(step.kind)} · {step.duration}
        </caption>
        <thead>
          <tr>
            <th scope="col">{step.kind === "rules" ? "Rule" : "Item"}</th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {step.rows.map((row, i) => (
            <tr key={i}>
              <th scope="row">
                {row.label}
                {row.detail && <span className="trace-detail muted">Read: {row.detail}</span>}
              </th>
              <td>{row.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function FactTable({ group }: { group: FactGroup }) {
  return (
    <div className="trace-step table-wrap" tabIndex={0} role="region" aria-label={group.title}>
      <table className="admin-table">
        <caption className="trace-step__title">{group.title}</caption>
        <thead>
          <tr>
            <th scope="col">Fact</th>
            <th scope="col" className="num">
              Value
            </th>
          </tr>
        </thead>
        <tbody>
          {group.rows.map((row) => (
            <tr key={row.path}>
              <th scope="row">{row.label}</th>
              <td className="num">{row.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
