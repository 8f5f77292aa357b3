/** What the underwriting pages show and send: queue filters, labels, the readable decision trace,
 * and the checks a decision form makes before it is sent (the API owns the rules). */
import { formatMoney } from "@/lib/format";
import { parseAmount } from "@/lib/format/number";
import type { FieldErrors } from "@/lib/ui/useSubmission";
import type { ApplicationStatus, DecisionReason, StaffPerson, TraceNode } from "./api/types";

// --- the queue ------------------------------------------------------------------------------------

export type Assignee = "anyone" | "mine" | "unassigned";

export type QueueFilters = {
  /** "" is any status. */
  status: ApplicationStatus | "";
  productCode: string;
  /** Only applications created at least this many hours ago; null is any age. */
  minAgeHours: number | null;
  assignee: Assignee;
};

/** The query the list route takes (GET /api/applications). */
export type QueueQuery = {
  status?: ApplicationStatus;
  productCode?: string;
  minAgeHours?: number;
  assignee?: "me" | "none";
  cursor?: string;
  limit: number;
};

export const QUEUE_PAGE_SIZE = 50;

/** The queue opens on what waits for a person: referred applications. */
export const DEFAULT_FILTERS: QueueFilters = {
  status: "referred",
  productCode: "",
  minAgeHours: null,
  assignee: "anyone",
};

export const STATUS_LABELS: Record<ApplicationStatus, string> = {
  draft: "Draft",
  submitted: "Submitted",
  referred: "Referred to an underwriter",
  declined: "Declined",
  approved: "Approved",
  accepted: "Accepted",
  expired: "Expired",
  withdrawn: "Withdrawn",
  booked: "Booked",
};

/** The statuses the filter offers: `submitted` lasts only inside the submit transaction, so a list
 * never holds one. */
export const FILTER_STATUSES = (Object.keys(STATUS_LABELS) as ApplicationStatus[]).filter(
  (status) => status !== "submitted",
);

export const ASSIGNEE_LABELS: Record<Assignee, string> = {
  anyone: "Anyone or nobody",
  mine: "Claimed by me",
  unassigned: "Not claimed",
};

export const AGE_CHOICES: { hours: number | null; label: string }[] = [
  { hours: null, label: "Any age" },
  { hours: 1, label: "At least an hour old" },
  { hours: 24, label: "At least a day old" },
  { hours: 72, label: "At least three days old" },
  { hours: 168, label: "At least a week old" },
];

function isStatus(value: string): value is ApplicationStatus {
  return value in STATUS_LABELS;
}

function isAssignee(value: string): value is Assignee {
  return value in ASSIGNEE_LABELS;
}

/** The filters a queue URL carries (?status=&product=&age=&assignee=); anything unknown is the
 * default, so a mangled link still opens the queue. `status=any` is every status. */
export function filtersFromSearch(search: URLSearchParams): QueueFilters {
  const status = search.get("status");
  const age = Number(search.get("age"));
  const assignee = search.get("assignee") ?? "";
  return {
    status: status === "any" ? "" : status && isStatus(status) ? status : DEFAULT_FILTERS.status,
    productCode: (search.get("product") ?? "").trim().toUpperCase(),
    minAgeHours: AGE_CHOICES.some((c) => c.hours === age && age > 0) ? age : null,
    assignee: isAssignee(assignee) ? assignee : DEFAULT_FILTERS.assignee,
  };
}

/** The URL form of the filters (defaults left out), the inverse of filtersFromSearch. */
export function filtersToSearch(filters: QueueFilters): URLSearchParams {
  const search = new URLSearchParams();
  if (filters.status !== DEFAULT_FILTERS.status) search.set("status", filters.status || "any");
  if (filters.productCode) search.set("product", filters.productCode);
  if (filters.minAgeHours !== null) search.set("age", String(filters.minAgeHours));
  if (filters.assignee !== DEFAULT_FILTERS.assignee) search.set("assignee", filters.assignee);
  return search;
}

/** The list route's query for the filters and a page cursor. */
export function queueQuery(filters: QueueFilters, cursor?: string): QueueQuery {
  const query: QueueQuery = { limit: QUEUE_PAGE_SIZE };
  if (filters.status) query.status = filters.status;
  if (filters.productCode) query.productCode = filters.productCode;
  if (filters.minAgeHours !== null) query.minAgeHours = filters.minAgeHours;
  if (filters.assignee === "mine") query.assignee = "me";
  if (filters.assignee === "unassigned") query.assignee = "none";
  if (cursor) query.cursor = cursor;
  return query;
}

/** How long ago an application was started, roughly: "25 min", "3 h", "2 days". */
export function ageLabel(createdAt: string, now: Date = new Date()): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - Date.parse(createdAt)) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} days`;
}

export function personLabel(person: StaffPerson | undefined, id: string): string {
  return person ? `${person.displayName} (${person.email})` : `user ${id}`;
}

// --- the decision trace ---------------------------------------------------------------------------

type FactFormat = "money" | "percent" | "ratio" | "count" | "months" | "text" | "score";

/** Every fact the policy reads (policy/facts.py), with its label and how to show its value. */
export const FACTS: Record<string, { label: string; format: FactFormat }> = {
  "application.monthlyIncome": { label: "Monthly income (gross)", format: "money" },
  "application.housingPayment": { label: "Housing payment (monthly)", format: "money" },
  "application.otherMonthlyDebts": { label: "Other debts (monthly)", format: "money" },
  "application.employmentStatus": { label: "Employment", format: "text" },
  "application.monthsEmployed": { label: "Time employed", format: "months" },
  "application.requestedAmount": { label: "Amount requested", format: "money" },
  "application.termPeriods": { label: "Term (payments)", format: "count" },
  "application.periodsPerYear": { label: "Payments a year", format: "count" },
  "credit.score": { label: "Credit score", format: "score" },
  "credit.fileFound": { label: "Credit file found", format: "text" },
  "credit.fraudAlert": { label: "Fraud alert on file", format: "text" },
  "credit.tradelines": { label: "Tradelines", format: "count" },
  "credit.inquiries6m": { label: "Inquiries in 6 months", format: "count" },
  "credit.delinquencies24m": { label: "Delinquencies in 24 months", format: "count" },
  "credit.publicRecords": { label: "Public records", format: "count" },
  "credit.monthsSinceBankruptcy": { label: "Months since bankruptcy", format: "months" },
  "credit.revolvingUtilization": { label: "Revolving utilization", format: "percent" },
  "derived.newPayment": { label: "New loan's payment (monthly)", format: "money" },
  "derived.debtToIncome": { label: "Debt-to-income, with the new payment", format: "percent" },
  "derived.paymentToIncome": { label: "Payment-to-income", format: "percent" },
  "derived.loanToIncome": {
    label: "Loan-to-income (amount over a year's income)",
    format: "ratio",
  },
};

const GROUPS: { root: string; title: string }[] = [
  { root: "application", title: "What the applicant stated" },
  { root: "credit", title: "What the sandbox bureau reported" },
  { root: "derived", title: "Derived before evaluation" },
];

/** "fraudAlert" → "Fraud alert": a label for a name no table knows. */
export function humanize(name: string): string {
  const words = (name.split(".").pop() ?? name)
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/_/g, " ")
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function factLabel(path: string): string {
  return FACTS[path]?.label ?? humanize(path);
}

/** A plain value as a person reads it: yes/no, "—" for none, lists and records spelled out. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (Array.isArray(value)) return value.length ? value.map(formatValue).join(", ") : "none";
  if (typeof value === "object") {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${humanize(k)}: ${formatValue(v)}`)
      .join("; ");
  }
  return String(value);
}

/** A fact's value in its unit (money, percent, months). Values arrive as decimal strings or JSON
 * numbers; money goes through formatMoney, which never routes a decimal through a float sum. */
export function formatFact(path: string, value: unknown): string {
  const format = FACTS[path]?.format ?? "text";
  if (value === null || value === undefined) {
    return format === "score" ? "No score (file too thin)" : "—";
  }
  if (format === "money") return formatMoney(String(value));
  if (format === "percent") return `${String(value)} %`;
  if (format === "months") return `${String(value)} months`;
  if (format === "text" && typeof value === "string") return humanize(value);
  return formatValue(value);
}

export type FactRow = { path: string; label: string; value: string };
export type FactGroup = { title: string; rows: FactRow[] };

/** The stored facts ({application: {...}, credit: {...}, derived: {...}}) as labelled rows, in
 * the order of the facts table, a fact the table does not know at its group's end. */
export function factGroups(facts: Record<string, unknown> | null | undefined): FactGroup[] {
  if (!facts) return [];
  return GROUPS.flatMap(({ root, title }) => {
    const values = facts[root];
    if (!values || typeof values !== "object") return [];
    const entries = Object.entries(values as Record<string, unknown>).map(([name, value]) => ({
      path: `${root}.${name}`,
      value,
    }));
    const order = Object.keys(FACTS);
    const rank = (path: string) => (order.includes(path) ? order.indexOf(path) : order.length);
    entries.sort((a, b) => rank(a.path) - rank(b.path));
    const rows = entries.map((e) => ({
      path: e.path,
      label: factLabel(e.path),
      value: formatFact(e.path, e.value),
    }));
    return [{ title, rows }];
  });
}

export type TraceRow = { label: string; value: string; detail?: string };
export type TraceStep = {
  step: number;
  node: string;
  kind: string;
  rows: TraceRow[];
  duration: string;
};

const KIND_LABELS: Record<string, string> = {
  input: "Reads the facts",
  rules: "Decision table",
  expressions: "Computes",
  output: "The policy's answer",
};

export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? humanize(kind);
}

/** The engine's "10.6µs" / "1.2ms" as "10.6 µs" / "1.2 ms"; none is "—". */
export function formatDuration(duration: string | null | undefined): string {
  if (!duration) return "—";
  return duration.replace(/^([\d.]+)\s*(\D+)$/, "$1 $2");
}

/** Reason codes the policy output names, in Regulation B wording when known. */
function reasonsText(codes: unknown, reasons: ReadonlyMap<string, string>): string {
  if (!Array.isArray(codes)) return formatValue(codes);
  if (!codes.length) return "none";
  return codes.map((c) => reasons.get(String(c)) ?? String(c)).join("; ");
}

const OUTCOME_WORDS: Record<string, string> = {
  approve: "Approve",
  refer: "Refer to an underwriter",
  decline: "Decline",
};

export function outcomeLabel(outcome: string): string {
  return OUTCOME_WORDS[outcome] ?? humanize(outcome);
}

function outputRows(values: Record<string, unknown>, reasons: ReadonlyMap<string, string>) {
  return Object.entries(values).map(([name, value]): TraceRow => {
    if (name === "reasons") return { label: "Reasons", value: reasonsText(value, reasons) };
    if (name === "decision") return { label: "Decision", value: outcomeLabel(String(value)) };
    if (name === "maxAmount" && value !== null && value !== undefined)
      return { label: "Maximum amount", value: formatMoney(String(value)) };
    return { label: humanize(name), value: formatValue(value) };
  });
}

function ruleRows(output: unknown): TraceRow[] {
  const hits = Array.isArray(output) ? output : [];
  if (!hits.length) return [{ label: "No rule matched", value: "—" }];
  return hits.map((hit: { rule?: unknown; read?: Record<string, unknown> }) => ({
    label: hit.rule ? String(hit.rule) : "A rule without a description",
    value: "Matched",
    detail: Object.entries(hit.read ?? {})
      .map(([path, v]) => `${factLabel(path)} ${formatFact(path, v)}`)
      .join(" · "),
  }));
}

/** The stored trace as steps a person reads: each node in evaluation order with rows for what it
 * found — the rules that matched (and the facts they read), the values computed, the answer. */
export function traceSteps(nodes: TraceNode[], reasons: DecisionReason[] = []): TraceStep[] {
  const texts = new Map(reasons.map((r) => [r.code, r.text]));
  return nodes.map((node, i) => {
    let rows: TraceRow[];
    if (node.kind === "rules") rows = ruleRows(node.output);
    else if (node.output && typeof node.output === "object" && !Array.isArray(node.output))
      rows = outputRows(node.output as Record<string, unknown>, texts);
    else if (node.kind === "input") rows = [{ label: "The facts below", value: "Read" }];
    else rows = [{ label: "Result", value: formatValue(node.output) }];
    return {
      step: i + 1,
      node: node.node || `Step ${i + 1}`,
      kind: node.kind,
      rows,
      duration: formatDuration(node.duration),
    };
  });
}

// --- deciding -------------------------------------------------------------------------------------

export const MAX_REASONS = 4;

export type DecisionForm = {
  action: "approve" | "decline" | "counteroffer";
  note: string;
  reasons: string[];
  amount: string;
  termPeriods: string;
};

export function decisionErrors(form: DecisionForm): FieldErrors {
  const errors: FieldErrors = {};
  if (!form.note.trim()) errors.note = "Write a note: it is kept with the decision.";
  if (form.action === "decline") {
    if (!form.reasons.length) errors.reasons = "Pick at least one principal reason.";
    else if (form.reasons.length > MAX_REASONS)
      errors.reasons = `Pick at most ${MAX_REASONS} reasons (Regulation B).`;
  }
  if (form.action === "counteroffer") {
    const amount = form.amount.trim();
    const term = form.termPeriods.trim();
    if (!amount && !term) errors.amount = "Change the amount, the term or both.";
    if (amount && parseAmount(amount) === null) errors.amount = "Enter an amount, like 3000.";
    if (term && !/^\d+$/.test(term)) errors.termPeriods = "Enter the number of payments.";
  }
  return errors;
}

/** The decision route's body for the form (only the fields its action uses). */
export function decisionBody(form: DecisionForm) {
  const body: {
    action: DecisionForm["action"];
    note: string;
    reasons?: string[];
    amount?: string;
    termPeriods?: number;
  } = { action: form.action, note: form.note.trim() };
  if (form.action === "decline") body.reasons = form.reasons;
  if (form.action === "counteroffer") {
    const amount = parseAmount(form.amount.trim());
    if (amount) body.amount = amount;
    if (form.termPeriods.trim()) body.termPeriods = Number(form.termPeriods.trim());
  }
  return body;
}

const timeFormat = new Intl.DateTimeFormat("en-US", {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
  timeZone: "UTC",
  timeZoneName: "short",
});

/** A timestamp as "Dec 4, 2026, 02:58 UTC" (staff in any zone read the same time). */
export function formatTime(iso: string): string {
  const parsed = new Date(iso);
  return Number.isNaN(parsed.getTime()) ? iso : timeFormat.format(parsed);
}
