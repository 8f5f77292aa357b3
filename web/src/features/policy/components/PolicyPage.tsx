import { useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { ApiError, sentence } from "@/lib/api/problem";
import { formatDate } from "@/lib/format";
import { Loading } from "@/lib/ui/Loading";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { usePageTitle } from "@/lib/ui/usePageTitle";
import { policyApi } from "../api/policy";
import type {
  CheckReport,
  PolicyDocument,
  PolicyVersionRead,
  PolicyVersionSummary,
} from "../api/types";
import { splitErrors } from "../model";
import { ViolationsView } from "./CheckReportView";
import { SimulationPanel } from "./SimulationPanel";
import { TestCasesEditor } from "./TestCasesEditor";
import "@/features/products/components/products.css";
import "./policy.css";

// The decision graph editor is large (its own UI kit and code editor): fetched only when shown.
const DecisionModelEditor = lazy(() => import("./DecisionModelEditor"));

/** Admin: a product's credit policy versions; a draft's model, its test cases, checks, simulation
 * and activation. */
export default function PolicyPage() {
  const { code = "" } = useParams();
  usePageTitle(`${code} credit policy (admin)`);
  const [params, setParams] = useSearchParams();
  const versions = useQuery({
    queryKey: ["admin", "policy", code, "versions"],
    queryFn: () => policyApi.versions(code),
  });
  const list = versions.data ?? [];
  const chosen =
    Number(params.get("version")) ||
    (
      list.find((v) => v.status === "draft") ??
      list.find((v) => v.status === "active") ??
      list[list.length - 1]
    )?.version;
  const version = useQuery({
    queryKey: ["admin", "policy", code, "versions", chosen],
    queryFn: () => policyApi.version(code, chosen ?? 0),
    enabled: !!chosen,
  });

  return (
    <div className="policy">
      <header className="page-header">
        <p>
          <Link to={`/admin/products/${code}`}>Product {code}</Link>
        </p>
        <h1>{code} credit policy</h1>
        <p>Decision models (GoRules JDM) with test cases that gate activation.</p>
      </header>
      <ProblemAlert error={versions.error ?? version.error} />
      <VersionList
        code={code}
        versions={list}
        chosen={chosen}
        onChoose={(v) => setParams({ version: String(v) })}
      />
      {version.data && (
        <PolicyEditor
          key={`${version.data.version}-${version.data.status}`}
          row={version.data}
          onChoose={(v) => setParams({ version: String(v) })}
        />
      )}
    </div>
  );
}

function VersionList(props: {
  code: string;
  versions: PolicyVersionSummary[];
  chosen: number | undefined;
  onChoose: (version: number) => void;
}) {
  const { code, versions, chosen, onChoose } = props;
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<unknown>(null);
  const hasDraft = versions.some((v) => v.status === "draft");
  async function newDraft() {
    setProblem(null);
    try {
      const created = await policyApi.newDraft(code);
      await queryClient.invalidateQueries({ queryKey: ["admin", "policy", code] });
      onChoose(created.version);
    } catch (error) {
      setProblem(error);
    }
  }
  return (
    <section className="card" aria-labelledby="policy-versions-heading">
      <h2 id="policy-versions-heading">Versions</h2>
      {versions.length === 0 && (
        <p className="muted">
          No policy yet. Load one with <code>loan-engine policy load FILE --product {code}</code>.
        </p>
      )}
      {versions.length > 0 && (
        <table className="admin-table">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Activated</th>
            </tr>
          </thead>
          <tbody>
            {[...versions].reverse().map((v) => (
              <tr key={v.version} aria-current={v.version === chosen ? "true" : undefined}>
                <td>
                  <button
                    type="button"
                    className="btn btn--ghost btn--small"
                    onClick={() => onChoose(v.version)}
                  >
                    Version {v.version}
                  </button>
                </td>
                <td>{v.name}</td>
                <td className={`status--${v.status}`}>{v.status}</td>
                <td>{v.activatedAt ? formatDate(v.activatedAt.slice(0, 10)) : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ProblemAlert error={problem} />
      {versions.length > 0 && !hasDraft && (
        <div className="form-actions">
          <button type="button" className="btn btn--primary" onClick={() => void newDraft()}>
            New draft from the latest version
          </button>
        </div>
      )}
    </section>
  );
}

function documentOf(row: PolicyVersionRead): PolicyDocument {
  return {
    name: row.name,
    description: row.description,
    model: row.model,
    testCases: row.testCases,
  };
}

export function PolicyEditor({
  row,
  onChoose,
}: {
  row: PolicyVersionRead;
  onChoose: (v: number) => void;
}) {
  const code = row.productCode;
  const queryClient = useQueryClient();
  const [stored, setStored] = useState(row);
  const [doc, setDoc] = useState<PolicyDocument>(() => documentOf(row));
  const [invalid, setInvalid] = useState<Set<number>>(new Set());
  const [report, setReport] = useState<CheckReport | null>(null);
  const [problem, setProblem] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const draft = stored.status === "draft";
  const dirty = JSON.stringify(doc) !== JSON.stringify(documentOf(stored));
  const fieldErrors = problem instanceof ApiError ? (problem.problem.errors ?? []) : [];
  const { byCase } = splitErrors(fieldErrors);

  async function step<T>(action: () => Promise<T>): Promise<T | undefined> {
    setBusy(true);
    setProblem(null);
    setNotice(null);
    try {
      return await action();
    } catch (error) {
      setProblem(error);
      return undefined;
    } finally {
      setBusy(false);
    }
  }

  async function saveIfDirty(): Promise<void> {
    if (!dirty || !draft) return;
    const saved = await policyApi.save(code, stored.version, doc);
    setStored(saved);
    queryClient.setQueryData(["admin", "policy", code, "versions", saved.version], saved);
  }

  const save = () =>
    step(async () => {
      await saveIfDirty();
      setNotice("Draft saved.");
    });
  const runTests = () =>
    step(async () => {
      await saveIfDirty();
      setReport(await policyApi.check(code, stored.version));
    });
  const activate = () =>
    step(async () => {
      setConfirming(false);
      await saveIfDirty();
      const active = await policyApi.activate(code, stored.version);
      await queryClient.invalidateQueries({ queryKey: ["admin", "policy", code] });
      setStored(active);
      setNotice(`Version ${active.version} is active.`);
      onChoose(active.version);
    });

  const blocked = invalid.size > 0;
  return (
    <div className="policy-editor">
      <h2>
        Version {stored.version}{" "}
        <span className={`badge status--${stored.status}`}>{stored.status}</span>
      </h2>
      {!draft && <p>An {stored.status} version cannot change; start a new draft to edit it.</p>}
      {notice && (
        <div className="alert alert--success" role="status">
          {notice}
        </div>
      )}
      {problem !== null && (
        <div className="alert alert--error" role="alert" data-testid="policy-problem">
          <p className="alert__title">
            {problem instanceof ApiError
              ? (problem.problem.detail ?? problem.problem.title)
              : "Something went wrong"}
          </p>
          {fieldErrors.length > 0 && (
            <ul aria-label="Reasons">
              {fieldErrors.map((e, i) => (
                <li key={i}>
                  <code>{e.field}</code>: {sentence(e.message)}
                </li>
              ))}
            </ul>
          )}
          {!(problem instanceof ApiError) && <ProblemAlert error={problem} />}
        </div>
      )}
      <div className="form-grid">
        <div className="field">
          <label className="field__label" htmlFor="policy-name">
            Name
          </label>
          <input
            id="policy-name"
            className="input"
            value={doc.name}
            readOnly={!draft}
            onChange={(e) => setDoc({ ...doc, name: e.target.value })}
          />
        </div>
        <div className="field field--wide">
          <label className="field__label" htmlFor="policy-description">
            Description
          </label>
          <input
            id="policy-description"
            className="input"
            value={doc.description ?? ""}
            readOnly={!draft}
            onChange={(e) => setDoc({ ...doc, description: e.target.value })}
          />
        </div>
      </div>
      <div className="form-actions policy-editor__actions">
        {draft && (
          <button
            type="button"
            className="btn btn--secondary"
            onClick={() => void save()}
            disabled={busy || !dirty || blocked}
          >
            Save draft
          </button>
        )}
        <button
          type="button"
          className="btn btn--primary"
          onClick={() => void runTests()}
          disabled={busy || blocked}
        >
          {draft && dirty ? "Save and run tests" : "Run tests"}
        </button>
        {draft && (
          <button
            type="button"
            className="btn btn--secondary"
            onClick={() => setConfirming(true)}
            disabled={busy || blocked}
          >
            Activate…
          </button>
        )}
        {busy && <span className="spinner" role="status" aria-label="Working" />}
      </div>
      {confirming && (
        <div className="confirm" role="alertdialog" aria-labelledby="activate-text">
          <span id="activate-text">
            Activate version {stored.version}? Its test cases and the monotonicity checks run first;
            the active version is retired.
          </span>
          <button
            type="button"
            className="btn btn--primary btn--small"
            onClick={() => void activate()}
          >
            Confirm activation
          </button>
          <button
            type="button"
            className="btn btn--ghost btn--small"
            onClick={() => setConfirming(false)}
          >
            Cancel
          </button>
        </div>
      )}
      <div className="policy-editor__panes">
        <section className="card policy-editor__model" aria-labelledby="model-heading">
          <h2 id="model-heading">Decision model</h2>
          <p className="muted">Reads: {stored.reads.join(", ")}</p>
          <Suspense fallback={<Loading>Loading the decision editor…</Loading>}>
            <DecisionModelEditor
              value={doc.model}
              disabled={!draft}
              onChange={(model) => setDoc((d) => ({ ...d, model }))}
            />
          </Suspense>
        </section>
        <TestCasesEditor
          cases={doc.testCases ?? []}
          onChange={(testCases) => setDoc((d) => ({ ...d, testCases }))}
          onInvalid={(index, bad) =>
            setInvalid((s) => {
              const next = new Set(s);
              if (bad) next.add(index);
              else next.delete(index);
              return next;
            })
          }
          report={report}
          errors={byCase}
          readOnly={!draft}
        />
      </div>
      {report && <ViolationsView report={report} />}
      <SimulationPanel
        code={code}
        version={stored.version}
        defaultFactSets={(doc.testCases ?? []).map((c) => c.facts)}
      />
    </div>
  );
}
