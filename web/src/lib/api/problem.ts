/** RFC 9457 problem details as the Loan Engine API sends them (application/problem+json). */
export type FieldProblem = { field: string; message: string };

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail?: string;
  requestId?: string;
  errors?: FieldProblem[];
};

/** A response from the API that was not a success: carries the problem document. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  /** False when the body was not a problem document, i.e. a proxy answered, not the API. */
  readonly fromApi: boolean;

  constructor(status: number, problem: Problem, fromApi = true) {
    super(problem.detail ?? problem.title);
    this.name = "ApiError";
    this.status = status;
    this.problem = problem;
    this.fromApi = fromApi;
  }

  /** Field-level messages keyed by dotted path (`principal`, `fees.0.amount`), as sentences that
   * name the field ("Display name must be at most 100 characters."). */
  get fieldErrors(): Record<string, string> {
    return this.fieldErrorsWith({});
  }

  /** The same, naming fields by the labels the form shows (`{ annualRate: "Interest rate" }`). */
  fieldErrorsWith(labels: Readonly<Record<string, string>>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) {
      out[e.field] ??= fieldSentence(e.field, e.message, labels[e.field]);
    }
    return out;
  }
}

/**
 * A field message as a full sentence. The API words its messages to follow the field's name
 * ("must be at most 100", "is not correct"); alone, capitalised, they read as fragments ("Is not
 * correct."), so the field's label (or its name, spelled out) goes first: "Current password is
 * not correct." A message that is already a sentence ("Enter an email address, …") stays as is.
 */
export function fieldSentence(field: string, message: string, label?: string): string {
  const trimmed = message.trim();
  const name = label ?? humanizeField(field);
  if (!trimmed || !name || !/^[a-z]/.test(trimmed)) return sentence(trimmed);
  return sentence(`${name} ${trimmed}`);
}

const BOUNDS: Record<string, string> = { min: "minimum", max: "maximum" };

/** `currentPassword` → "Current password"; `fees.0.amount` → "Fee 1 amount"; `amount.min` →
 * "Minimum amount" (for messages). */
export function humanizeField(path: string): string {
  const words: string[] = [];
  const parts = path.split(".").filter(Boolean);
  const bound = BOUNDS[parts.at(-1) ?? ""];
  if (bound && parts.length > 1) parts.pop();
  if (bound && parts.length) words.push(bound);
  for (const part of parts) {
    if (/^\d+$/.test(part)) {
      // An index names one item of the list before it: "fees" 0 → "fee 1".
      const list = words.pop() ?? "item";
      words.push(`${list.replace(/s$/, "")} ${Number(part) + 1}`);
    } else {
      words.push(part.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase());
    }
  }
  const text = words.join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "must be greater than zero" → "Must be greater than zero." (the API sends fragments). */
export function sentence(message: string): string {
  const trimmed = message.trim();
  if (!trimmed) return trimmed;
  const first = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

/** The API could not be reached at all (network down, proxy or origin unavailable). */
export class ApiUnreachableError extends Error {
  constructor(cause?: unknown) {
    super("The Loan Engine service cannot be reached.", { cause });
    this.name = "ApiUnreachableError";
  }
}

/** Statuses a proxy (CloudFront, Vite's dev proxy) answers with when the API behind it is down. */
const GATEWAY_STATUSES = new Set([502, 503, 504]);

export function isUnreachable(error: unknown): boolean {
  if (error instanceof ApiUnreachableError) return true;
  if (!(error instanceof ApiError)) return false;
  // The API answers every failure with problem+json; a bare 5xx comes from a proxy in front of it.
  return GATEWAY_STATUSES.has(error.status) || (error.status >= 500 && !error.fromApi);
}

export function isProblem(value: unknown): value is Problem {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Problem).title === "string" &&
    typeof (value as Problem).status === "number"
  );
}

/** The ApiError for an error response's status and (parsed) body. */
export function apiError(status: number, body: unknown, statusText = ""): ApiError {
  return new ApiError(status, toProblem(status, body, statusText), isProblem(body));
}

/** Turn whatever an error response carried into a Problem, never losing the status. */
export function toProblem(status: number, body: unknown, statusText = ""): Problem {
  if (isProblem(body)) return body;
  const text = typeof body === "string" && body.length < 300 ? body : "";
  return {
    type: "about:blank",
    title: statusText || `Request failed (${status})`,
    status,
    detail: text || undefined,
  };
}

/** A sentence a person can read, for banners and toasts. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const { title, detail, errors } = error.problem;
    if (errors?.length) return "Please correct the highlighted fields.";
    return detail && detail !== title ? detail : title;
  }
  if (error instanceof ApiUnreachableError) return error.message;
  return "Something went wrong. Please try again.";
}
