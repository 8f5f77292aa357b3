import { actionErrors, formKinds, kindLabel, needsAmount } from "./model";

describe("the staff actions form", () => {
  it("offers only the kinds the API allows, in a fixed order", () => {
    expect(formKinds(["write_off", "payment", "payment_reversal", "fee_charge"])).toEqual([
      "payment",
      "fee_charge",
      "write_off",
    ]);
    expect(formKinds([])).toEqual([]);
  });

  it("asks for an amount except for a write-off or a cancellation", () => {
    expect(needsAmount("payment")).toBe(true);
    expect(needsAmount("write_off")).toBe(false);
    expect(needsAmount("cancellation")).toBe(false);
  });

  it("checks the amount, the date and the reason before sending", () => {
    const form = { kind: "fee_waiver", amount: "7,9", valueDate: "", reason: " " };
    expect(Object.keys(actionErrors(form, true)).sort()).toEqual(["amount", "reason", "valueDate"]);
    expect(actionErrors({ ...form, amount: "10", valueDate: "2026-12-01" }, false)).toEqual({});
    expect(
      actionErrors({ kind: "write_off", amount: "", valueDate: "2026-12-01", reason: "x" }, true),
    ).toEqual({});
  });

  it("labels every kind, and names an unknown one as it is", () => {
    expect(kindLabel("payment_reversal")).toBe("Payment reversal");
    expect(kindLabel("something_new")).toBe("something_new");
  });
});
