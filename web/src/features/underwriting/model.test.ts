import {
  DEFAULT_FILTERS,
  ageLabel,
  decisionBody,
  decisionErrors,
  factGroups,
  filtersFromSearch,
  filtersToSearch,
  formatDuration,
  formatFact,
  queueQuery,
  traceSteps,
} from "./model";

describe("the queue filters", () => {
  it("open on referred applications, anyone's, any age", () => {
    expect(filtersFromSearch(new URLSearchParams())).toEqual(DEFAULT_FILTERS);
    expect(queueQuery(DEFAULT_FILTERS)).toEqual({ status: "referred", limit: 50 });
    expect(filtersToSearch(DEFAULT_FILTERS).toString()).toBe("");
  });

  it("map to the list route's query: mine is me, not claimed is none", () => {
    const filters = {
      status: "declined" as const,
      productCode: "PERSONAL",
      minAgeHours: 24,
      assignee: "mine" as const,
    };
    expect(queueQuery(filters, "abc")).toEqual({
      status: "declined",
      productCode: "PERSONAL",
      minAgeHours: 24,
      assignee: "me",
      cursor: "abc",
      limit: 50,
    });
    expect(queueQuery({ ...DEFAULT_FILTERS, status: "", assignee: "unassigned" })).toEqual({
      assignee: "none",
      limit: 50,
    });
  });

  it("round-trip through the URL, any status included", () => {
    const filters = {
      status: "" as const,
      productCode: "AUTO",
      minAgeHours: 72,
      assignee: "unassigned" as const,
    };
    const search = filtersToSearch(filters);
    expect(search.toString()).toBe("status=any&product=AUTO&age=72&assignee=unassigned");
    expect(filtersFromSearch(search)).toEqual(filters);
  });

  it("read a mangled URL as the defaults, field by field", () => {
    const search = new URLSearchParams("status=nonsense&age=5&assignee=them&product= auto ");
    expect(filtersFromSearch(search)).toEqual({ ...DEFAULT_FILTERS, productCode: "AUTO" });
  });

  it("say how old an application is", () => {
    const now = new Date("2026-12-04T12:00:00Z");
    expect(ageLabel("2026-12-04T11:35:00Z", now)).toBe("25 min");
    expect(ageLabel("2026-12-04T09:00:00Z", now)).toBe("3 h");
    expect(ageLabel("2026-12-01T12:00:00Z", now)).toBe("3 days");
  });
});

const TRACE = [
  { node: "Facts", kind: "input", output: null, duration: "10.6µs" },
  { node: "Affordability", kind: "expressions", output: { maxAmount: 36000 }, duration: "41.9µs" },
  {
    node: "Declines and referrals",
    kind: "rules",
    output: [
      {
        rule: "One or two delinquencies in 24 months",
        read: { "credit.delinquencies24m": 2, "derived.debtToIncome": 27.07 },
      },
    ],
    duration: "324.1µs",
  },
  { node: "Risk grade", kind: "rules", output: [], duration: null },
  {
    node: "Decision out",
    kind: "output",
    output: { grade: "D", reasons: ["DELINQUENT_CREDIT"], decision: "refer", maxAmount: 36000 },
    duration: "2.3µs",
  },
];
const REASONS = [
  { code: "DELINQUENT_CREDIT", text: "Delinquent past or present credit obligations with others" },
];

describe("the decision trace", () => {
  it("is one step per node, in order, with its time", () => {
    const steps = traceSteps(TRACE, REASONS);
    expect(steps.map((s) => [s.step, s.node, s.duration])).toEqual([
      [1, "Facts", "10.6 µs"],
      [2, "Affordability", "41.9 µs"],
      [3, "Declines and referrals", "324.1 µs"],
      [4, "Risk grade", "—"],
      [5, "Decision out", "2.3 µs"],
    ]);
  });

  it("shows each matched rule with the facts it read, by their labels", () => {
    const [, , rules, none] = traceSteps(TRACE, REASONS);
    expect(rules?.rows).toEqual([
      {
        label: "One or two delinquencies in 24 months",
        value: "Matched",
        detail: "Delinquencies in 24 months 2 · Debt-to-income, with the new payment 27.07 %",
      },
    ]);
    expect(none?.rows).toEqual([{ label: "No rule matched", value: "—" }]);
  });

  it("spells out the outcome: the decision, the reasons in Regulation B wording, money", () => {
    const out = traceSteps(TRACE, REASONS)[4];
    expect(out?.rows).toEqual([
      { label: "Grade", value: "D" },
      { label: "Reasons", value: "Delinquent past or present credit obligations with others" },
      { label: "Decision", value: "Refer to an underwriter" },
      { label: "Maximum amount", value: "$36,000.00" },
    ]);
    expect(traceSteps(TRACE)[4]?.rows[1]?.value).toBe("DELINQUENT_CREDIT");
  });

  it("labels the facts by group, in the facts table's order, with units", () => {
    const groups = factGroups({
      derived: { debtToIncome: "27.07", newPayment: "274.42" },
      credit: { score: null, fraudAlert: false, monthsSinceBankruptcy: null, newThing: 3 },
      application: { requestedAmount: "5000.0000", employmentStatus: "self-employed" },
    });
    expect(groups.map((g) => g.title)).toEqual([
      "What the applicant stated",
      "What the sandbox bureau reported",
      "Derived before evaluation",
    ]);
    expect(groups[0]?.rows.map((r) => [r.label, r.value])).toEqual([
      ["Employment", "Self-employed"],
      ["Amount requested", "$5,000.00"],
    ]);
    expect(groups[1]?.rows.map((r) => [r.label, r.value])).toEqual([
      ["Credit score", "No score (file too thin)"],
      ["Fraud alert on file", "No"],
      ["Months since bankruptcy", "—"],
      ["New thing", "3"],
    ]);
    expect(groups[2]?.rows.map((r) => r.label)).toEqual([
      "New loan's payment (monthly)",
      "Debt-to-income, with the new payment",
    ]);
    expect(factGroups(null)).toEqual([]);
  });

  it("formats values by unit and durations with a space", () => {
    expect(formatFact("credit.revolvingUtilization", 70)).toBe("70 %");
    expect(formatFact("application.monthsEmployed", 48)).toBe("48 months");
    expect(formatFact("credit.fileFound", true)).toBe("Yes");
    expect(formatDuration("1.2ms")).toBe("1.2 ms");
    expect(formatDuration(null)).toBe("—");
  });
});

describe("the decision form", () => {
  const blank = {
    action: "approve" as const,
    note: "",
    reasons: [],
    amount: "",
    termPeriods: "",
  };

  it("always needs a note", () => {
    expect(decisionErrors(blank)).toEqual({ note: "Write a note: it is kept with the decision." });
    expect(decisionErrors({ ...blank, note: "verified income" })).toEqual({});
  });

  it("declines with one to four reasons, sent in the order picked", () => {
    const decline = { ...blank, action: "decline" as const, note: "lates" };
    expect(decisionErrors(decline).reasons).toBe("Pick at least one principal reason.");
    const five = ["A", "B", "C", "D", "E"];
    expect(decisionErrors({ ...decline, reasons: five }).reasons).toMatch(/at most 4/);
    expect(decisionBody({ ...decline, reasons: ["B", "A"], amount: "9" })).toEqual({
      action: "decline",
      note: "lates",
      reasons: ["B", "A"],
    });
  });

  it("counter-offers another amount, term or both, as the API takes them", () => {
    const counter = { ...blank, action: "counteroffer" as const, note: "smaller" };
    expect(decisionErrors(counter).amount).toBe("Change the amount, the term or both.");
    expect(decisionErrors({ ...counter, amount: "3,0" }).amount).toBe(
      "Enter an amount, like 3000.",
    );
    expect(decisionErrors({ ...counter, termPeriods: "1.5" }).termPeriods).toBeDefined();
    expect(decisionBody({ ...counter, amount: "$3,000", termPeriods: "36" })).toEqual({
      action: "counteroffer",
      note: "smaller",
      amount: "3000",
      termPeriods: 36,
    });
  });
});
