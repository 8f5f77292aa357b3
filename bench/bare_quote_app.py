"""The peer for bench_quotes_http: a bare Litestar app (no middleware, no database) whose
POST /api/quotes decodes the same request Struct and returns a quote computed once at import — the
same bytes our endpoint sends, without the math. /bare/bytes returns those bytes pre-encoded."""

from __future__ import annotations

from datetime import date

import msgspec
from litestar import Litestar, Response, get, post
from litestar.params import JSONBody

from loan_engine.quotes import service
from loan_engine.quotes.schemas import QuoteRequest, QuoteResponse

REQUEST = msgspec.json.encode(
    {"principal": "250000", "annualRate": "6.5", "termPeriods": 360, "startDate": "2025-01-15"}
)
_QUOTE = service.quote(msgspec.json.decode(REQUEST, type=QuoteRequest), date(2025, 1, 15))
_BYTES = msgspec.json.encode(_QUOTE)


@get("/health/live")
async def live() -> dict[str, str]:
    return {"status": "ok"}


@post("/api/quotes", status_code=200)
async def quotes(data: JSONBody[QuoteRequest]) -> QuoteResponse:
    return _QUOTE


@post("/bare/bytes", status_code=200)
async def quote_bytes(data: JSONBody[QuoteRequest]) -> Response[bytes]:
    return Response(_BYTES, media_type="application/json")


app = Litestar(route_handlers=[live, quotes, quote_bytes], debug=False)
