/** Application shapes for the staff pages: the generated OpenAPI types (src/lib/api/schema.gen.ts). */
import type { components } from "@/lib/api/schema.gen";

type Schemas = components["schemas"];
export type ApplicationStatus = Schemas["ApplicationStatus"];
export type ApplicationSummary = Schemas["ApplicationSummary"];
export type ApplicationPage = Schemas["ApplicationPage"];
export type ApplicationRead = Schemas["ApplicationRead"];
export type StaffView = Schemas["StaffView"];
export type StaffPerson = Schemas["StaffPerson"];
export type TraceNode = Schemas["TraceNode"];
export type CreditReport = Schemas["CreditReportOut"];
export type DecisionReason = Schemas["DecisionReason"];
export type Sensitive = Schemas["SensitiveRead"];
export type ReviewIn = Schemas["ReviewIn"];
export type Offer = Schemas["OfferOut"];
