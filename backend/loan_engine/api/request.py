"""Request concepts every feature uses: where a request came from."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import State

from loan_engine.audit.service import RequestMeta

__all__ = ["AnyRequest", "RequestMeta", "request_meta"]

AnyRequest = Request[Any, Any, State]


def request_meta(request: AnyRequest) -> RequestMeta:
    """The caller's address (uvicorn applies X-Forwarded-For from FORWARDED_ALLOW_IPS proxies only)."""
    return RequestMeta(
        source_address=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
    )
