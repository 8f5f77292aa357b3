import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { formatMoney, formatRate } from "@/lib/format";
import { Loading } from "@/lib/ui/Loading";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { usePageTitle } from "@/lib/ui/usePageTitle";
import { productsApi } from "../api/products";
import type { PublicProduct } from "../api/types";
import { calculatorLink } from "../model";
import "./products.css";

/** The public catalog: every published product, its ranges and its representative example. */
export default function ProductsPage() {
  usePageTitle("Loan products");
  const products = useQuery({ queryKey: ["products", "on-offer"], queryFn: productsApi.onOffer });
  return (
    <div className="products">
      <header className="page-header">
        <h1>Loan products</h1>
        <p>What we lend, for how long, and what a typical loan costs.</p>
      </header>
      {products.isPending && <Loading>Loading products…</Loading>}
      <ProblemAlert error={products.error} />
      {products.data?.length === 0 && <p className="muted">No products are on offer right now.</p>}
      <div className="products__list">
        {products.data?.map((product) => (
          <ProductCard key={product.code} product={product} />
        ))}
      </div>
    </div>
  );
}

function months(n: number): string {
  return `${n} month${n === 1 ? "" : "s"}`;
}

export function ProductCard({ product }: { product: PublicProduct }) {
  const { amount, term, example, currency } = product;
  return (
    <section className="card product-card" aria-labelledby={`product-${product.code}`}>
      <h2 id={`product-${product.code}`}>{product.name}</h2>
      {product.description && <p className="muted">{product.description}</p>}
      <dl className="details product-card__ranges">
        <div>
          <dt>Amount</dt>
          <dd>
            {formatMoney(amount.min, currency)} to {formatMoney(amount.max, currency)}
          </dd>
        </div>
        <div>
          <dt>Term</dt>
          <dd>
            {months(term.minMonths)} to {months(term.maxMonths)}
          </dd>
        </div>
        <div>
          <dt>Interest rate</dt>
          <dd>
            {formatRate(product.rateFrom)} to {formatRate(product.rateTo)}
          </dd>
        </div>
        <div>
          <dt>APR</dt>
          <dd>
            {formatRate(example.aprFrom)} to {formatRate(example.aprTo)}
          </dd>
        </div>
        <div>
          <dt>Payments</dt>
          <dd>{product.frequencies.join(", ")}</dd>
        </div>
      </dl>
      <p className="product-card__example" data-testid={`example-${product.code}`}>
        Representative example: borrowing {formatMoney(example.amount, currency)} over{" "}
        {example.termPeriods} {example.frequency} payments at {formatRate(example.annualRate)}{" "}
        interest costs {formatMoney(example.payment, currency)} a payment,{" "}
        {formatMoney(example.totalOfPayments, currency)} in all (finance charge{" "}
        {formatMoney(example.financeCharge, currency)}). APR {formatRate(example.apr)}.
      </p>
      <p>
        <Link className="btn btn--secondary btn--small" to={calculatorLink(product)}>
          Price it in the calculator
        </Link>
      </p>
    </section>
  );
}
