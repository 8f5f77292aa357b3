import { sampleProduct } from "./fixtures";
import {
  calculatorLink,
  defaultPeriods,
  definitionErrors,
  getAt,
  reshapeGrid,
  setAt,
  starterDefinition,
  unplacedErrors,
} from "./model";

describe("products model", () => {
  it("reads and writes dotted paths without touching the original", () => {
    const defn = starterDefinition();
    const next = setAt(defn, "pricing.grid.1.rates.0", "13");
    expect(getAt(next, "pricing.grid.1.rates.0")).toBe("13");
    expect(getAt(defn, "pricing.grid.1.rates.0")).toBe("12.5");
    expect(getAt(setAt(defn, "fees.origination", { kind: "flat" }), "fees.origination.kind")).toBe(
      "flat",
    );
    expect("late" in (setAt(defn, "fees.late", undefined).fees ?? {})).toBe(false);
  });

  it("keys the server's messages by their path inside the definition, as sentences", () => {
    const errors = definitionErrors([
      { field: "definition.amount.min", message: "is above the maximum (25000)" },
      { field: "definition.amount.min", message: "a second message for the same field" },
      { field: "note", message: "too long" },
    ]);
    expect(errors).toEqual({
      "amount.min": "Minimum amount is above the maximum (25000).",
      note: "Note too long.",
    });
    expect(unplacedErrors(errors, ["amount.min"])).toEqual([["note", "Note too long."]]);
  });

  it("keeps one rate per band for every grade when grades or bands change", () => {
    const defn = starterDefinition();
    const banded = reshapeGrid({
      ...defn,
      pricing: {
        ...defn.pricing,
        grades: ["A", "B", "D"],
        termBands: [{ upToMonths: 24 }, { upToMonths: 60 }],
      },
    });
    expect(banded.pricing.grid).toEqual([
      { grade: "A", rates: ["8.5", "8.5"] },
      { grade: "B", rates: ["12.5", "12.5"] },
      { grade: "D", rates: ["5", "5"] },
    ]);
  });

  it("links the representative example to the calculator and counts the default payments", () => {
    expect(calculatorLink(sampleProduct())).toBe(
      "/?amount=15000&rate=27.99&term=36&unit=payments&freq=monthly",
    );
    const defn = starterDefinition();
    expect(defaultPeriods(defn)).toBe(36);
    expect(defaultPeriods({ ...defn, frequencies: ["biweekly"] })).toBe(78);
  });
});
