/**
 * The calculator's form state: what the user typed (strings, as typed), how it travels in the URL
 * so a quote can be shared, and how it becomes a QuoteRequest.
 */
import { todayIso } from "@/lib/format";
import { cleanNumber } from "@/lib/format/number";
import type {
  Amortization,
  DayCount,
  FeeInput,
  Frequency,
  InterestMethod,
  OddDaysInterest,
  QuoteRequest,
  RoundingMode,
} from "./api/types";

/** Months is the default: consumer loans are quoted in months ("60" means five years). */
export type TermUnit = "months" | "years" | "payments";

export const TERM_UNITS: { value: TermUnit; label: string }[] = [
  { value: "months", label: "months" },
  { value: "years", label: "years" },
  { value: "payments", label: "payments" },
];

export type CalculatorForm = {
  principal: string;
  annualRate: string;
  term: string;
  termUnit: TermUnit;
  frequency: Frequency;
  amortization: Amortization;
  startDate: string;
  firstPaymentDate: string;
  balloonAmount: string;
  fees: FeeInput[];
  interestMethod: InterestMethod | "";
  dayCount: DayCount | "";
  roundingMode: RoundingMode | "";
  oddDaysInterest: OddDaysInterest | "";
};

export const FREQUENCIES: { value: Frequency; label: string; perYear: number }[] = [
  { value: "monthly", label: "Monthly", perYear: 12 },
  { value: "semimonthly", label: "Twice a month", perYear: 24 },
  { value: "biweekly", label: "Every two weeks", perYear: 26 },
  { value: "weekly", label: "Weekly", perYear: 52 },
  { value: "quarterly", label: "Quarterly", perYear: 4 },
  { value: "semiannual", label: "Twice a year", perYear: 2 },
  { value: "annual", label: "Annually", perYear: 1 },
];

export const AMORTIZATIONS: { value: Amortization; label: string }[] = [
  { value: "level-payment", label: "Level payment" },
  { value: "level-principal", label: "Level principal" },
  { value: "interest-only", label: "Interest only" },
  { value: "balloon", label: "Balloon" },
];

export const INTEREST_METHODS: { value: InterestMethod; label: string }[] = [
  { value: "periodic", label: "Periodic (rate ÷ periods per year)" },
  { value: "daily", label: "Daily simple interest" },
];

export const DAY_COUNTS: { value: DayCount; label: string }[] = [
  { value: "30/360", label: "30/360 (US)" },
  { value: "30E/360", label: "30E/360" },
  { value: "actual/365", label: "Actual/365 Fixed" },
  { value: "actual/360", label: "Actual/360" },
  { value: "actual/actual", label: "Actual/Actual" },
];

export const ROUNDING_MODES: { value: RoundingMode; label: string }[] = [
  { value: "half-up", label: "Half up" },
  { value: "half-even", label: "Half even (banker's)" },
  { value: "down", label: "Down" },
  { value: "up", label: "Up" },
];

export const ODD_DAYS: { value: OddDaysInterest; label: string }[] = [
  { value: "first-installment", label: "Added to the first payment" },
  { value: "prepaid", label: "Paid at closing (prepaid)" },
];

export function defaultForm(today = todayIso()): CalculatorForm {
  return {
    principal: "250000",
    annualRate: "6.5",
    term: "360",
    termUnit: "months",
    frequency: "monthly",
    amortization: "level-payment",
    startDate: today,
    firstPaymentDate: "",
    balloonAmount: "",
    fees: [],
    interestMethod: "",
    dayCount: "",
    roundingMode: "",
    oddDaysInterest: "",
  };
}

const DECIMAL = /^\d{1,15}(\.\d{1,10})?$/;
const INTEGER = /^\d{1,5}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function oneOf<T extends string>(options: { value: T }[], raw: string | null): T | undefined {
  return options.find((o) => o.value === raw)?.value;
}

export function periodsPerYear(frequency: Frequency): number {
  return FREQUENCIES.find((f) => f.value === frequency)?.perYear ?? 12;
}

/** The number of payments the form describes, or null when the term is not a whole number. */
export function termPeriods(form: CalculatorForm): number | null {
  const term = cleanNumber(form.term);
  if (form.termUnit === "payments") return INTEGER.test(term) ? Number(term) : null;
  if (form.termUnit === "months" && !INTEGER.test(term)) return null;
  if (form.termUnit === "years" && !/^\d{1,3}(\.\d{1,2})?$/.test(term)) return null;
  const years = form.termUnit === "months" ? Number(term) / 12 : Number(term);
  const periods = years * periodsPerYear(form.frequency);
  return Number.isInteger(Math.round(periods * 1e6) / 1e6) ? Math.round(periods) : null;
}

export type FieldErrors = Record<string, string>;

/** The form's labels for the API's field names, so its messages read "Interest rate must be …". */
export const FIELD_LABELS: Record<string, string> = {
  principal: "The loan amount",
  annualRate: "The interest rate",
  termPeriods: "The number of payments",
  frequency: "The payment frequency",
  amortization: "The repayment type",
  balloonAmount: "The balloon amount",
  startDate: "The start date",
  firstPaymentDate: "The first payment date",
  interestMethod: "The interest method",
  dayCount: "The day count",
  oddDaysInterest: "The odd-days interest",
  roundingMode: "The rounding",
};

const TERM_MESSAGES: Record<TermUnit, string> = {
  months: "Enter the term in whole months, like 60 (it must come to a whole number of payments).",
  years: "Enter the term in years, like 30 (it must come to a whole number of payments).",
  payments: "Enter the number of payments as a whole number, like 360.",
};

/**
 * Shape checks only (is it a number, a date): the API owns the rules (limits, ranges, date order)
 * and its field messages are shown next to the same fields.
 */
export function validate(form: CalculatorForm): FieldErrors {
  const errors: FieldErrors = {};
  if (!DECIMAL.test(cleanNumber(form.principal)))
    errors.principal = "Enter an amount, like 250000.";
  if (!DECIMAL.test(cleanNumber(form.annualRate)))
    errors.annualRate = "Enter a rate, like 6.5 (a point before the decimals).";
  if (termPeriods(form) === null) {
    errors.termPeriods = TERM_MESSAGES[form.termUnit];
  }
  if (!ISO_DATE.test(form.startDate)) errors.startDate = "Enter the start date.";
  if (form.firstPaymentDate && !ISO_DATE.test(form.firstPaymentDate)) {
    errors.firstPaymentDate = "Enter a valid date or leave it empty.";
  }
  if (form.amortization === "balloon" && !DECIMAL.test(cleanNumber(form.balloonAmount))) {
    errors.balloonAmount = "Enter the balloon amount.";
  }
  form.fees.forEach((fee, i) => {
    if (!fee.name.trim()) errors[`fees.${i}.name`] = "Name this fee.";
    if (!DECIMAL.test(cleanNumber(fee.amount))) errors[`fees.${i}.amount`] = "Enter an amount.";
  });
  return errors;
}

export function toRequest(form: CalculatorForm): QuoteRequest | null {
  if (Object.keys(validate(form)).length > 0) return null;
  const request: QuoteRequest = {
    principal: cleanNumber(form.principal),
    annualRate: cleanNumber(form.annualRate),
    termPeriods: termPeriods(form) ?? 0,
    frequency: form.frequency,
    amortization: form.amortization,
    startDate: form.startDate,
  };
  if (form.firstPaymentDate) request.firstPaymentDate = form.firstPaymentDate;
  if (form.amortization === "balloon") request.balloonAmount = cleanNumber(form.balloonAmount);
  if (form.fees.length) {
    request.fees = form.fees.map((f) => ({
      name: f.name.trim(),
      amount: cleanNumber(f.amount),
      financed: f.financed,
    }));
  }
  if (form.interestMethod) request.interestMethod = form.interestMethod;
  if (form.dayCount) request.dayCount = form.dayCount;
  if (form.roundingMode) request.roundingMode = form.roundingMode;
  if (form.oddDaysInterest) request.oddDaysInterest = form.oddDaysInterest;
  return request;
}

// ---- URL round trip -------------------------------------------------------------------------

const FEE_SEPARATOR = "~";

export function toSearchParams(form: CalculatorForm): URLSearchParams {
  const p = new URLSearchParams();
  p.set("amount", form.principal);
  p.set("rate", form.annualRate);
  p.set("term", form.term);
  p.set("unit", form.termUnit);
  p.set("freq", form.frequency);
  p.set("type", form.amortization);
  p.set("start", form.startDate);
  if (form.firstPaymentDate) p.set("first", form.firstPaymentDate);
  if (form.amortization === "balloon" && form.balloonAmount) p.set("balloon", form.balloonAmount);
  for (const fee of form.fees) {
    const name = fee.name.replaceAll(FEE_SEPARATOR, " ");
    p.append("fee", [name, fee.amount, fee.financed ? "1" : "0"].join(FEE_SEPARATOR));
  }
  if (form.interestMethod) p.set("interest", form.interestMethod);
  if (form.dayCount) p.set("days", form.dayCount);
  if (form.roundingMode) p.set("rounding", form.roundingMode);
  if (form.oddDaysInterest) p.set("odd", form.oddDaysInterest);
  return p;
}

/** A link shared before the unit was always written has `term` without `unit`: that meant years. */
function termUnitFrom(p: URLSearchParams): TermUnit {
  const unit = oneOf(TERM_UNITS, p.get("unit"));
  if (unit) return unit;
  return p.has("term") ? "years" : defaultForm().termUnit;
}

export function fromSearchParams(p: URLSearchParams, today = todayIso()): CalculatorForm {
  const d = defaultForm(today);
  const fees = p.getAll("fee").flatMap((raw): FeeInput[] => {
    const [name = "", amount = "", financed = "0"] = raw.split(FEE_SEPARATOR);
    return name || amount ? [{ name, amount, financed: financed === "1" }] : [];
  });
  return {
    principal: p.get("amount") ?? d.principal,
    annualRate: p.get("rate") ?? d.annualRate,
    term: p.get("term") ?? d.term,
    termUnit: termUnitFrom(p),
    frequency: oneOf(FREQUENCIES, p.get("freq")) ?? d.frequency,
    amortization: oneOf(AMORTIZATIONS, p.get("type")) ?? d.amortization,
    startDate: p.get("start") ?? d.startDate,
    firstPaymentDate: p.get("first") ?? "",
    balloonAmount: p.get("balloon") ?? "",
    fees,
    interestMethod: oneOf(INTEREST_METHODS, p.get("interest")) ?? "",
    dayCount: oneOf(DAY_COUNTS, p.get("days")) ?? "",
    roundingMode: oneOf(ROUNDING_MODES, p.get("rounding")) ?? "",
    oddDaysInterest: oneOf(ODD_DAYS, p.get("odd")) ?? "",
  };
}
