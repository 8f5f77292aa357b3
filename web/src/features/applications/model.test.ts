import type { Application, Offer } from "./api/types";
import {
  canWithdraw,
  checkHousing,
  checkIdentity,
  checkIncome,
  checkLoan,
  compareAmounts,
  fieldErrorsFor,
  hasNotice,
  identityForm,
  loanLimitErrors,
  paymentSchedule,
  resumeStep,
  sameAmount,
} from "./model";

const offer: Offer = {
  number: 1,
  amount: "5000",
  termPeriods: 12,
  frequency: "monthly",
  grade: "A",
  annualRate: "7.99",
  payment: "434.94",
  apr: "9.5123",
  financeCharge: "319.28",
  amountFinanced: "4900.00",
  totalOfPayments: "5219.28",
  startDate: "2026-12-04",
  firstPaymentDate: "2027-01-04",
  counteroffer: false,
  finalPayment: "434.94",
  finalPaymentDate: "2027-12-04",
};

const identity = {
  firstName: "Grace",
  lastName: "Hopper",
  birthDate: "1985-06-01",
  taxId: "123-45-0002",
  line1: "1 Main St",
  line2: "",
  city: "Springfield",
  region: "IL",
  postalCode: "62701",
  monthsAtAddress: "48",
};

describe("resuming a draft", () => {
  it("starts at the first step the server lists as missing", () => {
    expect(resumeStep({ missing: ["identity", "income", "housing", "consents"] })).toBe("identity");
    expect(resumeStep({ missing: ["housing", "consents"] })).toBe("housing");
    expect(resumeStep({ missing: ["consents.electronicDisclosuresAt"] })).toBe("consents");
  });

  it("goes to review when nothing is missing", () => {
    expect(resumeStep({ missing: [] })).toBe("review");
  });

  it("never sends back the masked tax id or birth date as if they were typed", () => {
    const app = {
      identity: {
        firstName: "Grace",
        lastName: "Hopper",
        birthDateMasked: "****-**-**",
        taxIdMasked: "***-**-0002",
        address: { line1: "1 Main St", city: "Springfield", region: "IL", postalCode: "62701" },
      },
    } as unknown as Application;
    const form = identityForm(app);
    expect(form.firstName).toBe("Grace");
    expect(form.taxId).toBe("");
    expect(form.birthDate).toBe("");
  });
});

describe("step checks", () => {
  it("turns a loan form into the loan section, the amount as a decimal string", () => {
    const checked = checkLoan({
      productCode: "PERSONAL",
      amount: "$5,000.50",
      termPeriods: "36",
      frequency: "monthly",
    });
    expect(checked.errors).toEqual({});
    expect(checked.section?.loan).toEqual({
      productCode: "PERSONAL",
      amount: "5000.50",
      termPeriods: 36,
      frequency: "monthly",
    });
  });

  it("says what is wrong with a loan form, in sentences", () => {
    const checked = checkLoan({
      productCode: "",
      amount: "5,0",
      termPeriods: "x",
      frequency: "monthly",
    });
    expect(checked.section).toBeNull();
    expect(checked.errors).toEqual({
      productCode: "Choose the loan you are applying for.",
      amount: "Enter the amount you want to borrow, like 5000.",
      termPeriods: "Enter the number of payments, like 36.",
    });
  });

  it("checks the product's limits without a float", () => {
    const product = {
      amount: { min: "1000.00", max: "50000.00" },
      term: { minMonths: 6, maxMonths: 60 },
    };
    const money = (v: string) => `$${v}`;
    const form = { productCode: "P", amount: "50000.01", termPeriods: "72", frequency: "monthly" };
    expect(loanLimitErrors(form, product, money)).toEqual({
      amount: "Enter an amount from $1000.00 to $50000.00.",
      termPeriods: "Choose from 6 to 60 monthly payments.",
    });
    expect(
      loanLimitErrors({ ...form, amount: "50000", termPeriods: "60" }, product, money),
    ).toEqual({});
  });

  it("accepts a complete identity and refuses a bad tax id, ZIP and a future birth date", () => {
    const now = new Date("2026-12-04T00:00:00Z");
    expect(checkIdentity(identity, now).errors).toEqual({});
    expect(checkIdentity(identity, now).section?.identity?.address.monthsAtAddress).toBe(48);
    const bad = checkIdentity(
      { ...identity, taxId: "12345", postalCode: "ABCDE", birthDate: "2030-01-01" },
      now,
    );
    expect(bad.section).toBeNull();
    expect(bad.errors.taxId).toMatch(/^Enter your nine-digit .*\.$/);
    expect(bad.errors.postalCode).toBe("Enter a five-digit ZIP code, like 10001.");
    expect(bad.errors.birthDate).toBe("Your date of birth must be in the past.");
  });

  it("requires income, employment and housing figures, allowing zero", () => {
    expect(
      checkIncome({ monthlyIncome: "", employmentStatus: "", employer: "", monthsEmployed: "" })
        .errors,
    ).toEqual({
      monthlyIncome: "Enter your monthly income before tax, like 4500.",
      employmentStatus: "Choose your employment status.",
    });
    const housing = checkHousing({ housing: "own", housingPayment: "0", otherMonthlyDebts: "250" });
    expect(housing.section?.housing).toEqual({
      housing: "own",
      housingPayment: "0",
      otherMonthlyDebts: "250",
    });
  });

  it("puts the server's field errors at the step's fields", () => {
    expect(
      fieldErrorsFor("identity", {
        "identity.address.postalCode": "Must match the pattern.",
        "income.monthlyIncome": "Elsewhere.",
      }),
    ).toEqual({ postalCode: "Must match the pattern." });
    expect(fieldErrorsFor("loan", { "loan.amount": "Too much." })).toEqual({ amount: "Too much." });
  });
});

describe("the Truth-in-Lending payment schedule", () => {
  it("is one line when the last payment is the same as the others", () => {
    expect(paymentSchedule(offer)).toEqual([
      { count: 12, amount: "434.94", when: "starting", date: "2027-01-04" },
    ]);
  });

  it("names the final payment on its own line when it differs", () => {
    expect(paymentSchedule({ ...offer, finalPayment: "434.97" })).toEqual([
      { count: 11, amount: "434.94", when: "starting", date: "2027-01-04" },
      { count: 1, amount: "434.97", when: "on", date: "2027-12-04" },
    ]);
  });

  it("compares amounts as decimal text", () => {
    expect(sameAmount("612.5", "612.50")).toBe(true);
    expect(sameAmount("612.5", "612.05")).toBe(false);
    expect(compareAmounts("10000", "9999.99")).toBe(1);
    expect(compareAmounts("0.10", "0.1")).toBe(0);
    expect(compareAmounts("1.01", "1.1")).toBe(-1);
  });
});

describe("what a state allows", () => {
  it("lets a borrower withdraw a draft, an approval or a referral only", () => {
    expect(canWithdraw("draft")).toBe(true);
    expect(canWithdraw("approved")).toBe(true);
    expect(canWithdraw("referred")).toBe(true);
    expect(canWithdraw("booked")).toBe(false);
    expect(canWithdraw("expired")).toBe(false);
    expect(canWithdraw("declined")).toBe(false);
  });

  it("has a notice for a decline and a counteroffer, not a plain approval", () => {
    expect(hasNotice({ status: "declined", offers: [] })).toBe(true);
    expect(hasNotice({ status: "approved", offers: [offer] })).toBe(false);
    expect(hasNotice({ status: "approved", offers: [{ ...offer, counteroffer: true }] })).toBe(
      true,
    );
  });
});
