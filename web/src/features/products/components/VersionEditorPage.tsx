import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { Link, useParams } from "react-router";
import { ApiError, sentence } from "@/lib/api/problem";
import { Loading } from "@/lib/ui/Loading";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { usePageTitle } from "@/lib/ui/usePageTitle";
import { productsApi } from "../api/products";
import type { ProductDefinition, VersionRead } from "../api/types";
import { PLACED_PATHS, definitionErrors, unplacedErrors } from "../model";
import { DefinitionForm } from "./DefinitionForm";
import { SchedulePreview } from "./SchedulePreview";
import "./products.css";

type Pending = "publish" | "retire" | null;

/** Admin: one version of a product. A draft is edited here (with the server's messages at their
 * fields and a live schedule preview), then published; a published version can be retired. */
export default function VersionEditorPage() {
  const { code = "", version = "1" } = useParams();
  const number = Number(version);
  usePageTitle(`${code} version ${version} (admin)`);
  const queryKey = ["admin", "products", code, "versions", number];
  const loaded = useQuery({ queryKey, queryFn: () => productsApi.version(code, number) });
  const product = useQuery({
    queryKey: ["admin", "products", code],
    queryFn: () => productsApi.get(code),
  });
  if (loaded.error) return <ProblemAlert error={loaded.error} />;
  if (!loaded.data || !product.data) {
    return <Loading />;
  }
  return (
    <VersionEditor
      key={`${loaded.data.version}-${loaded.data.status}`}
      row={loaded.data}
      currency={product.data.currency}
      name={product.data.name}
      online={product.data.versions.find((v) => v.status === "published")?.version ?? null}
    />
  );
}

type EditorProps = { row: VersionRead; currency: string; name: string; online: number | null };

export function VersionEditor({ row, currency, name, online }: EditorProps) {
  const code = row.productCode;
  const queryClient = useQueryClient();
  const [current, setCurrent] = useState(row);
  const [definition, setDefinition] = useState<ProductDefinition>(row.definition);
  const [note, setNote] = useState(row.note);
  const [serverErrors, setServerErrors] = useState<Record<string, string> | null>(null);
  const [problem, setProblem] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [pending, setPending] = useState<Pending>(null);
  const draft = current.status === "draft";
  const dirty =
    JSON.stringify(definition) !== JSON.stringify(current.definition) || note !== current.note;

  // What stops the stored draft from being published, until a save or publish answers otherwise.
  const errors = useMemo(
    () => serverErrors ?? definitionErrors(current.problems),
    [serverErrors, current.problems],
  );
  const unplaced = unplacedErrors(errors, PLACED_PATHS);
  const edit = (next: ProductDefinition) => {
    setDefinition(next);
    setSaved(null);
  };

  async function run(action: () => Promise<VersionRead>, done: string) {
    setBusy(true);
    setProblem(null);
    try {
      const next = await action();
      setCurrent(next);
      setDefinition(next.definition);
      setNote(next.note);
      setServerErrors(null);
      setSaved(done);
      await queryClient.invalidateQueries({ queryKey: ["admin", "products"] });
      await queryClient.invalidateQueries({ queryKey: ["products"] });
    } catch (error) {
      if (error instanceof ApiError && error.problem.errors?.length) {
        setServerErrors(definitionErrors(error.problem.errors));
      }
      setProblem(error);
    } finally {
      setBusy(false);
      setPending(null);
    }
  }

  const save = () =>
    run(() => productsApi.saveDraft(code, current.version, definition, note), "Draft saved.");
  const publish = () =>
    run(async () => {
      if (dirty) await productsApi.saveDraft(code, current.version, definition, note);
      return productsApi.publish(code, current.version);
    }, `Version ${current.version} is published.`);
  const retire = () =>
    run(() => productsApi.retire(code, current.version), `Version ${current.version} is retired.`);

  return (
    <div className="version-editor">
      <header className="page-header">
        <p>
          <Link to={`/admin/products/${code}`}>
            {name} ({code})
          </Link>
        </p>
        <h1>
          Version {current.version}{" "}
          <span className={`badge status--${current.status}`}>{current.status}</span>
        </h1>
        {!draft && <p>A {current.status} version cannot change; start a new draft to edit it.</p>}
      </header>
      <ProblemAlert error={problem} />
      {saved && (
        <div className="alert alert--success" role="status">
          {saved}
        </div>
      )}
      {draft && current.problems.length > 0 && !serverErrors && (
        <p className="muted" data-testid="publish-blockers">
          {current.problems.length} thing(s) to fix before this version can be published; they are
          shown at their fields.
        </p>
      )}
      {unplaced.length > 0 && (
        <ul className="alert alert--error" aria-label="Other problems">
          {unplaced.map(([path, message]) => (
            <li key={path}>
              <code>{path}</code>: {sentence(message)}
            </li>
          ))}
        </ul>
      )}
      <div className="main-aside">
        <div>
          <DefinitionForm
            definition={definition}
            onChange={edit}
            errors={errors}
            readOnly={!draft}
          />
          {draft && (
            <div className="field field--wide">
              <label className="field__label" htmlFor="version-note">
                Note (what changed)
              </label>
              <input
                id="version-note"
                className="input"
                value={note}
                onChange={(e) => {
                  setNote(e.target.value);
                  setSaved(null);
                }}
              />
            </div>
          )}
          <div className="form-actions">
            {draft && (
              <button
                type="button"
                className="btn btn--secondary"
                onClick={save}
                disabled={busy || !dirty}
              >
                Save draft
              </button>
            )}
            {draft && (
              <button
                type="button"
                className="btn btn--primary"
                onClick={() => setPending("publish")}
                disabled={busy}
              >
                Publish…
              </button>
            )}
            {current.status === "published" && (
              <button
                type="button"
                className="btn btn--secondary"
                onClick={() => setPending("retire")}
                disabled={busy}
              >
                Retire…
              </button>
            )}
          </div>
          {pending && (
            <div className="confirm" role="alertdialog" aria-labelledby="confirm-text">
              <span id="confirm-text">
                {pending === "publish"
                  ? `Publish version ${current.version}? It will be offered to new applications${
                      online && online !== current.version
                        ? ` and version ${online} will be retired`
                        : ""
                    }. A published version cannot be edited.`
                  : `Retire version ${current.version}? ${code} will no longer be on offer; loans booked on it keep it.`}
              </span>
              <button
                type="button"
                className="btn btn--primary btn--small"
                onClick={pending === "publish" ? publish : retire}
                disabled={busy}
              >
                {pending === "publish" ? "Confirm publish" : "Confirm retire"}
              </button>
              <button
                type="button"
                className="btn btn--ghost btn--small"
                onClick={() => setPending(null)}
              >
                Cancel
              </button>
            </div>
          )}
        </div>
        <SchedulePreview definition={definition} currency={currency} />
      </div>
    </div>
  );
}
