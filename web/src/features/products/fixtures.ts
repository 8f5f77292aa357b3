import type { PublicProduct, VersionRead } from "./api/types";
import { starterDefinition } from "./model";

/** A published product as GET /api/products sends it. */
export function sampleProduct(): PublicProduct {
  return {
    code: "PERSONAL",
    name: "Personal loan",
    currency: "USD",
    description: "Unsecured consumer installment loan.",
    version: 1,
    amount: { min: "2000", default: "15000", max: "50000" },
    term: { minMonths: 12, defaultMonths: 36, maxMonths: 72 },
    frequencies: ["monthly", "biweekly"],
    grades: ["A", "B"],
    rateFrom: "7.99",
    rateTo: "29.99",
    example: {
      amount: "15000",
      termPeriods: 36,
      frequency: "monthly",
      annualRate: "27.99",
      payment: "620.17",
      apr: "30.42",
      financeCharge: "7776.12",
      totalOfPayments: "22326.12",
      aprFrom: "10.18",
      aprTo: "30.42",
    },
  };
}

/** A draft version as GET /api/admin/products/{code}/versions/{version} sends it. */
export function sampleDraft(problems: VersionRead["problems"] = []): VersionRead {
  return {
    productCode: "CAR",
    version: 2,
    status: "draft",
    definition: starterDefinition(),
    note: "",
    createdAt: "2026-03-01T10:00:00Z",
    createdBy: null,
    publishedAt: null,
    retiredAt: null,
    problems,
  };
}
