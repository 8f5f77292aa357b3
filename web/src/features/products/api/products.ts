import { api, unwrap } from "@/lib/api/client";
import type {
  PreviewQuoteRequest,
  ProductCreate,
  ProductDefinition,
  ProductPage,
  ProductRead,
  PublicProduct,
  Quote,
  VersionDiff,
  VersionRead,
} from "./types";

/** The public catalog and the admin product routes (src/lib/api/schema.gen.ts has their shapes). */
export const productsApi = {
  onOffer: async (): Promise<PublicProduct[]> => unwrap(await api.GET("/api/products")),

  list: async (cursor?: string): Promise<ProductPage> =>
    unwrap(await api.GET("/api/admin/products", { params: { query: { cursor, limit: 100 } } })),

  get: async (code: string): Promise<ProductRead> =>
    unwrap(await api.GET("/api/admin/products/{code}", { params: { path: { code } } })),

  create: async (body: ProductCreate): Promise<ProductRead> =>
    unwrap(await api.POST("/api/admin/products", { body })),

  version: async (code: string, version: number): Promise<VersionRead> =>
    unwrap(
      await api.GET("/api/admin/products/{code}/versions/{version}", {
        params: { path: { code, version } },
      }),
    ),

  newDraft: async (code: string, fromVersion?: number): Promise<VersionRead> =>
    unwrap(
      await api.POST("/api/admin/products/{code}/versions", {
        params: { path: { code } },
        body: { fromVersion: fromVersion ?? null },
      }),
    ),

  saveDraft: async (
    code: string,
    version: number,
    definition: ProductDefinition,
    note: string,
  ): Promise<VersionRead> =>
    unwrap(
      await api.PUT("/api/admin/products/{code}/versions/{version}", {
        params: { path: { code, version } },
        body: { definition, note },
      }),
    ),

  publish: async (code: string, version: number): Promise<VersionRead> =>
    unwrap(
      await api.POST("/api/admin/products/{code}/versions/{version}/publish", {
        params: { path: { code, version } },
      }),
    ),

  retire: async (code: string, version: number): Promise<VersionRead> =>
    unwrap(
      await api.POST("/api/admin/products/{code}/versions/{version}/retire", {
        params: { path: { code, version } },
      }),
    ),

  diff: async (code: string, from: number, to: number): Promise<VersionDiff> =>
    unwrap(
      await api.GET("/api/admin/products/{code}/diff", {
        params: { path: { code }, query: { from, to } },
      }),
    ),

  preview: async (body: PreviewQuoteRequest, signal?: AbortSignal): Promise<Quote> =>
    unwrap(await api.POST("/api/admin/products/quote-preview", { body, signal })),
};
