import { api, unwrap } from "@/lib/api/client";
import type {
  CheckReport,
  FactSet,
  PolicyDocument,
  PolicyVersionRead,
  PolicyVersionSummary,
  SimulationReport,
} from "./types";

const path = (code: string, version: number) => ({ params: { path: { code, version } } });

/** A product's credit policy versions (admin routes). */
export const policyApi = {
  versions: async (code: string): Promise<PolicyVersionSummary[]> =>
    unwrap(
      await api.GET("/api/admin/products/{code}/policy/versions", { params: { path: { code } } }),
    ),

  version: async (code: string, version: number): Promise<PolicyVersionRead> =>
    unwrap(
      await api.GET("/api/admin/products/{code}/policy/versions/{version}", path(code, version)),
    ),

  create: async (code: string, body: PolicyDocument): Promise<PolicyVersionRead> =>
    unwrap(
      await api.POST("/api/admin/products/{code}/policy/versions", {
        params: { path: { code } },
        body,
      }),
    ),

  newDraft: async (code: string, fromVersion?: number): Promise<PolicyVersionRead> =>
    unwrap(
      await api.POST("/api/admin/products/{code}/policy/drafts", {
        params: { path: { code } },
        body: { fromVersion: fromVersion ?? null },
      }),
    ),

  save: async (code: string, version: number, body: PolicyDocument): Promise<PolicyVersionRead> =>
    unwrap(
      await api.PUT("/api/admin/products/{code}/policy/versions/{version}", {
        ...path(code, version),
        body,
      }),
    ),

  check: async (code: string, version: number): Promise<CheckReport> =>
    unwrap(
      await api.POST(
        "/api/admin/products/{code}/policy/versions/{version}/check",
        path(code, version),
      ),
    ),

  simulate: async (code: string, version: number, factSets: FactSet[]): Promise<SimulationReport> =>
    unwrap(
      await api.POST("/api/admin/products/{code}/policy/versions/{version}/simulate", {
        ...path(code, version),
        body: { factSets },
      }),
    ),

  activate: async (code: string, version: number): Promise<PolicyVersionRead> =>
    unwrap(
      await api.POST(
        "/api/admin/products/{code}/policy/versions/{version}/activate",
        path(code, version),
      ),
    ),

  retire: async (code: string, version: number): Promise<PolicyVersionRead> =>
    unwrap(
      await api.POST(
        "/api/admin/products/{code}/policy/versions/{version}/retire",
        path(code, version),
      ),
    ),
};
