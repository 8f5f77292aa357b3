import { lazy, Suspense, useDeferredValue, useEffect, useMemo, useRef, useState } from "react";
import { useSearchParams } from "react-router";
import { ApiError } from "@/lib/api/problem";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { usePageTitle } from "@/lib/ui/usePageTitle";
import type { Quote } from "../api/types";
import { useQuote } from "../hooks/useQuote";
import {
  FIELD_LABELS,
  FREQUENCIES,
  fromSearchParams,
  toRequest,
  toSearchParams,
  validate,
  type CalculatorForm,
} from "../model";
import { CsvDownloadButton } from "./CsvDownloadButton";
import { QuoteForm } from "./QuoteForm";
import { QuotePeek } from "./QuotePeek";
import { QuoteSummary } from "./QuoteSummary";
import { ScheduleTable } from "./ScheduleTable";
import "./calculator.css";

// recharts is the heaviest dependency: it loads after the form and the figures are on screen.
const QuoteCharts = lazy(() => import("./QuoteCharts"));

export default function CalculatorPage() {
  usePageTitle("Loan calculator");
  const [searchParams, setSearchParams] = useSearchParams();
  const [form, setForm] = useState<CalculatorForm>(() => fromSearchParams(searchParams));

  // Keep the inputs in the URL (replacing, not pushing) so the address always shares this quote.
  useEffect(() => {
    setSearchParams(toSearchParams(form), { replace: true, preventScrollReset: true });
  }, [form, setSearchParams]);

  useEffect(() => {
    performance.mark("calculator:interactive");
  }, []);

  const clientErrors = useMemo(() => validate(form), [form]);
  const request = useMemo(() => toRequest(form), [form]);
  const quote = useQuote(request);
  // The last quote the API gave stays on screen (dimmed, marked out of date) when the next one
  // fails: an answer of 422 or 500 has no data, and a blank column reads as "nothing to show".
  const [lastQuote, setLastQuote] = useState<Quote | undefined>(undefined);
  if (quote.data && quote.data !== lastQuote) setLastQuote(quote.data);
  const shown = quote.data ?? lastQuote;
  const currency = shown?.currency ?? "USD";
  // Charts redraw in a deferred, interruptible render: the figures and keystrokes come first.
  const chartSchedule = useDeferredValue(shown?.schedule);

  const serverProblem = !quote.pending && quote.error ? quote.error : null;
  const serverFieldErrors =
    serverProblem instanceof ApiError && request ? serverProblem.fieldErrorsWith(FIELD_LABELS) : {};
  const knownFields = new Set(Object.keys(form).concat("termPeriods"));
  const unplaced = Object.keys(serverFieldErrors).filter(
    (f) => !knownFields.has(f.split(".")[0] ?? f),
  );
  const errors = { ...serverFieldErrors, ...clientErrors };
  const showProblem =
    serverProblem &&
    (!(serverProblem instanceof ApiError) ||
      !serverProblem.problem.errors?.length ||
      unplaced.length > 0);

  const lastRendered = useRef<unknown>(null);
  useEffect(() => {
    if (!quote.data || quote.data === lastRendered.current) return;
    lastRendered.current = quote.data;
    performance.mark("quote:rendered");
    if (performance.getEntriesByName("quote:request", "mark").length) {
      performance.measure("quote:roundtrip", "quote:request", "quote:rendered");
    }
  }, [quote.data]);

  const frequencyLabel = FREQUENCIES.find((f) => f.value === form.frequency)?.label ?? "Monthly";
  // Out of date: the figures are for terms the form no longer says (a field error, or the API
  // refused or failed). Merely loading the next quote only dims them.
  const outOfDate = Object.keys(clientErrors).length > 0 || !!serverProblem;
  const stale = quote.isPlaceholderData || outOfDate;

  return (
    <div className="calculator">
      <header className="page-header">
        <h1>Loan calculator</h1>
        <p>
          See the payment, the annual percentage rate and the full schedule for a loan. Figures
          update as you type and follow Regulation Z; share the page address to share the quote.
        </p>
      </header>
      <div className="calculator__layout">
        <QuoteForm
          form={form}
          errors={errors}
          onChange={(patch) => setForm((f) => ({ ...f, ...patch }))}
        />
        {shown && (
          <QuotePeek
            quote={shown}
            currency={currency}
            frequencyLabel={frequencyLabel}
            outOfDate={outOfDate}
          />
        )}
        <div className="calculator__results" aria-busy={quote.pending}>
          <p className="visually-hidden" role="status" aria-live="polite">
            {quote.pending ? "Updating the quote…" : quote.data ? "Quote updated." : ""}
          </p>
          {showProblem && (
            <ProblemAlert error={serverProblem} title="We couldn't price this loan" />
          )}
          {!showProblem && serverProblem && (
            <div className="alert alert--error" role="alert">
              <p className="alert__title">Please check the highlighted fields.</p>
            </div>
          )}
          {shown && outOfDate && (
            <p className="results__out-of-date" data-testid="out-of-date">
              <strong>Out of date.</strong> The figures below are for the last loan terms we could
              price, not for what the form says now.
            </p>
          )}
          {shown ? (
            <div
              className={stale ? "results results--stale" : "results"}
              data-stale={outOfDate ? "out-of-date" : undefined}
            >
              <QuoteSummary
                quote={shown}
                currency={currency}
                periods={shown.schedule.length}
                frequencyLabel={frequencyLabel}
              />
              <Suspense fallback={<div className="card chart-placeholder" aria-hidden="true" />}>
                <QuoteCharts schedule={chartSchedule ?? shown.schedule} currency={currency} />
              </Suspense>
              <ScheduleTable
                schedule={shown.schedule}
                currency={currency}
                actions={<CsvDownloadButton request={request} />}
              />
            </div>
          ) : (
            !serverProblem && (
              <div className="card results-empty">
                {quote.pending ? (
                  <p>
                    <span className="spinner" aria-hidden="true" /> Pricing your loan…
                  </p>
                ) : (
                  <p className="muted">Enter the loan terms to see a quote.</p>
                )}
              </div>
            )
          )}
        </div>
      </div>
    </div>
  );
}
