"""What the API knows about the request a use case serves: where it came from.

Services take a `RequestMeta` rather than the framework's request, so the same use case runs from HTTP,
the CLI (an empty `RequestMeta()`) or a job, and the audit log records the source of each change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.datastructures import State

AnyRequest = Request[Any, Any, State]


@dataclass(frozen=True, slots=True)
class RequestMeta:
    """Where a request came from (uvicorn resolves X-Forwarded-For from trusted proxies into `client`)."""

    source_address: str | None = None
    user_agent: str | None = None


def request_meta(request: AnyRequest) -> RequestMeta:
    """The caller's address (uvicorn applies X-Forwarded-For from FORWARDED_ALLOW_IPS proxies only) and
    user agent."""
    return RequestMeta(
        source_address=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
    )
