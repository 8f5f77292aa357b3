import { useQuery } from "@tanstack/react-query";
import { Link, Navigate, useNavigate, useParams, useSearchParams } from "react-router";
import { formatDate, formatMoney } from "@/lib/format";
import { Loading } from "@/lib/ui/Loading";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { usePageTitle } from "@/lib/ui/usePageTitle";
import { applicationsApi } from "../api/applications";
import type { Application, PublicProduct } from "../api/types";
import { applicationKey } from "../hooks/applicationCache";
import { isStep, resumeStep, stepIndex, STEPS, type StepId } from "../model";
import { ConsentsStep } from "./steps/ConsentsStep";
import { HousingStep } from "./steps/HousingStep";
import { IdentityStep } from "./steps/IdentityStep";
import { IncomeStep } from "./steps/IncomeStep";
import { LoanStep } from "./steps/LoanStep";
import { ReviewStep } from "./steps/ReviewStep";
import "./applications.css";

/**
 * The apply wizard. `/apply` starts a new application (its first step creates the draft);
 * `/apply/:id?step=…` continues one. Every step is saved on the server, so leaving and coming back
 * (another day, another device) resumes at the first step still missing.
 */
export default function ApplyPage() {
  usePageTitle("Apply for a loan");
  const { id } = useParams();
  const products = useQuery({
    queryKey: ["products", "on-offer"],
    queryFn: applicationsApi.products,
  });
  const app = useQuery({
    queryKey: applicationKey(id ?? ""),
    queryFn: () => applicationsApi.get(id as string),
    enabled: Boolean(id),
  });

  if (id && app.data && app.data.status !== "draft") {
    return <Navigate to={`/applications/${id}`} replace />;
  }
  const loading = products.isPending || (Boolean(id) && app.isPending);
  return (
    <div className="apply">
      <header className="page-header">
        <h1>Apply for a loan</h1>
        <p>Six short steps. Each is saved as you go: you can leave and continue later.</p>
      </header>
      <ProblemAlert error={products.error ?? app.error} />
      {loading && <Loading />}
      {!id && <Drafts />}
      {products.data?.length === 0 && <p className="muted">No products are on offer right now.</p>}
      {products.data && products.data.length > 0 && (!id || app.data) && (
        <Wizard app={app.data} products={products.data} />
      )}
    </div>
  );
}

function Wizard({ app, products }: { app: Application | undefined; products: PublicProduct[] }) {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const asked = params.get("step");
  const step: StepId = !app ? "loan" : isStep(asked) ? asked : resumeStep(app);
  const editLink = (to: StepId) => `/apply/${app?.id ?? ""}?step=${to}`;
  const next = (saved: Application) => {
    const after = STEPS[stepIndex(step) + 1]?.id ?? "review";
    navigate(`/apply/${saved.id}?step=${after}`);
  };

  return (
    <div className="apply__layout">
      <nav aria-label="Application steps" className="apply-steps">
        <ol>
          {STEPS.map((s, i) => {
            const current = s.id === step;
            const label = (
              <>
                <span className="apply-steps__number" aria-hidden="true">
                  {i + 1}
                </span>{" "}
                {s.label}
              </>
            );
            return (
              <li
                key={s.id}
                className={current ? "apply-steps__item is-current" : "apply-steps__item"}
              >
                {app && !current ? (
                  <Link to={editLink(s.id)}>{label}</Link>
                ) : (
                  <span aria-current={current ? "step" : undefined}>{label}</span>
                )}
              </li>
            );
          })}
        </ol>
      </nav>
      {/* A step's form is keyed by the application's save time, so it starts from what was saved. */}
      <div key={`${step}-${app?.updatedAt ?? "new"}`}>
        {step === "loan" && <LoanStep app={app} products={products} onSaved={next} />}
        {app && step === "identity" && <IdentityStep app={app} onSaved={next} />}
        {app && step === "income" && <IncomeStep app={app} onSaved={next} />}
        {app && step === "housing" && <HousingStep app={app} onSaved={next} />}
        {app && step === "consents" && <ConsentsStep app={app} onSaved={next} />}
        {app && step === "review" && (
          <ReviewStep
            app={app}
            editLink={editLink}
            onSubmitted={(done) => navigate(`/applications/${done.id}`)}
          />
        )}
      </div>
    </div>
  );
}

/** The drafts already started, to continue instead of starting again. */
function Drafts() {
  const list = useQuery({
    queryKey: ["applications", "list", "drafts"],
    queryFn: () => applicationsApi.list(),
  });
  const drafts = list.data?.items.filter((a) => a.status === "draft") ?? [];
  if (drafts.length === 0) return null;
  return (
    <section className="card" aria-labelledby="drafts-heading">
      <h2 id="drafts-heading">Continue an application</h2>
      <ul className="apply-drafts">
        {drafts.map((d) => (
          <li key={d.id}>
            <Link to={`/apply/${d.id}`}>
              {d.productCode ?? "Application"}
              {d.amount ? ` for ${formatMoney(d.amount)}` : ""}, started{" "}
              {formatDate(d.createdAt.slice(0, 10))}
            </Link>
          </li>
        ))}
      </ul>
      <p className="muted">Or start a new one below.</p>
    </section>
  );
}
