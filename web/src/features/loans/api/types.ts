/** Loan shapes: the generated OpenAPI types (src/lib/api/schema.gen.ts), named for this feature. */
import type { components } from "@/lib/api/schema.gen";

type Schemas = components["schemas"];
export type LoanSummary = Schemas["LoanSummary"];
export type LoanRead = Schemas["LoanRead"];
export type LoanPage = Schemas["LoanPage"];
export type LoanStatus = Schemas["LoanStatus"];
export type Installment = Schemas["InstallmentRead"];
export type Transaction = Schemas["TransactionRead"];
export type TransactionPage = Schemas["TransactionPage"];
export type TransactionCreate = Schemas["TransactionCreate"];
export type TransactionKind = Schemas["TransactionKind"];
export type PostingResult = Schemas["PostingResult"];
export type Payoff = Schemas["PayoffRead"];
export type Journal = Schemas["JournalRead"];
export type JournalPage = Schemas["JournalPage"];
