import {
  defaultForm,
  fromSearchParams,
  termPeriods,
  toRequest,
  toSearchParams,
  validate,
} from "./model";

describe("calculator model", () => {
  it("defaults to a 360-month monthly level-payment loan, the term in months", () => {
    const form = defaultForm("2026-01-15");
    expect(form.termUnit).toBe("months");
    expect(toRequest(form)).toEqual({
      principal: "250000",
      annualRate: "6.5",
      termPeriods: 360,
      frequency: "monthly",
      amortization: "level-payment",
      startDate: "2026-01-15",
    });
  });

  it("round-trips every input through the URL", () => {
    const form = {
      ...defaultForm("2026-01-15"),
      principal: "12000",
      annualRate: "9.99",
      term: "36",
      termUnit: "payments" as const,
      frequency: "biweekly" as const,
      amortization: "balloon" as const,
      balloonAmount: "5000",
      firstPaymentDate: "2026-02-20",
      fees: [
        { name: "Origination", amount: "250", financed: true },
        { name: "Doc~fee", amount: "75.50", financed: false },
      ],
      dayCount: "actual/365" as const,
      interestMethod: "daily" as const,
      roundingMode: "half-even" as const,
      oddDaysInterest: "prepaid" as const,
    };
    const back = fromSearchParams(
      new URLSearchParams(toSearchParams(form).toString()),
      "2000-01-01",
    );
    expect(back).toEqual({ ...form, fees: [form.fees[0], { ...form.fees[1], name: "Doc fee" }] });
  });

  it("always writes the unit, and reads a link without one as years (how links once were)", () => {
    expect(toSearchParams(defaultForm("2026-01-15")).get("unit")).toBe("months");
    expect(fromSearchParams(new URLSearchParams("term=30"), "2026-01-15")).toMatchObject({
      term: "30",
      termUnit: "years",
    });
    expect(fromSearchParams(new URLSearchParams(""), "2026-01-15").termUnit).toBe("months");
    expect(fromSearchParams(new URLSearchParams("term=60&unit=months")).termUnit).toBe("months");
  });

  it("ignores unknown values in a hand-edited URL", () => {
    const form = fromSearchParams(
      new URLSearchParams("freq=fortnightly&type=magic&days=1/1"),
      "2026-01-15",
    );
    expect(form.frequency).toBe("monthly");
    expect(form.amortization).toBe("level-payment");
    expect(form.dayCount).toBe("");
  });

  it("converts a term in months or years with the payment frequency", () => {
    const form = defaultForm("2026-01-15");
    expect(termPeriods({ ...form, term: "60" })).toBe(60);
    expect(termPeriods({ ...form, term: "60", frequency: "weekly" })).toBe(260);
    expect(termPeriods({ ...form, term: "7", frequency: "quarterly" })).toBeNull();
    expect(termPeriods({ ...form, term: "6.5" })).toBeNull();
    expect(validate({ ...form, term: "6.5" }).termPeriods).toMatch(/whole months/);
    expect(termPeriods({ ...form, term: "5", termUnit: "years", frequency: "biweekly" })).toBe(130);
    expect(termPeriods({ ...form, term: "2.5", termUnit: "years", frequency: "quarterly" })).toBe(
      10,
    );
    expect(
      termPeriods({ ...form, term: "1.3", termUnit: "years", frequency: "annual" }),
    ).toBeNull();
    expect(termPeriods({ ...form, term: "360", termUnit: "payments" })).toBe(360);
  });

  it("accepts what people type around numbers", () => {
    const request = toRequest({
      ...defaultForm("2026-01-15"),
      principal: "$250,000.00",
      annualRate: "6.5 %",
    });
    expect(request?.principal).toBe("250000.00");
    expect(request?.annualRate).toBe("6.5");
  });

  it("reports shape errors by the API's field paths and sends nothing", () => {
    const form = {
      ...defaultForm("2026-01-15"),
      principal: "lots",
      term: "",
      fees: [{ name: "", amount: "x", financed: false }],
    };
    expect(validate(form)).toEqual({
      principal: "Enter an amount, like 250000.",
      termPeriods: expect.stringContaining("term in whole months"),
      "fees.0.name": "Name this fee.",
      "fees.0.amount": "Enter an amount.",
    });
    expect(toRequest(form)).toBeNull();
  });

  it("asks for the balloon amount only for balloon loans", () => {
    const form = { ...defaultForm("2026-01-15"), amortization: "balloon" as const };
    expect(validate(form).balloonAmount).toBe("Enter the balloon amount.");
    expect(validate({ ...form, amortization: "interest-only" }).balloonAmount).toBeUndefined();
  });
});

describe("a comma that is not a thousands separator", () => {
  it("is an error at the field, never dropped", () => {
    const form = { ...defaultForm("2026-01-01"), annualRate: "7,9", principal: "25000,50" };
    const errors = validate(form);
    expect(errors.annualRate).toMatch(/rate/);
    expect(errors.principal).toMatch(/amount/);
    expect(toRequest(form)).toBeNull();
  });
});
