/** Product shapes: the generated OpenAPI types (src/lib/api/schema.gen.ts), named for this feature. */
import type { components } from "@/lib/api/schema.gen";

type Schemas = components["schemas"];
export type PublicProduct = Schemas["PublicProduct"];
export type ProductRead = Schemas["ProductRead"];
export type ProductPage = Schemas["ProductPage"];
export type ProductCreate = Schemas["ProductCreate"];
export type ProductDefinition = Schemas["ProductDefinition"];
export type VersionRead = Schemas["VersionRead"];
export type VersionSummary = Schemas["VersionSummary"];
export type VersionDiff = Schemas["VersionDiff"];
export type PreviewQuoteRequest = Schemas["PreviewQuoteRequest"];
export type Quote = Schemas["QuoteResponse"];
export type ProductFrequency = Schemas["ProductFrequency"];
export type PaymentComponent = Schemas["PaymentComponent"];
