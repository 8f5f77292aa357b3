/** What the loan pages show and send: labels, the staff actions a loan admits, and form checks. */
import { parseAmount } from "@/lib/format/number";
import type { LoanStatus, TransactionKind } from "./api/types";

export const STATUS_LABELS: Record<LoanStatus, string> = {
  approved: "Approved, not disbursed",
  active: "Active",
  paid_off: "Paid off",
  charged_off: "Charged off",
  cancelled: "Cancelled",
  overpaid: "Overpaid (credit balance)",
};

export const KIND_LABELS: Record<string, string> = {
  disbursement: "Disbursement",
  payment: "Payment",
  payment_reversal: "Payment reversal",
  fee_charge: "Fee charged",
  fee_waiver: "Fee waived",
  interest_waiver: "Interest waived",
  write_off: "Write-off",
  recovery: "Recovery",
  refund: "Refund of credit",
  cancellation: "Cancellation",
  adjustment: "Replay adjustment",
};

export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind;
}

/** Kinds a staff member posts from the actions form (a reversal starts from its payment's row). */
const FORM_KINDS: TransactionKind[] = [
  "payment",
  "fee_charge",
  "fee_waiver",
  "interest_waiver",
  "write_off",
  "recovery",
  "refund",
  "cancellation",
];

/** Kinds posted without an amount: the server takes the balance (write-off) or nothing (cancel). */
const NO_AMOUNT = new Set<string>(["write_off", "cancellation"]);

/** The kinds the actions form offers: those the API says this caller may post on the loan now. */
export function formKinds(allowed: readonly string[]): TransactionKind[] {
  return FORM_KINDS.filter((kind) => allowed.includes(kind));
}

export function needsAmount(kind: string): boolean {
  return !NO_AMOUNT.has(kind);
}

export type ActionForm = { kind: string; amount: string; valueDate: string; reason: string };
export type FieldErrors = Record<string, string>;

/** Shape checks before sending; the API owns the rules (dates, limits, what the status admits). */
export function actionErrors(form: ActionForm, reasonRequired: boolean): FieldErrors {
  const errors: FieldErrors = {};
  if (needsAmount(form.kind) && parseAmount(form.amount) === null) {
    errors.amount = "Enter an amount, like 125.50.";
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(form.valueDate)) errors.valueDate = "Enter the value date.";
  if (reasonRequired && !form.reason.trim())
    errors.reason = "Say why: the reason goes to the audit log.";
  return errors;
}

/** A fresh Idempotency-Key: one per intended posting, reused when the same submission is retried. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/** Whether a decimal string is zero ("0", "0.00"), without routing money through a float. */
export function isZero(amount: string): boolean {
  return /^-?0*(\.0*)?$/.test(amount);
}
