"""Pure-ASGI middleware: request id, access log and security headers in one pass; and
`Cache-Control: no-store` on every answer to a request that carries credentials (Authorization or a
cookie) unless the route set its own Cache-Control.

It is written against raw ASGI rather than Litestar's middleware classes because it wraps every
request, the health probe included, and must stay cheap (see bench/bench_health.py).
"""

from __future__ import annotations

import logging
import os
import re
import time
from typing import Any

import structlog
from litestar.config.compression import CompressionConfig
from litestar.enums import ScopeType
from litestar.middleware.compression import CompressionMiddleware
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

from loan_engine.request_context import request_id_var

REQUEST_ID_HEADER = b"x-request-id"
_VALID_REQUEST_ID = re.compile(rb"^[A-Za-z0-9._:=+/-]{1,128}$")
_PROBE_PREFIX = "/health/"
_NO_STORE = (b"cache-control", b"no-store")
_CREDENTIAL_HEADERS = frozenset({b"authorization", b"cookie"})

# Sent on every response, per the OWASP REST Security cheat sheet. HSTS is harmless over plain HTTP
# (browsers ignore it there).
_COMMON_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"strict-transport-security", b"max-age=63072000; includeSubDomains"),
)
# Only documents a browser renders (the web app, the API docs page) need these; leaving them off JSON
# keeps every API response, the ALB's probe included, a few header lines shorter.
_DOCUMENT_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)
# API responses never render in a browser; the web app and the API docs page need scripts and styles.
API_CSP = b"default-src 'none'; frame-ancestors 'none'"
WEB_CSP = (
    b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    b"script-src 'self'; connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; "
    b"base-uri 'self'; form-action 'self'"
)
DOCS_CSP = (
    b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    b"script-src 'self' 'unsafe-inline'; connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'"
)


_API_HEADERS = (*_COMMON_HEADERS, (b"content-security-policy", API_CSP))
_WEB_HEADERS = (*_COMMON_HEADERS, *_DOCUMENT_HEADERS, (b"content-security-policy", WEB_CSP))
_DOCS_HEADERS = (*_COMMON_HEADERS, *_DOCUMENT_HEADERS, (b"content-security-policy", DOCS_CSP))


def _headers_for(path: str) -> tuple[tuple[bytes, bytes], ...]:
    if path.startswith(("/api/docs", "/api/schema")):
        return _DOCS_HEADERS
    if path.startswith(("/api/", "/auth/", "/health/")) or path in ("/api", "/auth", "/health"):
        return _API_HEADERS
    return _WEB_HEADERS


class RequestContextMiddleware:
    """Assigns the request id, logs one line per request and adds security headers."""

    def __init__(
        self, app: ASGIApp, *, compression: CompressionConfig | None = None, log_health_checks: bool = False
    ) -> None:
        self.app = app
        # Litestar's own gzip middleware, applied here rather than on every route so the probes, whose
        # bodies are a few bytes, skip it entirely (the ALB calls them every few seconds per task).
        self.compressed_app = CompressionMiddleware(app=app, config=compression) if compression else app
        # It passes a response through unless the client accepts its encoding (or gzip, its fallback); the
        # headers are read here anyway, so a client that accepts neither skips it altogether.
        self.encodings: tuple[bytes, ...] = ()
        if compression:
            accepted = [compression.backend.encode(), *([b"gzip"] if compression.gzip_fallback else [])]
            self.encodings = tuple(dict.fromkeys(accepted))
        self.log_health_checks = log_health_checks
        # Bound now (logging is configured before the app is built), not through the lazy proxy per request.
        self.log = structlog.get_logger("loan_engine.access").bind()
        self.logs_requests = self.log.is_enabled_for(logging.INFO)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        request_id, accept_encoding, authenticated = _read_headers(scope)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        path: str = scope["path"]
        extra = (*_headers_for(path), (REQUEST_ID_HEADER, request_id.encode()))

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = message.get("headers", ())
                if authenticated and not any(name.lower() == b"cache-control" for name, _ in headers):
                    # an answer to a credentialed request may carry personal data: no cache keeps it,
                    # unless the route chose its own Cache-Control
                    message["headers"] = [*headers, _NO_STORE, *extra]
                else:
                    message["headers"] = [*headers, *extra]
            await send(message)

        compress = bool(accept_encoding) and any(encoding in accept_encoding for encoding in self.encodings)
        app = self.compressed_app if compress and not path.startswith(_PROBE_PREFIX) else self.app
        try:
            await app(scope, receive, send_with_headers)
        finally:
            if self.logs_requests and (self.log_health_checks or not path.startswith(_PROBE_PREFIX) or status >= 500):
                self._log(scope, status, started)
            request_id_var.reset(token)

    def _log(self, scope: HTTPScope, status: int, started: float) -> None:
        duration_ms = round((time.perf_counter() - started) * 1000, 2)
        client: Any = scope.get("client")
        self.log.info(
            "request",
            method=scope["method"],
            path=scope["path"],
            status=status,
            duration_ms=duration_ms,
            client=client[0] if client else None,
        )


def _read_headers(scope: Scope) -> tuple[str, bytes, bool]:
    """One pass over the request headers: the request id, the Accept-Encoding value and whether the
    request carries credentials (an Authorization header or a cookie).

    The request id is the client's X-Request-ID when it is a sane token, otherwise 128 random bits as
    32 hex digits (the W3C trace-id form; cheaper than formatting a UUID on every request)."""
    request_id = None
    accept_encoding = b""
    authenticated = False
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER and request_id is None and _VALID_REQUEST_ID.match(value):
            request_id = value.decode()
        elif name == b"accept-encoding":
            accept_encoding = value
        elif name in _CREDENTIAL_HEADERS:
            authenticated = True
    return request_id or os.urandom(16).hex(), accept_encoding, authenticated
