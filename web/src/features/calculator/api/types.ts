/**
 * Quote shapes. Requests and responses are the generated OpenAPI types (src/lib/api/schema.gen.ts);
 * the unions below are the choices the calculator offers, checked against them by the compiler.
 */
import type { components } from "@/lib/api/schema.gen";

type Schemas = components["schemas"];
export type QuoteRequest = Schemas["QuoteRequest"];
export type Quote = Schemas["QuoteResponse"];
export type ScheduleRow = Schemas["Row"];
// The calculator does not ask whether a fee is a finance charge yet: it is one (the API's default).
export type FeeInput = Required<Omit<Schemas["FeeIn"], "financeCharge">>;

export type Frequency =
  "weekly" | "biweekly" | "semimonthly" | "monthly" | "quarterly" | "semiannual" | "annual";
export type Amortization = NonNullable<QuoteRequest["amortization"]>;
export type InterestMethod = NonNullable<QuoteRequest["interestMethod"]>;
export type DayCount = NonNullable<QuoteRequest["dayCount"]>;
export type RoundingMode = NonNullable<QuoteRequest["roundingMode"]>;
export type OddDaysInterest = NonNullable<QuoteRequest["oddDaysInterest"]>;
