import { ApiError, describeError } from "../api/problem";

type Props = { error: unknown; title?: string };

/** A problem+json error, said plainly, with the request id support can look up. */
export function ProblemAlert({ error, title }: Props) {
  if (!error) return null;
  const requestId = error instanceof ApiError ? error.problem.requestId : undefined;
  const heading =
    title ?? (error instanceof ApiError ? error.problem.title : "Something went wrong");
  const message = describeError(error);
  return (
    <div className="alert alert--error" role="alert">
      <p className="alert__title">{heading}</p>
      {message !== heading && <p>{message}</p>}
      {requestId && <p className="request-id">Reference: {requestId}</p>}
    </div>
  );
}
