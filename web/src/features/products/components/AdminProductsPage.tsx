import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router";
import { Loading } from "@/lib/ui/Loading";
import { TextField } from "@/lib/ui/Field";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { usePageTitle } from "@/lib/ui/usePageTitle";
import { useSubmission } from "@/lib/ui/useSubmission";
import { productsApi } from "../api/products";
import type { ProductRead } from "../api/types";
import { starterDefinition } from "../model";
import "./products.css";

const CODE = /^[A-Z][A-Z0-9-]{1,31}$/;

/** Admin: every product with the state of its versions, and a form to start a new one. */
export default function AdminProductsPage() {
  usePageTitle("Products (admin)");
  const products = useQuery({ queryKey: ["admin", "products"], queryFn: () => productsApi.list() });
  return (
    <div className="admin-products">
      <header className="page-header">
        <h1>Products</h1>
        <p>Versions of what we lend: drafts, the published version on offer, and retired ones.</p>
      </header>
      <ProblemAlert error={products.error} />
      <section className="card" aria-labelledby="products-heading">
        <h2 id="products-heading">All products</h2>
        {products.isPending && <Loading />}
        {products.data?.items.length === 0 && <p className="muted">No products yet.</p>}
        {!!products.data?.items.length && (
          <div className="table-wrap">
            <table className="admin-table">
              <thead>
                <tr>
                  <th scope="col">Code</th>
                  <th scope="col">Name</th>
                  <th scope="col">Currency</th>
                  <th scope="col">On offer</th>
                  <th scope="col">Versions</th>
                </tr>
              </thead>
              <tbody>
                {products.data.items.map((p) => (
                  <ProductRow key={p.code} product={p} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <NewProductForm />
    </div>
  );
}

function ProductRow({ product }: { product: ProductRead }) {
  const published = product.versions.find((v) => v.status === "published");
  const draft = product.versions.find((v) => v.status === "draft");
  return (
    <tr>
      <td>
        <Link to={`/admin/products/${product.code}`}>{product.code}</Link>
      </td>
      <td>{product.name}</td>
      <td>{product.currency}</td>
      <td>{published ? `version ${published.version}` : "—"}</td>
      <td>
        {product.versions.length}
        {draft && ` (draft: version ${draft.version})`}
      </td>
    </tr>
  );
}

function NewProductForm() {
  const [form, setForm] = useState({ code: "", name: "", currency: "USD", description: "" });
  const { errors, problem, busy, submit } = useSubmission();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const set = (key: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setForm((f) => ({ ...f, [key]: e.target.value }));

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const local: Record<string, string> = {};
    if (!CODE.test(form.code))
      local.code = "Use 2 to 32 capitals, digits or dashes, such as PL-36.";
    if (!form.name.trim()) local.name = "Give the product a name.";
    if (!/^[A-Z]{3}$/.test(form.currency)) local.currency = "Use an ISO 4217 code such as USD.";
    void submit(local, async () => {
      const created = await productsApi.create({ ...form, definition: starterDefinition() });
      await queryClient.invalidateQueries({ queryKey: ["admin", "products"] });
      navigate(`/admin/products/${created.code}/versions/${created.versions[0]?.version ?? 1}`);
    });
  }

  return (
    <section className="card" aria-labelledby="new-product-heading">
      <h2 id="new-product-heading">New product</h2>
      <p className="muted">
        Starts as a draft with a plain 12 to 60 month monthly loan; edit it before publishing.
      </p>
      <ProblemAlert error={problem} />
      <form className="form-grid" onSubmit={onSubmit} noValidate>
        <TextField label="Code" value={form.code} onChange={set("code")} error={errors.code} />
        <TextField label="Name" value={form.name} onChange={set("name")} error={errors.name} />
        <TextField
          label="Currency"
          value={form.currency}
          onChange={set("currency")}
          error={errors.currency}
        />
        <TextField
          label="Description"
          value={form.description}
          onChange={set("description")}
          error={errors.description}
          wide
        />
        <div className="form-actions">
          <button type="submit" className="btn btn--primary" disabled={busy}>
            Create draft
          </button>
        </div>
      </form>
    </section>
  );
}
