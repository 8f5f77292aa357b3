import { api, unwrap, unwrapFile } from "@/lib/api/client";
import type {
  AcceptIn,
  Application,
  ApplicationPage,
  DraftSections,
  Notice,
  ProductQuoteRequest,
  PublicProduct,
  QuoteResponse,
} from "./types";

const path = (id: string) => ({ path: { application_id: id } });

/**
 * The borrower's application routes (docs/ORIGINATION.md). Submitting and accepting take the
 * Idempotency-Key of the intended request: the caller keeps one per submission, so a retry after a
 * timeout decides or books nothing twice (docs/IDEMPOTENCY.md).
 */
export const applicationsApi = {
  list: async (cursor?: string): Promise<ApplicationPage> =>
    unwrap(await api.GET("/api/applications", { params: { query: { cursor, limit: 50 } } })),

  get: async (id: string): Promise<Application> =>
    unwrap(await api.GET("/api/applications/{application_id}", { params: path(id) })),

  /** Start a draft with its first step already in it. */
  create: async (sections: DraftSections): Promise<Application> =>
    unwrap(await api.POST("/api/applications", { body: sections })),

  /** Save a step: the sections sent replace the stored ones, the others stay. */
  save: async (id: string, sections: DraftSections): Promise<Application> =>
    unwrap(
      await api.PATCH("/api/applications/{application_id}", { params: path(id), body: sections }),
    ),

  submit: async (id: string, key: string): Promise<Application> =>
    unwrap(
      await api.POST("/api/applications/{application_id}/submit", {
        params: { ...path(id), header: { "Idempotency-Key": key } },
      }),
    ),

  withdraw: async (id: string): Promise<Application> =>
    unwrap(await api.POST("/api/applications/{application_id}/withdraw", { params: path(id) })),

  accept: async (id: string, body: AcceptIn, key: string): Promise<Application> =>
    unwrap(
      await api.POST("/api/applications/{application_id}/accept", {
        params: { ...path(id), header: { "Idempotency-Key": key } },
        body,
      }),
    ),

  notice: async (id: string): Promise<Notice> =>
    unwrap(await api.GET("/api/applications/{application_id}/notice", { params: path(id) })),

  /** The notice as the PDF the server renders (fetched with the session, so it is a blob). */
  noticePdf: async (id: string): Promise<{ blob: Blob; filename: string }> => {
    const result = await api.GET("/api/applications/{application_id}/notice.pdf", {
      params: path(id),
      parseAs: "blob",
    });
    return unwrapFile(result, `notice-${id}.pdf`);
  },

  products: async (): Promise<PublicProduct[]> => unwrap(await api.GET("/api/products")),

  /** A product's price for a grade (rate from its grid, its fees): the wizard's live estimate. */
  quote: async (body: ProductQuoteRequest, signal?: AbortSignal): Promise<QuoteResponse> =>
    unwrap(
      await api.POST("/api/quotes/product", {
        body,
        signal,
        headers: { Accept: "application/json" },
      }),
    ) as QuoteResponse,
};
