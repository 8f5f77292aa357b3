/** What the apply wizard and the application pages show and send: steps, form checks, labels. */
import { parseAmount } from "@/lib/format/number";
import type { FieldErrors } from "@/lib/ui/useSubmission";
import type {
  Application,
  ApplicationStatus,
  DraftSections,
  EmploymentStatus,
  HousingIn,
  Offer,
} from "./api/types";

export const STEPS = [
  { id: "loan", label: "Loan" },
  { id: "identity", label: "About you" },
  { id: "income", label: "Income" },
  { id: "housing", label: "Housing and debts" },
  { id: "consents", label: "Consents" },
  { id: "review", label: "Review and submit" },
] as const;
export type StepId = (typeof STEPS)[number]["id"];

export function stepIndex(step: StepId): number {
  return STEPS.findIndex((s) => s.id === step);
}

export function isStep(value: string | null): value is StepId {
  return STEPS.some((s) => s.id === value);
}

/** Where a saved draft resumes: the first step the server still lists as missing, else review. */
export function resumeStep(app: Pick<Application, "missing">): StepId {
  for (const step of STEPS) {
    if (app.missing.some((m) => m === step.id || m.startsWith(`${step.id}.`))) return step.id;
  }
  return "review";
}

export const STATUS_LABELS: Record<ApplicationStatus, string> = {
  draft: "Draft (not submitted)",
  submitted: "Submitted",
  approved: "Approved",
  referred: "In review by an underwriter",
  declined: "Declined",
  accepted: "Accepted",
  expired: "Expired (the offer lapsed)",
  withdrawn: "Withdrawn",
  booked: "Accepted, loan booked",
};

export const EMPLOYMENT_LABELS: Record<EmploymentStatus, string> = {
  employed: "Employed",
  "self-employed": "Self-employed",
  retired: "Retired",
  student: "Student",
  unemployed: "Not employed",
  other: "Other",
};

export const HOUSING_LABELS: Record<HousingIn["housing"], string> = {
  rent: "I rent",
  own: "I own it outright",
  mortgage: "I own it with a mortgage",
  family: "I live with family",
  other: "Other",
};

/** The states a borrower may still withdraw from (the server checks again; 409 otherwise). */
export function canWithdraw(status: ApplicationStatus): boolean {
  return status === "draft" || status === "approved" || status === "referred";
}

/** Whether the server has a notice for this application (adverse action or counteroffer). */
export function hasNotice(app: Pick<Application, "status" | "offers">): boolean {
  if (app.status === "declined") return true;
  return app.status === "approved" && app.offers.some((o) => o.counteroffer);
}

// --- forms: what the person types (strings), checked, then turned into a section ---------------

export type LoanForm = {
  productCode: string;
  amount: string;
  termPeriods: string;
  frequency: string;
};
export type IdentityForm = {
  firstName: string;
  lastName: string;
  birthDate: string;
  taxId: string;
  line1: string;
  line2: string;
  city: string;
  region: string;
  postalCode: string;
  monthsAtAddress: string;
};
export type IncomeForm = {
  monthlyIncome: string;
  employmentStatus: EmploymentStatus | "";
  employer: string;
  monthsEmployed: string;
};
export type HousingForm = {
  housing: HousingIn["housing"] | "";
  housingPayment: string;
  otherMonthlyDebts: string;
};

type Checked = { section: DraftSections | null; errors: FieldErrors };

function done(errors: FieldErrors, section: DraftSections): Checked {
  return Object.keys(errors).length ? { section: null, errors } : { section, errors };
}

const WHOLE = /^\d{1,4}$/;

function wholeNumber(raw: string, fallback = 0): number | null {
  const text = raw.trim();
  if (!text) return fallback;
  return WHOLE.test(text) ? Number(text) : null;
}

export function checkLoan(form: LoanForm): Checked {
  const errors: FieldErrors = {};
  const amount = parseAmount(form.amount);
  if (!form.productCode) errors.productCode = "Choose the loan you are applying for.";
  if (amount === null) errors.amount = "Enter the amount you want to borrow, like 5000.";
  const term = wholeNumber(form.termPeriods, -1);
  if (term === null || term < 1) errors.termPeriods = "Enter the number of payments, like 36.";
  return done(errors, {
    loan: {
      productCode: form.productCode,
      amount: amount ?? "",
      termPeriods: term ?? 0,
      frequency: form.frequency as NonNullable<DraftSections["loan"]>["frequency"],
    },
  });
}

/** Today's ISO date in UTC, for comparing with a typed birth date. */
function isoToday(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export function checkIdentity(form: IdentityForm, now = new Date()): Checked {
  const errors: FieldErrors = {};
  if (!form.firstName.trim()) errors.firstName = "Enter your first name.";
  if (!form.lastName.trim()) errors.lastName = "Enter your last name.";
  const birth = form.birthDate;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(birth) || Number.isNaN(Date.parse(birth)))
    errors.birthDate = "Enter your date of birth.";
  else if (birth >= isoToday(now)) errors.birthDate = "Your date of birth must be in the past.";
  if (!/^\d{3}-?\d{2}-?\d{4}$/.test(form.taxId.trim()))
    errors.taxId = "Enter your nine-digit Social Security number or ITIN, like 123-45-6789.";
  if (!form.line1.trim()) errors.line1 = "Enter your street address.";
  if (!form.city.trim()) errors.city = "Enter your city.";
  if (form.region.trim().length < 2) errors.region = "Enter your state, like NY.";
  if (!/^\d{5}(-\d{4})?$/.test(form.postalCode.trim()))
    errors.postalCode = "Enter a five-digit ZIP code, like 10001.";
  const months = wholeNumber(form.monthsAtAddress);
  if (months === null) errors.monthsAtAddress = "Enter a whole number of months, like 24.";
  return done(errors, {
    identity: {
      firstName: form.firstName.trim(),
      lastName: form.lastName.trim(),
      birthDate: birth,
      taxId: form.taxId.trim(),
      address: {
        line1: form.line1.trim(),
        line2: form.line2.trim(),
        city: form.city.trim(),
        region: form.region.trim(),
        postalCode: form.postalCode.trim(),
        monthsAtAddress: months ?? 0,
      },
    },
  });
}

export function checkIncome(form: IncomeForm): Checked {
  const errors: FieldErrors = {};
  const income = parseAmount(form.monthlyIncome);
  if (income === null) errors.monthlyIncome = "Enter your monthly income before tax, like 4500.";
  if (!form.employmentStatus) errors.employmentStatus = "Choose your employment status.";
  const months = wholeNumber(form.monthsEmployed);
  if (months === null) errors.monthsEmployed = "Enter a whole number of months, like 36.";
  return done(errors, {
    income: {
      monthlyIncome: income ?? "",
      employmentStatus: (form.employmentStatus || "other") as EmploymentStatus,
      employer: form.employer.trim(),
      monthsEmployed: months ?? 0,
    },
  });
}

export function checkHousing(form: HousingForm): Checked {
  const errors: FieldErrors = {};
  const payment = parseAmount(form.housingPayment);
  const debts = parseAmount(form.otherMonthlyDebts);
  if (!form.housing) errors.housing = "Choose how you live.";
  if (payment === null)
    errors.housingPayment = "Enter your monthly rent or mortgage payment; enter 0 if you pay none.";
  if (debts === null)
    errors.otherMonthlyDebts =
      "Enter what your other debts cost a month; enter 0 if you have none.";
  return done(errors, {
    housing: {
      housing: (form.housing || "other") as HousingIn["housing"],
      housingPayment: payment ?? "",
      otherMonthlyDebts: debts ?? "",
    },
  });
}

/** The server names fields by their wire path (`loan.amount`); the forms by their own names. */
export function fieldErrorsFor(section: string, server: FieldErrors): FieldErrors {
  const out: FieldErrors = {};
  for (const [field, message] of Object.entries(server)) {
    const path = field.replace(/^(body\.|\$\.)/, "");
    const parts = path.split(".");
    const last = parts[parts.length - 1] ?? path;
    if (parts[0] === section || parts.length === 1) out[last] = message;
  }
  return out;
}

// --- forms prefilled from a saved draft ---------------------------------------------------------

export function loanForm(app: Application | undefined, fallback: LoanForm): LoanForm {
  const loan = app?.loan;
  if (!loan) return fallback;
  return {
    productCode: loan.productCode,
    amount: loan.amount,
    termPeriods: String(loan.termPeriods),
    frequency: loan.frequency ?? "monthly",
  };
}

/** Name and address come back; the tax id and birth date do not (they are shown masked), so a
 * saved identity is kept unless the person types them again. */
export function identityForm(app: Application | undefined): IdentityForm {
  const ident = app?.identity;
  const address = ident?.address;
  return {
    firstName: ident?.firstName ?? "",
    lastName: ident?.lastName ?? "",
    birthDate: "",
    taxId: "",
    line1: address?.line1 ?? "",
    line2: address?.line2 ?? "",
    city: address?.city ?? "",
    region: address?.region ?? "",
    postalCode: address?.postalCode ?? "",
    monthsAtAddress: address?.monthsAtAddress ? String(address.monthsAtAddress) : "",
  };
}

export function incomeForm(app: Application | undefined): IncomeForm {
  const income = app?.income;
  return {
    monthlyIncome: income?.monthlyIncome ?? "",
    employmentStatus: income?.employmentStatus ?? "",
    employer: income?.employer ?? "",
    monthsEmployed: income?.monthsEmployed ? String(income.monthsEmployed) : "",
  };
}

export function housingForm(app: Application | undefined): HousingForm {
  const housing = app?.housing;
  return {
    housing: housing?.housing ?? "",
    housingPayment: housing?.housingPayment ?? "",
    otherMonthlyDebts: housing?.otherMonthlyDebts ?? "",
  };
}

// --- the Truth-in-Lending payment schedule, from the server's figures ---------------------------

export type ScheduleLine = { count: number; amount: string; when: string; date: string };

/** Two decimal strings that are the same amount ("612.5" and "612.50"), compared as text. */
export function sameAmount(a: string, b: string): boolean {
  return compareAmounts(a, b) === 0;
}

/** Reg Z 1026.18(g): the number, amounts and timing of payments. The offer carries the regular
 * payment and the last one (which absorbs the rounding); nothing is computed here. */
export function paymentSchedule(offer: Offer): ScheduleLine[] {
  const { termPeriods, payment, firstPaymentDate, finalPayment, finalPaymentDate } = offer;
  if (!finalPayment || !finalPaymentDate || termPeriods < 2 || sameAmount(finalPayment, payment)) {
    return [{ count: termPeriods, amount: payment, when: "starting", date: firstPaymentDate }];
  }
  return [
    { count: termPeriods - 1, amount: payment, when: "starting", date: firstPaymentDate },
    { count: 1, amount: finalPayment, when: "on", date: finalPaymentDate },
  ];
}

export const FREQUENCY_LABELS: Record<string, string> = {
  weekly: "weekly",
  biweekly: "every two weeks",
  semimonthly: "twice a month",
  monthly: "monthly",
  quarterly: "quarterly",
  semiannual: "twice a year",
  annual: "yearly",
};

/** A fresh Idempotency-Key: one per intended submission, reused when the same one is retried. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/** Compares two non-negative decimal strings exactly (-1, 0, 1), without a binary float. */
export function compareAmounts(a: string, b: string): number {
  const [aw = "0", af = ""] = a.split(".");
  const [bw = "0", bf = ""] = b.split(".");
  const width = Math.max(aw.length, bw.length);
  const frac = Math.max(af.length, bf.length);
  const x = aw.padStart(width, "0") + af.padEnd(frac, "0");
  const y = bw.padStart(width, "0") + bf.padEnd(frac, "0");
  return x === y ? 0 : x < y ? -1 : 1;
}

/** The product's amount and term limits, said at the field (the server checks them again). */
export function loanLimitErrors(
  form: LoanForm,
  product: { amount: { min: string; max: string }; term: { minMonths: number; maxMonths: number } },
  money: (value: string) => string,
): FieldErrors {
  const errors: FieldErrors = {};
  const amount = parseAmount(form.amount);
  if (amount !== null) {
    const { min, max } = product.amount;
    if (compareAmounts(amount, min) < 0 || compareAmounts(amount, max) > 0)
      errors.amount = `Enter an amount from ${money(min)} to ${money(max)}.`;
  }
  const term = Number(form.termPeriods);
  if (form.frequency === "monthly" && /^\d+$/.test(form.termPeriods)) {
    const { minMonths, maxMonths } = product.term;
    if (term < minMonths || term > maxMonths)
      errors.termPeriods = `Choose from ${minMonths} to ${maxMonths} monthly payments.`;
  }
  return errors;
}

const dateTimeFormat = new Intl.DateTimeFormat("en-US", {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "UTC",
  timeZoneName: "short",
});

/** A server timestamp (ISO 8601) as "Dec 4, 2026, 03:12 AM UTC". */
export function formatDateTime(iso: string): string {
  const parsed = new Date(iso);
  return Number.isNaN(parsed.getTime()) ? iso : dateTimeFormat.format(parsed);
}
