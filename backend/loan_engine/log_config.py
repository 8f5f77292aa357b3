"""Structured logging: JSON lines in prod, readable lines in dev; every line carries the request id.

Our own lines go from structlog straight to stderr: a level filter compiled into the logger class, a few
processors, the renderer, one write. Going through the standard library's logging as well (a LogRecord,
a caller lookup, a formatter copying the record) cost about 18 µs per access line in-process and
about 60 µs per request under load (bench/bench_quotes_http.py). The standard library's loggers
(uvicorn, sqlalchemy, alembic) still go through `logging`, rendered by the same processors.

Modules name their logger: ``structlog.get_logger("loan_engine.auth")``.

Secrets never reach a log line, in either format (docs/SECURITY.md §11.4): a traceback is rendered as
plain text without local variables (structlog's console renderer would otherwise print every frame's
locals, a plaintext password among them); the engine hides SQL parameters (`hide_parameters`, so a
failed INSERT does not log an email and an Argon2 hash); and a last processor, `redact`, replaces the
value of any field named like a secret and the password of any URL (`postgresql://app:***@db`), also
inside rendered exception text.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable
from typing import Any

import msgspec
import structlog

from loan_engine.request_context import request_id_var
from loan_engine.settings import LogFormat, Settings

SECRET_FIELDS = re.compile(r"pass(word)?|secret|token|authori[sz]ation|cookie|api[_-]?key|credential|hash", re.I)
REDACTED = "[redacted]"
_URL_PASSWORD = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<user>[^:/?#@\s]*):(?P<password>[^@/?#\s]+)@", re.I)
_SECRET_ASSIGNMENT = re.compile(
    r"(?P<key>\b(?:password|passwd|client_secret|refresh_token|access_token|secret)\b\s*[=:]\s*)(?P<value>'[^']*'|\"[^\"]*\"|[^\s,)&]+)",
    re.I,
)


def scrub(text: str) -> str:
    """Remove URL passwords and `password=...`-style assignments from free text (messages, tracebacks)."""
    text = _URL_PASSWORD.sub(lambda m: f"{m['scheme']}{m['user']}:***@", text)
    return _SECRET_ASSIGNMENT.sub(lambda m: f"{m['key']}{REDACTED}", text)


def _redact_value(key: str, value: Any) -> Any:
    if SECRET_FIELDS.search(key):
        return REDACTED
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: _redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_value("", v) for v in value]
    return value


def redact(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
    """The last processor before rendering: secret-named fields are replaced, URL passwords and
    `password=` assignments are scrubbed from every string (the rendered exception included)."""
    return {key: _redact_value(key, value) for key, value in event.items()}


def _add_request_id(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
    request_id = request_id_var.get()
    if request_id is not None:
        event.setdefault("request_id", request_id)
    return event


class _Stderr:
    """The logger structlog hands rendered lines to: one write per line to the current ``sys.stderr``
    (line-buffered; looked up per line because servers and tests replace it). ``name`` is the name given
    to ``structlog.get_logger``, which ``add_logger_name`` puts in the line."""

    def __init__(self, name: str) -> None:
        self.name = name

    def msg(self, line: str) -> None:
        sys.stderr.write(line + "\n")

    debug = info = warning = error = critical = exception = msg


def _stderr_logger(name: str = "loan_engine", *_: Any) -> _Stderr:
    return _Stderr(name)


def _json(event: dict[str, Any], default: Callable[[Any], Any], **_: Any) -> str:
    """JSONRenderer's serializer: msgspec, keys sorted as json.dumps(sort_keys=True) would; values it
    cannot encode go through structlog's fallback (their repr)."""
    return msgspec.json.encode(event, enc_hook=default, order="sorted").decode()


def configure_logging(settings: Settings) -> None:
    """structlog for our lines, and the standard library's loggers rendered the same way."""
    json_lines = settings.log_format is LogFormat.JSON
    renderer: Any = (
        structlog.processors.JSONRenderer(serializer=_json)
        if json_lines
        else structlog.dev.ConsoleRenderer(
            colors=sys.stderr.isatty(), exception_formatter=structlog.dev.plain_traceback
        )
    )
    # Both formats render a traceback as plain text first (no locals), so `redact` sees it as a string.
    exceptions: list[Any] = [structlog.processors.format_exc_info, redact]
    shared: list[Any] = [
        _add_request_id,  # the one piece of request context (structlog's contextvars are not used)
        structlog.processors.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, *exceptions, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelNamesMapping()[settings.log_level]),
        logger_factory=_stderr_logger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *exceptions, renderer],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
    # uvicorn's own access log would duplicate ours (ours has the request id and duration).
    logging.getLogger("uvicorn.access").disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
