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

  /** Field-level messages keyed by dotted path (`principal`, `fees.0.amount`), as sentences. */
  get fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) out[e.field] ??= sentence(e.message);
    return out;
  }
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
