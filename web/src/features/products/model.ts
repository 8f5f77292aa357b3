import { fieldSentence, type FieldProblem } from "@/lib/api/problem";
import type { ProductDefinition, ProductFrequency, PublicProduct } from "./api/types";

export const FREQUENCIES: ProductFrequency[] = [
  "weekly",
  "biweekly",
  "semimonthly",
  "monthly",
  "quarterly",
  "semiannual",
  "annual",
];

/** The value at a dotted path (`pricing.grid.0.rates.1`) of a JSON document. */
export function getAt(doc: unknown, path: string): unknown {
  let node: unknown = doc;
  for (const key of path.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** A copy of `doc` with the value at a dotted path replaced (`undefined` removes an object key). */
export function setAt<T>(doc: T, path: string, value: unknown): T {
  const [head, ...rest] = path.split(".");
  if (head === undefined) return doc;
  const container: Record<string, unknown> | unknown[] = Array.isArray(doc)
    ? [...(doc as unknown[])]
    : { ...(doc as Record<string, unknown>) };
  const current = (container as Record<string, unknown>)[head];
  const next = rest.length
    ? setAt(current ?? (/^\d+$/.test(rest[0] ?? "") ? [] : {}), rest.join("."), value)
    : value;
  if (next === undefined && !Array.isArray(container)) delete container[head];
  else (container as Record<string, unknown>)[head] = next;
  return container as T;
}

/**
 * Field messages keyed by their path inside the definition: the server names them
 * `definition.amount.min` (a 422 from saving or publishing, or a draft's `problems`).
 */
export function definitionErrors(problems: readonly FieldProblem[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { field, message } of problems) {
    const path = field.startsWith("definition.") ? field.slice("definition.".length) : field;
    out[path] ??= fieldSentence(path, message);
  }
  return out;
}

/** Messages for fields the editor has no control for (shown above the form, so none is lost). */
export function unplacedErrors(
  errors: Record<string, string>,
  placed: readonly string[],
): [string, string][] {
  return Object.entries(errors).filter(([path]) => !placed.includes(path));
}

/** The calculator, prefilled with the representative example (rate and term; fees are added there). */
export function calculatorLink(product: PublicProduct): string {
  const { example } = product;
  const params = new URLSearchParams({
    amount: example.amount,
    rate: example.annualRate,
    term: String(example.termPeriods),
    unit: "payments",
    freq: example.frequency,
  });
  return `/?${params.toString()}`;
}

/** A starting definition for a new product: a 12-60 month monthly loan, three grades, no fees. */
export function starterDefinition(): ProductDefinition {
  return {
    amount: { min: "1000", default: "10000", max: "25000" },
    term: { minMonths: 12, defaultMonths: 36, maxMonths: 60 },
    frequencies: ["monthly"],
    amortization: "level-payment",
    interestMethod: "periodic",
    dayCount: "30/360",
    roundingMode: "half-up",
    oddDaysInterest: "first-installment",
    pricing: {
      floor: "5",
      ceiling: "30",
      grades: ["A", "B", "C"],
      termBands: [],
      grid: [
        { grade: "A", rates: ["8.5"] },
        { grade: "B", rates: ["12.5"] },
        { grade: "C", rates: ["18.5"] },
      ],
    },
    fees: {},
    allocation: {
      pastDue: ["fees", "interest", "principal"],
      current: ["interest", "principal", "fees"],
      overpayment: "reduce-term",
    },
    delinquency: { nonAccrualDays: 90, chargeOffDays: 120 },
    offerValidityDays: 30,
  };
}

/** The grid with one column per term band (at least one): rows follow the grades, in order. */
export function reshapeGrid(defn: ProductDefinition): ProductDefinition {
  const columns = Math.max(1, defn.pricing.termBands?.length ?? 0);
  const byGrade = new Map(defn.pricing.grid.map((row) => [row.grade, row.rates]));
  const grid = defn.pricing.grades.map((grade) => {
    const rates = [...(byGrade.get(grade) ?? [])].slice(0, columns);
    while (rates.length < columns) rates.push(rates[rates.length - 1] ?? defn.pricing.floor);
    return { grade, rates };
  });
  return { ...defn, pricing: { ...defn.pricing, grid } };
}

/** The number of payments of the default term at the first frequency (what the preview starts with). */
export function defaultPeriods(defn: ProductDefinition): number {
  const perYear: Record<ProductFrequency, number> = {
    weekly: 52,
    biweekly: 26,
    semimonthly: 24,
    monthly: 12,
    quarterly: 4,
    semiannual: 2,
    annual: 1,
  };
  const first = defn.frequencies[0] ?? "monthly";
  return Math.max(1, Math.round((defn.term.defaultMonths * perYear[first]) / 12));
}

/** The paths this form has a control for; any other message is listed above the form. */
export const PLACED_PATHS = [
  "amount.min",
  "amount.default",
  "amount.max",
  "term.minMonths",
  "term.defaultMonths",
  "term.maxMonths",
  "frequencies",
  "amortization",
  "interestMethod",
  "dayCount",
  "roundingMode",
  "installmentMultiple",
  "pricing.floor",
  "pricing.ceiling",
  "pricing.grades",
  "pricing.termBands",
  "pricing.grid",
  "fees.origination",
  "fees.origination.amount",
  "fees.origination.percent",
  "fees.origination.min",
  "fees.origination.max",
  "fees.late.amount",
  "fees.late.percent",
  "fees.late.cap",
  "fees.late.graceDays",
  "allocation.pastDue",
  "allocation.current",
  "delinquency.nonAccrualDays",
  "delinquency.chargeOffDays",
  "offerValidityDays",
];
