import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { productsApi } from "../api/products";
import type { VersionSummary } from "../api/types";

function useVersionPair(versions: VersionSummary[]) {
  const last = versions[versions.length - 1]?.version ?? 1;
  const [pair, setPair] = useState({ from: Math.max(1, last - 1), to: last });
  return [pair, setPair] as const;
}

function shown(value: unknown): string {
  if (value === undefined || value === null) return "—";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** What changed between two versions of a product, field by field (the diff API). */
export function DiffView({ code, versions }: { code: string; versions: VersionSummary[] }) {
  const [pair, setPair] = useVersionPair(versions);
  const diff = useQuery({
    queryKey: ["admin", "products", code, "diff", pair.from, pair.to],
    queryFn: () => productsApi.diff(code, pair.from, pair.to),
  });
  const options = versions.map((v) => (
    <option key={v.version} value={v.version}>
      Version {v.version} ({v.status})
    </option>
  ));
  return (
    <section className="card" aria-labelledby="diff-heading">
      <h2 id="diff-heading">Compare versions</h2>
      <div className="form-grid">
        <div className="field">
          <label className="field__label" htmlFor="diff-from">
            From
          </label>
          <select
            id="diff-from"
            className="select"
            value={pair.from}
            onChange={(e) => setPair((p) => ({ ...p, from: Number(e.target.value) }))}
          >
            {options}
          </select>
        </div>
        <div className="field">
          <label className="field__label" htmlFor="diff-to">
            To
          </label>
          <select
            id="diff-to"
            className="select"
            value={pair.to}
            onChange={(e) => setPair((p) => ({ ...p, to: Number(e.target.value) }))}
          >
            {options}
          </select>
        </div>
      </div>
      <ProblemAlert error={diff.error} />
      {diff.data && diff.data.changes.length === 0 && (
        <p className="muted">The two versions are the same.</p>
      )}
      {!!diff.data?.changes.length && (
        <div className="table-wrap">
          <table className="admin-table" aria-label="Changes">
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Version {diff.data.fromVersion}</th>
                <th scope="col">Version {diff.data.toVersion}</th>
              </tr>
            </thead>
            <tbody>
              {diff.data.changes.map((c) => (
                <tr key={c.path}>
                  <td>
                    <code>{c.path}</code>
                  </td>
                  <td className="diff__before">{shown(c.before)}</td>
                  <td className="diff__after">{shown(c.after)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
