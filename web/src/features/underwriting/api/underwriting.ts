import { api, unwrap } from "@/lib/api/client";
import type { ApplicationPage, ApplicationRead, ReviewIn, Sensitive, StaffView } from "./types";
import type { QueueQuery } from "../model";

const path = (id: string) => ({ path: { application_id: id } });

/** The staff routes of /api/applications (docs/ORIGINATION.md "Underwriting"). */
export const underwritingApi = {
  queue: async (query: QueueQuery): Promise<ApplicationPage> =>
    unwrap(await api.GET("/api/applications", { params: { query } })),

  review: async (id: string): Promise<StaffView> =>
    unwrap(await api.GET("/api/applications/{application_id}/review", { params: path(id) })),

  /** The unmasked tax id and date of birth: the server writes the view to the audit log. */
  sensitive: async (id: string): Promise<Sensitive> =>
    unwrap(await api.GET("/api/applications/{application_id}/sensitive", { params: path(id) })),

  claim: async (id: string): Promise<ApplicationRead> =>
    unwrap(await api.POST("/api/applications/{application_id}/claim", { params: path(id) })),

  release: async (id: string): Promise<ApplicationRead> =>
    unwrap(await api.POST("/api/applications/{application_id}/release", { params: path(id) })),

  decide: async (id: string, body: ReviewIn): Promise<ApplicationRead> =>
    unwrap(
      await api.POST("/api/applications/{application_id}/decision", { params: path(id), body }),
    ),

  confirmOverride: async (id: string): Promise<ApplicationRead> =>
    unwrap(
      await api.POST("/api/applications/{application_id}/override/confirm", { params: path(id) }),
    ),
};
