import { useState, type FormEvent } from "react";
import { ApiError } from "@/lib/api/problem";
import { formatMoney, formatRate } from "@/lib/format";
import { parseAmount } from "@/lib/format/number";
import { Field, TextField } from "@/lib/ui/Field";
import { fieldBinder } from "@/lib/ui/fieldBinder";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import type { Application, PublicProduct } from "../../api/types";
import { useProductQuote } from "../../hooks/useProductQuote";
import { useSaveStep } from "../../hooks/useSaveStep";
import { StepActions } from "./StepActions";
import { checkLoan, FREQUENCY_LABELS, loanForm, loanLimitErrors, type LoanForm } from "../../model";

type Props = {
  app: Application | undefined;
  products: PublicProduct[];
  onSaved: (app: Application) => void;
};

function defaults(product: PublicProduct | undefined): LoanForm {
  return {
    productCode: product?.code ?? "",
    amount: product?.amount.default ?? "",
    termPeriods: product ? String(product.term.defaultMonths) : "",
    frequency: product?.frequencies.includes("monthly")
      ? "monthly"
      : (product?.frequencies[0] ?? "monthly"),
  };
}

/** Step 1: the product, amount and term, with a live estimate of the payment and APR. */
export function LoanStep({ app, products, onSaved }: Props) {
  const [form, setForm] = useState<LoanForm>(() => loanForm(app, defaults(products[0])));
  const step = useSaveStep("loan", app);
  const bind = fieldBinder(form, setForm, step.errors);
  const product = products.find((p) => p.code === form.productCode);
  const money = (value: string) => formatMoney(value, product?.currency ?? "USD");

  function choose(code: string) {
    const next = products.find((p) => p.code === code);
    setForm(next ? defaults(next) : { ...form, productCode: code });
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const checked = checkLoan(form);
    const limits = product ? loanLimitErrors(form, product, money) : {};
    const errors = { ...limits, ...checked.errors };
    void step.save(Object.keys(errors).length ? { section: null, errors } : checked, onSaved);
  }

  return (
    <form className="card apply-step" aria-labelledby="step-heading" onSubmit={submit} noValidate>
      <h2 id="step-heading">The loan</h2>
      <div className="form-grid">
        <Field label="Loan" error={step.errors.productCode} wide>
          {(control) => (
            <select
              {...control}
              className="select"
              value={form.productCode}
              onChange={(e) => choose(e.target.value)}
            >
              {products.map((p) => (
                <option key={p.code} value={p.code}>
                  {p.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <TextField
          label="Amount"
          inputMode="decimal"
          {...bind("amount")}
          hint={product && `${money(product.amount.min)} to ${money(product.amount.max)}`}
        />
        <TextField
          label="Number of payments"
          inputMode="numeric"
          {...bind("termPeriods")}
          hint={
            product && `A term of ${product.term.minMonths} to ${product.term.maxMonths} months`
          }
        />
        {product && product.frequencies.length > 1 && (
          <Field label="How often you pay" error={step.errors.frequency}>
            {(control) => (
              <select
                {...control}
                className="select"
                value={form.frequency}
                onChange={(e) => setForm({ ...form, frequency: e.target.value })}
              >
                {product.frequencies.map((f) => (
                  <option key={f} value={f}>
                    {capitalized(FREQUENCY_LABELS[f] ?? f)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
      </div>
      {product && <LiveEstimate form={form} product={product} />}
      <ProblemAlert error={step.problem} />
      <StepActions busy={step.busy} />
    </form>
  );
}

/** The payment and APR at the product's best and highest grade; the decision sets the grade. */
function LiveEstimate({ form, product }: { form: LoanForm; product: PublicProduct }) {
  const amount = parseAmount(form.amount);
  const term = /^\d{1,4}$/.test(form.termPeriods) ? Number(form.termPeriods) : null;
  const request =
    amount && term
      ? {
          productCode: product.code,
          principal: amount,
          termPeriods: term,
          frequency: form.frequency,
        }
      : null;
  const quote = useProductQuote(request, product.grades);
  const [best, worst] = quote.results;
  const money = (value: string) => formatMoney(value, product.currency);
  const error = quote.results.find((r) => r.error)?.error;
  const range = (a?: string, b?: string, fmt = money) =>
    a && b && a !== b ? `${fmt(a)} to ${fmt(b)}` : a ? fmt(a) : "—";
  return (
    <section
      className="apply-estimate"
      aria-labelledby="estimate-heading"
      aria-busy={quote.pending}
    >
      <h3 id="estimate-heading">Estimate</h3>
      {request === null ? (
        <p className="muted">
          Enter an amount and a number of payments to see the payment and APR.
        </p>
      ) : error ? (
        <p className="field__error" role="alert">
          {error instanceof ApiError && error.problem.errors?.length
            ? Object.values(error.fieldErrors).join(" ")
            : "The estimate is not available right now."}
        </p>
      ) : (
        <dl className="details" data-testid="estimate">
          <div>
            <dt>Payment</dt>
            <dd>
              {range(best?.data?.payment, (worst ?? best)?.data?.payment)}{" "}
              {FREQUENCY_LABELS[form.frequency] ?? form.frequency}
            </dd>
          </div>
          <div>
            <dt>APR</dt>
            <dd>
              {range(best?.data?.disclosure.apr, (worst ?? best)?.data?.disclosure.apr, formatRate)}
            </dd>
          </div>
        </dl>
      )}
      <p className="muted">
        An estimate from grade {quote.grades[0]}
        {quote.grades.length > 1 && ` to grade ${quote.grades[1]}`} of this product's rates. Your
        rate is set by the decision, after the credit check.
        {quote.pending && (
          <span role="status">
            {" "}
            <span className="spinner" aria-hidden="true" /> Updating…
          </span>
        )}
      </p>
    </section>
  );
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
