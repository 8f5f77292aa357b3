import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate, useParams } from "react-router";
import { formatDate } from "@/lib/format";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { usePageTitle } from "@/lib/ui/usePageTitle";
import { useSubmission } from "@/lib/ui/useSubmission";
import { productsApi } from "../api/products";
import type { VersionSummary } from "../api/types";
import { DiffView } from "./DiffView";
import "./products.css";

function day(iso: string | null | undefined): string {
  return iso ? formatDate(iso.slice(0, 10)) : "—";
}

/** Admin: one product's version history, a new draft, and the diff between two versions. */
export default function ProductDetailPage() {
  const { code = "" } = useParams();
  usePageTitle(`${code} (admin)`);
  const product = useQuery({
    queryKey: ["admin", "products", code],
    queryFn: () => productsApi.get(code),
  });
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const drafting = useSubmission();
  const versions = product.data?.versions ?? [];
  const draft = versions.find((v) => v.status === "draft");

  function newDraft() {
    void drafting.submit({}, async () => {
      const created = await productsApi.newDraft(code);
      await queryClient.invalidateQueries({ queryKey: ["admin", "products"] });
      navigate(`/admin/products/${code}/versions/${created.version}`);
    });
  }

  return (
    <div className="product-detail">
      <header className="page-header">
        <p>
          <Link to="/admin/products">All products</Link>
        </p>
        <h1>{product.data ? `${product.data.name} (${code})` : code}</h1>
        <p>
          <Link to={`/admin/products/${code}/policy`}>Credit policy</Link>
        </p>
      </header>
      <ProblemAlert error={product.error ?? drafting.problem} />
      <section className="card" aria-labelledby="versions-heading">
        <h2 id="versions-heading">Version history</h2>
        {versions.length > 0 && <VersionTable code={code} versions={versions} />}
        <div className="form-actions">
          {draft ? (
            <Link
              className="btn btn--primary"
              to={`/admin/products/${code}/versions/${draft.version}`}
            >
              Edit draft (version {draft.version})
            </Link>
          ) : (
            <button
              type="button"
              className="btn btn--primary"
              onClick={newDraft}
              disabled={drafting.busy || !versions.length}
            >
              New draft from the latest version
            </button>
          )}
        </div>
      </section>
      {versions.length > 1 && <DiffView code={code} versions={versions} />}
    </div>
  );
}

function VersionTable({ code, versions }: { code: string; versions: VersionSummary[] }) {
  return (
    <div className="table-wrap">
      <table className="admin-table">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Status</th>
            <th scope="col">Created</th>
            <th scope="col">Published</th>
            <th scope="col">Retired</th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {[...versions].reverse().map((v) => (
            <tr key={v.version} data-testid={`version-${v.version}`}>
              <td>
                <Link to={`/admin/products/${code}/versions/${v.version}`}>
                  Version {v.version}
                </Link>
              </td>
              <td className={`status--${v.status}`}>{v.status}</td>
              <td>{day(v.createdAt)}</td>
              <td>{day(v.publishedAt)}</td>
              <td>{day(v.retiredAt)}</td>
              <td>{v.note}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
