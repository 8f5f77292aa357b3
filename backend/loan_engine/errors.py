"""The error hierarchy and the single RFC 9457 problem+json rendering of every failure.

Services raise `LoanEngineError` subclasses; Litestar's own HTTP exceptions (unknown route, wrong
method, malformed body, failed validation) and unexpected exceptions are translated here too, so a
client only ever sees problem+json with a stable `type`. A 500 carries the request id and nothing else
about the failure: no stack trace, SQL or secret.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

import asyncpg
import structlog
from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    TooManyRequestsException,
    ValidationException,
)
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from loan_engine.request_context import request_id_var

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_BASE = "urn:loan-engine:problem:"
log = structlog.get_logger("loan_engine.errors")


@dataclass(frozen=True, slots=True)
class FieldError:
    """One invalid input: `field` is a dotted path into the request (e.g. `fees.0.amount`)."""

    field: str
    message: str


class LoanEngineError(Exception):
    """Base of every error the application raises on purpose."""

    status: ClassVar[int] = 500
    type: ClassVar[str] = "internal-error"
    title: ClassVar[str] = "Internal server error"

    def __init__(self, detail: str | None = None, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.headers = headers or {}

    def extensions(self) -> dict[str, Any]:
        return {}


class BadRequestError(LoanEngineError):
    status, type, title = 400, "bad-request", "Malformed request"


class ValidationError(LoanEngineError):
    status, type, title = 422, "validation-error", "Invalid input"

    def __init__(self, errors: list[FieldError], detail: str | None = None) -> None:
        super().__init__(detail or "; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors

    @classmethod
    def one(cls, field: str, message: str) -> ValidationError:
        return cls([FieldError(field, message)])

    def extensions(self) -> dict[str, Any]:
        return {"errors": [{"field": e.field, "message": e.message} for e in self.errors]}


class AuthenticationError(LoanEngineError):
    status, type, title = 401, "unauthenticated", "Authentication required"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class PermissionDeniedError(LoanEngineError):
    status, type, title = 403, "forbidden", "Not allowed"


class NotFoundError(LoanEngineError):
    status, type, title = 404, "not-found", "Not found"


class MethodNotAllowedError(LoanEngineError):
    status, type, title = 405, "method-not-allowed", "Method not allowed"


class PayloadTooLargeError(LoanEngineError):
    status, type, title = 413, "payload-too-large", "Payload too large"


class UnsupportedMediaTypeError(LoanEngineError):
    status, type, title = 415, "unsupported-media-type", "Unsupported media type"


class ConflictError(LoanEngineError):
    status, type, title = 409, "conflict", "Conflict"


class RateLimitedError(LoanEngineError):
    status, type, title = 429, "rate-limited", "Too many requests"

    def __init__(self, retry_after_s: int, detail: str | None = None) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after_s))})


BUSY_RETRY_AFTER_S = 1


class BusyError(RateLimitedError):
    """Another transaction holds the rows this request must change (a lock wait timed out): the request
    changed nothing and may be sent again at once; with the same Idempotency-Key it still posts once."""

    type, title = "busy", "Busy"

    def __init__(self) -> None:
        super().__init__(
            BUSY_RETRY_AFTER_S, "Another change to the same record is in progress; nothing was changed, try again"
        )


class OAuthError(LoanEngineError):
    """An OAuth 2.0 token-endpoint error (RFC 6749 §5.2): problem+json that also carries the RFC's
    `error` code and `error_description`, so OAuth client libraries understand it."""

    status, type, title = 400, "oauth-error", "Token request refused"

    def __init__(self, error: str, detail: str) -> None:
        super().__init__(detail, headers={"Cache-Control": "no-store"})
        self.error = error

    def extensions(self) -> dict[str, Any]:
        return {"error": self.error, "error_description": self.detail}


class OAuthInvalidClientError(OAuthError):
    status, type, title = 401, "invalid-client", "Client authentication failed"

    def __init__(self, detail: str = "Unknown client, wrong secret or revoked client") -> None:
        super().__init__("invalid_client", detail)
        self.headers["WWW-Authenticate"] = 'Basic realm="loan-engine"'


class ServiceUnavailableError(LoanEngineError):
    status, type, title = 503, "service-unavailable", "Service unavailable"


DATABASE_RETRY_AFTER_S = 5


class DatabaseUnavailableError(ServiceUnavailableError):
    """The database cannot be reached or does not answer in time (stopped, restarting, paused, saturated):
    the request changed nothing (its transaction never committed) and may be sent again."""

    type = "database-unavailable"

    def __init__(self) -> None:
        super().__init__(
            "The database is unavailable; nothing was changed, try again shortly",
            headers={"Retry-After": str(DATABASE_RETRY_AFTER_S)},
        )


# SQLSTATE classes and codes that mean "the database is not there right now", not "this request is wrong":
# 08 connection exception, 53300 too many connections, 57P01-57P03 shutdown / crash / cannot connect now,
# 57014 a statement cancelled by the server's statement timeout.
_UNAVAILABLE_SQLSTATES = ("08", "53300", "57P01", "57P02", "57P03", "57014")
_NOT_NETWORK = (FileNotFoundError, PermissionError, IsADirectoryError, NotADirectoryError)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception and its causes: SQLAlchemy wraps the driver's exception, which may wrap a socket
    error or a timeout."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__


def _sqlstate(exc: BaseException) -> str | None:
    code = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
    return code if isinstance(code, str) else None


def is_database_unavailable(exc: BaseException) -> bool:
    """True for a failure to reach the database or to hear from it in time, wherever in the chain of
    causes."""
    for current in _causes(exc):
        if isinstance(current, PoolTimeoutError | TimeoutError | ConnectionError):
            return True
        if isinstance(current, OSError) and not isinstance(current, _NOT_NETWORK):
            return True
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return True
        code = _sqlstate(current)
        if code is not None and code.startswith(_UNAVAILABLE_SQLSTATES):
            return True
        if type(current).__module__.startswith("asyncpg") and type(current).__name__ in _ASYNCPG_GONE:
            return True
    return False


# 55P03 lock_not_available: a row lock (say, the loan's, while another payment to it posts) was not granted
# within `lock_timeout`; 40001 and 40P01 (serialization failure, deadlock) once `db.transactions.retrying`
# has used its attempts. The record is busy, the database is fine: 429, try again in a moment.
_BUSY_SQLSTATES = frozenset({"55P03", "40001", "40P01"})


def is_contention(exc: BaseException) -> bool:
    """True when the database refused to wait any longer for another transaction on the same rows."""
    return any(_sqlstate(current) in _BUSY_SQLSTATES for current in _causes(exc))


_ASYNCPG_GONE = frozenset(
    {"ConnectionDoesNotExistError", "InterfaceError", "InternalClientError", "ConnectionFailureError"}
)


def problem(
    status: int,
    type_: str,
    title: str,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    instance: str | None = None,
    **extensions: Any,
) -> Response[dict[str, Any]]:
    """Build an RFC 9457 response. `type_` is the short slug; it is expanded to a URN."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + type_,
        "title": title,
        "status": status,
        "detail": detail,
        "requestId": request_id_var.get(),
        **extensions,
    }
    if instance:
        body["instance"] = instance
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def handle_exception(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    """The one exception handler, registered for every exception type on the app."""
    error = to_loan_engine_error(exc)
    if isinstance(error, ValidationError) and isinstance(exc, ValidationException):
        error = _wire_names(request, error)
    if isinstance(error, DatabaseUnavailableError):
        log.warning("database_unavailable", path=request.url.path, error=type(exc).__name__)
    elif error.status >= 500:
        log.error("unhandled_error", path=request.url.path, exc_info=exc)
    return problem(
        error.status,
        error.type,
        error.title,
        error.detail,
        headers=error.headers,
        instance=request.url.path,
        **error.extensions(),
    )


def to_loan_engine_error(exc: Exception) -> LoanEngineError:
    """Translate framework and driver exceptions into our hierarchy; anything unknown is a 500."""
    if isinstance(exc, LoanEngineError):
        return exc
    if isinstance(exc, ValidationException):
        return _from_validation(exc)
    if isinstance(exc, NotFoundException):
        return NotFoundError("No resource at this address")
    if isinstance(exc, MethodNotAllowedException):  # keep the router's Allow header (RFC 9110 15.5.6)
        allow = {k: v for k, v in (exc.headers or {}).items() if k.lower() == "allow"}
        return MethodNotAllowedError(exc.detail, headers=allow)
    if isinstance(exc, NotAuthorizedException):
        return AuthenticationError(exc.detail)
    if isinstance(exc, PermissionDeniedException):
        return PermissionDeniedError(exc.detail)
    if isinstance(exc, TooManyRequestsException):
        return RateLimitedError(60, exc.detail)
    if isinstance(exc, IntegrityError | asyncpg.IntegrityConstraintViolationError):
        return ConflictError("The request conflicts with data already stored")
    if is_contention(exc):
        return BusyError()
    if is_database_unavailable(exc):
        return DatabaseUnavailableError()
    if isinstance(exc, HTTPException) and 400 <= exc.status_code < 500:
        return _client_error(exc)
    return LoanEngineError()


def _client_error(exc: HTTPException) -> LoanEngineError:
    """Other 4xx from the framework: a body that is not JSON, a missing header, and so on."""
    if exc.status_code == 413:
        return PayloadTooLargeError("The request body is too large")
    return BadRequestError(_clean(exc.detail))


_MSGSPEC_PATH = re.compile(r" - at `\$(?P<path>[^`]*)`")
_MSGSPEC_PATTERN = re.compile(r"^Expected `str` matching regex '(?P<pattern>.*)'$")
_PATTERN_MEANINGS: dict[str, str] = {}


def pattern_meaning(pattern: str, meaning: str) -> str:
    """Register what a schema pattern means, so a mismatch reads "must be ..." instead of the regex.
    Returns the pattern, for use inside `msgspec.Meta(pattern=...)`."""
    _PATTERN_MEANINGS[repr(pattern)[1:-1]] = meaning  # msgspec quotes the pattern as repr() does
    return pattern


_MSGSPEC_FIELD = re.compile(r"^Object (?:contains unknown|missing required) field `(?P<name>[^`]+)`")


def _from_validation(exc: ValidationException) -> LoanEngineError:
    """Litestar's signature validation: body, query, path and header errors with their keys."""
    raw = exc.extra if isinstance(exc.extra, list) else []
    errors = [_field_error(item) for item in raw if isinstance(item, dict)]
    if not errors:
        return ValidationError([FieldError("", _clean(exc.detail))])
    return ValidationError(errors)


def _field_error(item: dict[str, Any]) -> FieldError:
    message = str(item.get("message", "invalid value"))
    key = str(item.get("key", ""))
    match = _MSGSPEC_PATH.search(message)
    if match:  # msgspec puts the precise path into the message: `$.fees[0].amount`
        key = match.group("path") or key
        message = message[: match.start()]
    key = "" if key == "data" else _dotted(key)
    pattern = _MSGSPEC_PATTERN.match(message)
    if pattern:
        message = _PATTERN_MEANINGS.get(pattern.group("pattern"), "has the wrong format")
    named = _MSGSPEC_FIELD.search(message)
    if named:  # an unknown or missing key: name it, under the object it belongs to
        key = f"{key}.{named.group('name')}" if key else named.group("name")
    return FieldError(key, message)


def _wire_names(request: Request[Any, Any, Any], error: ValidationError) -> ValidationError:
    """Litestar names a failing parameter by its Python name (`to_version`); the caller sent it by its
    wire name (`to`, from `QueryParameter(name=...)`, `query=`, `header=` or `cookie=`)."""
    try:
        parameters = request.route_handler.parsed_fn_signature.parameters
    except Exception:
        return error
    renamed = []
    for item in error.errors:
        head, _, rest = item.field.partition(".")
        parameter = parameters.get(head)
        definition = getattr(parameter, "kwarg_definition", None)
        alias = next(
            (a for a in (getattr(definition, k, None) for k in ("query", "header", "cookie", "name")) if a), None
        )
        renamed.append(FieldError(".".join(filter(None, (alias, rest))) if alias else item.field, item.message))
    return ValidationError(renamed)


def _dotted(path: str) -> str:
    """`.fees[0].amount` -> `fees.0.amount`."""
    return re.sub(r"\[(\d+)\]", r".\1", path).lstrip(".")


def _clean(detail: str) -> str:
    """Framework messages are safe, but keep them to one line and free of Python reprs."""
    return detail.splitlines()[0][:300] if detail else "Bad request"
