"""POST /api/quotes and POST /api/apr: public pricing endpoints (no sign-in, nothing stored)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Controller, MediaType, Request, post
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody
from litestar.response.base import ASGIResponse

from loan_engine.quotes import service
from loan_engine.quotes.schemas import AprRequest, AprResponse, QuoteRequest, QuoteResponse

CSV = "text/csv"
AnyRequest = Request[Any, Any, State]


def _wants_csv(request: AnyRequest) -> bool:
    # The raw ASGI headers: building request.headers would cost more than the check (this is the hot route).
    accept = next((value for name, value in request.scope["headers"] if name == b"accept"), b"")
    return b"text/csv" in accept and b"application/json" not in accept


class QuotesController(Controller):
    path = "/api"
    tags = ["quotes"]

    @post(
        "/quotes",
        status_code=200,
        operation_id="CreateQuote",
        summary="Price a loan: schedule, totals and the Truth-in-Lending figures (APR by Reg Z App. J)",
        description="Send `Accept: text/csv` to receive the schedule as CSV instead.",
        responses={
            200: ResponseSpec(
                data_container=QuoteResponse, description="The quote (JSON, or CSV)", generate_examples=False
            )
        },
    )
    async def create_quote(self, request: AnyRequest, data: JSONBody[QuoteRequest]) -> ASGIResponse:
        today = datetime.now(UTC).date()
        if _wants_csv(request):
            return ASGIResponse(body=service.quote_csv(data, today).encode(), media_type=CSV)
        # The body is encoded by the service (the schedule by the compiled kernel) and documented by
        # `responses` above, so the handler returns the finished ASGI response (Litestar sends it as is).
        return ASGIResponse(body=service.quote_json(data, today), media_type=MediaType.JSON)

    @post(
        "/apr",
        status_code=200,
        operation_id="ComputeApr",
        summary="The APR of any advances and payments by Regulation Z Appendix J (actuarial method)",
    )
    async def compute_apr(self, data: JSONBody[AprRequest]) -> AprResponse:
        return service.apr(data)
