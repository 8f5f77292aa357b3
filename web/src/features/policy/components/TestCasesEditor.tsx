import { useEffect, useState } from "react";
import type { CheckReport, PolicyTestCase } from "../api/types";
import { DECISIONS, factsText, parseFacts, parseList } from "../model";

type Props = {
  cases: PolicyTestCase[];
  onChange: (next: PolicyTestCase[]) => void;
  /** Set while a case's facts are not valid JSON, so the page will not send them. */
  onInvalid: (index: number, invalid: boolean) => void;
  report: CheckReport | null;
  errors: Record<number, string[]>;
  readOnly: boolean;
};

/** The version's test cases: facts in, the expected decision out; each with its last result. */
export function TestCasesEditor({ cases, onChange, onInvalid, report, errors, readOnly }: Props) {
  const update = (index: number, next: PolicyTestCase) =>
    onChange(cases.map((c, i) => (i === index ? next : c)));
  return (
    <section className="card" aria-labelledby="cases-heading">
      <h2 id="cases-heading">Test cases ({cases.length})</h2>
      {report && (
        <p
          data-testid="check-summary"
          className={report.passed ? "status--active" : "field__error"}
        >
          {report.passed
            ? `All ${report.cases.length} test cases pass and no monotonicity violation was found in ${report.samples} sampled applicants.`
            : `${report.cases.filter((c) => !c.passed).length} of ${report.cases.length} test cases fail; ${report.violations.length} monotonicity violation(s).`}
        </p>
      )}
      <ol className="stack cases">
        {cases.map((testCase, index) => (
          <TestCaseCard
            key={index}
            index={index}
            testCase={testCase}
            result={report?.cases[index]}
            errors={errors[index]}
            readOnly={readOnly}
            onChange={(next) => update(index, next)}
            onInvalid={(invalid) => onInvalid(index, invalid)}
            onRemove={() => onChange(cases.filter((_, i) => i !== index))}
            onDuplicate={() =>
              onChange([
                ...cases.slice(0, index + 1),
                { ...testCase, name: `${testCase.name} (copy)` },
                ...cases.slice(index + 1),
              ])
            }
          />
        ))}
      </ol>
    </section>
  );
}

type CardProps = {
  index: number;
  testCase: PolicyTestCase;
  result: CheckReport["cases"][number] | undefined;
  errors: string[] | undefined;
  readOnly: boolean;
  onChange: (next: PolicyTestCase) => void;
  onInvalid: (invalid: boolean) => void;
  onRemove: () => void;
  onDuplicate: () => void;
};

function TestCaseCard({
  index,
  testCase,
  result,
  errors,
  readOnly,
  onChange,
  onInvalid,
  onRemove,
  onDuplicate,
}: CardProps) {
  const [facts, setFacts] = useState(() => factsText(testCase));
  const [factsError, setFactsError] = useState<string | null>(null);
  // A case replaced from outside (removed above, reloaded) brings its own facts.
  useEffect(() => {
    if (JSON.stringify(parseFacts(facts).facts) !== JSON.stringify(testCase.facts)) {
      setFacts(factsText(testCase));
      setFactsError(null);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the case's facts change
  }, [testCase.facts]);
  const expect = testCase.expect;
  const id = `case-${index}`;
  const status = result ? (result.passed ? "passed" : "failed") : null;
  return (
    <li className="card case" data-testid={id} aria-labelledby={`${id}-name`}>
      <div className="case__head">
        <strong id={`${id}-name`}>{testCase.name}</strong>
        {status && (
          <span
            className={`badge ${result?.passed ? "badge--passed" : "badge--failed"}`}
            data-testid={`${id}-status`}
          >
            {status}
          </span>
        )}
      </div>
      {result && !result.passed && (
        <ul className="field__error" aria-label={`Why ${testCase.name} failed`}>
          {result.differences.map((d) => (
            <li key={d}>{d}</li>
          ))}
        </ul>
      )}
      {errors && (
        <ul className="field__error">
          {errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      )}
      <div className="form-grid">
        <div className="field">
          <label className="field__label" htmlFor={`${id}-title`}>
            Name
          </label>
          <input
            id={`${id}-title`}
            className="input"
            value={testCase.name}
            readOnly={readOnly}
            onChange={(e) => onChange({ ...testCase, name: e.target.value })}
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-decision`}>
            Expected decision
          </label>
          <select
            id={`${id}-decision`}
            className="select"
            value={expect.decision}
            disabled={readOnly}
            onChange={(e) =>
              onChange({
                ...testCase,
                expect: { ...expect, decision: e.target.value as typeof expect.decision },
              })
            }
          >
            {DECISIONS.map((d) => (
              <option key={d}>{d}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-grade`}>
            Expected grade
          </label>
          <input
            id={`${id}-grade`}
            className="input"
            value={expect.grade ?? ""}
            placeholder="not checked"
            readOnly={readOnly}
            onChange={(e) =>
              onChange({ ...testCase, expect: { ...expect, grade: e.target.value || null } })
            }
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-max`}>
            Expected maximum amount
          </label>
          <input
            id={`${id}-max`}
            className="input"
            value={expect.maxAmount ?? ""}
            placeholder="not checked"
            readOnly={readOnly}
            onChange={(e) =>
              onChange({ ...testCase, expect: { ...expect, maxAmount: e.target.value || null } })
            }
          />
        </div>
        <div className="field field--wide">
          <label className="field__label" htmlFor={`${id}-reasons`}>
            Expected reason codes, in order
          </label>
          <input
            id={`${id}-reasons`}
            className="input"
            value={(expect.reasons ?? []).join(", ")}
            placeholder="not checked"
            readOnly={readOnly}
            onChange={(e) =>
              onChange({ ...testCase, expect: { ...expect, reasons: parseList(e.target.value) } })
            }
          />
        </div>
        <div className="field field--wide">
          <label className="field__label" htmlFor={`${id}-facts`}>
            Facts (application and credit report, JSON)
          </label>
          <textarea
            id={`${id}-facts`}
            className="input case__facts"
            rows={6}
            value={facts}
            readOnly={readOnly}
            aria-invalid={factsError ? true : undefined}
            onChange={(e) => {
              setFacts(e.target.value);
              const parsed = parseFacts(e.target.value);
              setFactsError(parsed.error ?? null);
              onInvalid(!!parsed.error);
              if (parsed.facts) onChange({ ...testCase, facts: parsed.facts });
            }}
          />
          {factsError && <span className="field__error">{factsError}</span>}
        </div>
      </div>
      {result?.actual && (
        <p className="muted">
          Last run: {result.actual.decision}
          {result.actual.grade && `, grade ${result.actual.grade}`}
          {result.actual.maxAmount && `, up to ${result.actual.maxAmount}`}
          {result.actual.reasons.length > 0 &&
            ` (${result.actual.reasons.map((r) => r.code).join(", ")})`}
        </p>
      )}
      {!readOnly && (
        <div className="form-actions">
          <button type="button" className="btn btn--ghost btn--small" onClick={onDuplicate}>
            Duplicate
          </button>
          <button type="button" className="btn btn--ghost btn--small" onClick={onRemove}>
            Remove
          </button>
        </div>
      )}
    </li>
  );
}
