/** Application shapes: the generated OpenAPI types (src/lib/api/schema.gen.ts), named for this feature. */
import type { components } from "@/lib/api/schema.gen";

type Schemas = components["schemas"];
export type Application = Schemas["ApplicationRead"];
export type ApplicationSummary = Schemas["ApplicationSummary"];
export type ApplicationPage = Schemas["ApplicationPage"];
export type ApplicationStatus = Schemas["ApplicationStatus"];
export type DraftSections = Schemas["DraftSections"];
export type LoanRequest = Schemas["LoanRequestIn"];
export type IdentityIn = Schemas["IdentityIn"];
export type IncomeIn = Schemas["IncomeIn"];
export type HousingIn = Schemas["HousingIn"];
export type EmploymentStatus = Schemas["EmploymentStatus"];
export type Offer = Schemas["OfferOut"];
export type Notice = Schemas["NoticeOut"];
export type AcceptIn = Schemas["AcceptIn"];
export type PublicProduct = Schemas["PublicProduct"];
export type ProductQuoteRequest = Schemas["ProductQuoteRequest"];
export type QuoteResponse = Schemas["QuoteResponse"];
