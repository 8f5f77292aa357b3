import { useState } from "react";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { policyApi } from "../api/policy";
import type { FactSet, SimulationReport } from "../api/types";
import { outcome } from "../model";

type Props = { code: string; version: number; defaultFactSets: FactSet[] };

/** Run this version and the active one over fact sets and see how outcomes move. */
export function SimulationPanel({ code, version, defaultFactSets }: Props) {
  const [text, setText] = useState("");
  const [report, setReport] = useState<SimulationReport | null>(null);
  const [problem, setProblem] = useState<unknown>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function run() {
    setProblem(null);
    setLocalError(null);
    let factSets = defaultFactSets;
    if (text.trim()) {
      try {
        factSets = JSON.parse(text) as FactSet[];
        if (!Array.isArray(factSets)) throw new Error("expected a JSON array of fact sets");
      } catch (error) {
        setLocalError(`Fact sets: ${(error as Error).message}`);
        return;
      }
    }
    setBusy(true);
    try {
      setReport(await policyApi.simulate(code, version, factSets));
    } catch (error) {
      setProblem(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="simulation-heading">
      <h2 id="simulation-heading">Simulation</h2>
      <p className="muted">
        Compares this version with the active one. Leave the box empty to use the test cases' facts,
        or paste a JSON array of fact sets (at most 5,000).
      </p>
      <div className="field field--wide">
        <label className="field__label" htmlFor="simulation-facts">
          Fact sets (JSON array, optional)
        </label>
        <textarea
          id="simulation-facts"
          className="input"
          rows={4}
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={localError ? true : undefined}
        />
        {localError && <span className="field__error">{localError}</span>}
      </div>
      <div className="form-actions">
        <button
          type="button"
          className="btn btn--secondary"
          onClick={() => void run()}
          disabled={busy}
        >
          Run simulation
        </button>
      </div>
      <ProblemAlert error={problem} />
      {report && (
        <div data-testid="simulation-report">
          <dl className="details">
            <div>
              <dt>Evaluated</dt>
              <dd>{report.evaluated}</dd>
            </div>
            <div>
              <dt>Outcome changed</dt>
              <dd data-testid="simulation-changed">{report.changed}</dd>
            </div>
            <div>
              <dt>Better for the applicant</dt>
              <dd>{report.better}</dd>
            </div>
            <div>
              <dt>Worse for the applicant</dt>
              <dd>{report.worse}</dd>
            </div>
          </dl>
          <table className="admin-table" aria-label="Transitions">
            <thead>
              <tr>
                <th scope="col">Active version</th>
                <th scope="col">This version</th>
                <th scope="col">Applicants</th>
              </tr>
            </thead>
            <tbody>
              {report.transitions.map((t) => (
                <tr key={`${t.before}-${t.after}`}>
                  <td>{t.before ?? "no active version"}</td>
                  <td>{t.after}</td>
                  <td>{t.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {report.sample.length > 0 && (
            <>
              <h3>Sample of changed outcomes</h3>
              <ul>
                {report.sample.map((s) => (
                  <li key={s.index}>
                    Fact set {s.index + 1}: {s.before ? outcome(s.before) : "none"} →{" "}
                    {outcome(s.after)}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </section>
  );
}
