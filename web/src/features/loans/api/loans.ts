import { api, unwrap } from "@/lib/api/client";
import type {
  JournalPage,
  LoanPage,
  LoanRead,
  LoanStatus,
  Payoff,
  PostingResult,
  TransactionCreate,
  TransactionPage,
} from "./types";

export type LoanFilters = { status?: LoanStatus; productCode?: string; borrowerEmail?: string };

/**
 * The loan routes. Money-moving calls take the Idempotency-Key of the intended request: the caller
 * keeps one key per submission, so a retry after a timeout posts nothing twice (docs/IDEMPOTENCY.md).
 */
export const loansApi = {
  // The list also answers CSV (Accept: text/csv); this asks for JSON.
  list: async (filters: LoanFilters, cursor?: string): Promise<LoanPage> =>
    unwrap(
      await api.GET("/api/loans", {
        params: { query: { ...filters, cursor, limit: 50 } },
        headers: { Accept: "application/json" },
      }),
    ) as LoanPage,

  get: async (id: string): Promise<LoanRead> =>
    unwrap(await api.GET("/api/loans/{loan_id}", { params: { path: { loan_id: id } } })),

  transactions: async (id: string, cursor?: string): Promise<TransactionPage> =>
    unwrap(
      await api.GET("/api/loans/{loan_id}/transactions", {
        params: { path: { loan_id: id }, query: { cursor, limit: 50 } },
      }),
    ),

  journal: async (id: string, cursor?: string): Promise<JournalPage> =>
    unwrap(
      await api.GET("/api/loans/{loan_id}/journal", {
        params: { path: { loan_id: id }, query: { cursor, limit: 100 } },
      }),
    ),

  payoff: async (id: string, date: string): Promise<Payoff> =>
    unwrap(
      await api.GET("/api/loans/{loan_id}/payoff", {
        params: { path: { loan_id: id }, query: { date } },
      }),
    ),

  post: async (id: string, body: TransactionCreate, key: string): Promise<PostingResult> =>
    unwrap(
      await api.POST("/api/loans/{loan_id}/transactions", {
        params: { path: { loan_id: id }, header: { "Idempotency-Key": key } },
        body,
      }),
    ),

  disburse: async (id: string, reason: string, key: string): Promise<PostingResult> =>
    unwrap(
      await api.POST("/api/loans/{loan_id}/disbursement", {
        params: { path: { loan_id: id }, header: { "Idempotency-Key": key } },
        body: { reason },
      }),
    ),
};
