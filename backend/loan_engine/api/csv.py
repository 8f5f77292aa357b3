"""CSV alternatives of JSON answers: which one the caller asked for, and how a route says it offers one.

A route that can answer CSV passes ``opt=OFFERS_CSV``; `api/openapi.py` then documents ``text/csv`` next
to JSON on its success response, and takes ``?format=json|csv`` (``FormatParameter``) where it has one.
"""

from __future__ import annotations

from typing import Annotated

from litestar.params import QueryParameter

from loan_engine.api.request import AnyRequest

CSV = "text/csv"
OFFERS_CSV = {"csv": True}
FormatParameter = Annotated[
    str | None, QueryParameter(name="format", pattern="^(json|csv)$", description="`csv` for CSV, overriding Accept")
]


def wants_csv(request: AnyRequest, format_: str | None = None) -> bool:
    """``?format=`` when given, else an Accept that names CSV and not JSON."""
    if format_ is not None:
        return format_ == "csv"
    # The raw ASGI headers: building request.headers would cost more than the check (quotes is a hot route).
    accept = next((value for name, value in request.scope["headers"] if name == b"accept"), b"")
    return CSV.encode() in accept and b"application/json" not in accept
