import { api, unwrap, unwrapFile } from "@/lib/api/client";
import type { Quote, QuoteRequest } from "./types";

/** Price a loan: payment, full schedule, totals and the Truth-in-Lending disclosure. */
export async function fetchQuote(body: QuoteRequest, signal?: AbortSignal): Promise<Quote> {
  performance.mark("quote:request");
  // The route also answers CSV, but only when asked (fetchQuoteCsv); this call asks for JSON.
  const result = await api.POST("/api/quotes", {
    body,
    signal,
    headers: { Accept: "application/json" },
  });
  return unwrap(result) as Quote;
}

/** The same quote's schedule as CSV (the API renders it from the same inputs). */
export async function fetchQuoteCsv(body: QuoteRequest): Promise<{ blob: Blob; filename: string }> {
  const result = await api.POST("/api/quotes", {
    body,
    headers: { Accept: "text/csv" },
    parseAs: "blob",
  });
  return unwrapFile(result, "loan-schedule.csv");
}
