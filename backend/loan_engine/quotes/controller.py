"""POST /api/quotes and POST /api/apr: public pricing endpoints (no sign-in, nothing stored)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

from litestar import Controller, Response, post
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.api.csv import CSV, OFFERS_CSV, wants_csv
from loan_engine.api.request import AnyRequest
from loan_engine.auth.guards import allow
from loan_engine.auth.principal import Role
from loan_engine.finance.apr import MAX_FLOWS, MAX_TERM_EVALUATIONS
from loan_engine.finance.terms import MAX_TERM
from loan_engine.products.service import ProductCatalog, ProductLoan, draft_loan_terms
from loan_engine.quotes import service
from loan_engine.quotes.offload import run_math
from loan_engine.quotes.schemas import (
    MAX_FEES,
    AprRequest,
    AprResponse,
    PreviewQuoteRequest,
    ProductQuoteRequest,
    QuoteRequest,
    QuoteResponse,
)

# Above these estimates (service.quote_work, service.apr_work) the math runs in a worker thread. A quote of
# 480 steps (a 40-year monthly level-payment loan) computes in about a millisecond; an APR's cost grows with
# its distinct flows and iterations, so only small ones stay on the loop.
QUOTE_INLINE_WORK: Final = 480
APR_INLINE_WORK: Final = 32

QUOTE_BOUNDS = (
    f"Bounds: at most {MAX_TERM:,} installments (and a balloon's amortization term at most {MAX_TERM:,}) and "
    f"{MAX_FEES} fees. A quote estimated at more than {QUOTE_INLINE_WORK} steps of the schedule loop (one per "
    "installment; more with daily interest, level principal or semimonthly payments) is computed in a worker "
    "thread, so the server keeps answering other requests."
)
APR_BOUNDS = (
    f"Bounds: at most {MAX_FLOWS:,} flows (advances and payments together). The solver evaluates the "
    f"equation's terms at most {MAX_TERM_EVALUATIONS:,} times in all (flows x iterations; a run of equal "
    "payments one period apart counts as one flow): Newton's method needs one or two iterations from its "
    f"starting point even over {MAX_FLOWS:,} distinct flows, its bisection fallback about 110, so only small "
    "inputs can afford the fallback. A request that would need more is answered 422 with problem type "
    "`urn:loan-engine:problem:work-limit-exceeded`. More than "
    f"{APR_INLINE_WORK} flows are computed in a worker thread."
)


class QuotesController(Controller):
    path = "/api"
    tags = ["quotes"]

    @post(
        "/quotes",
        status_code=200,
        operation_id="CreateQuote",
        summary="Price a loan: schedule, totals and the Truth-in-Lending figures (APR by Reg Z App. J)",
        description=f"Send `Accept: text/csv` to receive the schedule as CSV instead.\n\n{QUOTE_BOUNDS}",
        responses={
            200: ResponseSpec(
                data_container=QuoteResponse, description="The quote (JSON, or CSV)", generate_examples=False
            )
        },
        opt=OFFERS_CSV,
    )
    async def create_quote(self, request: AnyRequest, data: JSONBody[QuoteRequest]) -> QuoteResponse | Response[str]:
        today = datetime.now(UTC).date()
        work = service.quote_work(data)
        if wants_csv(request):
            csv = await run_math(work, QUOTE_INLINE_WORK, service.quote_csv, data, today)
            return Response(csv, media_type=CSV)
        return await run_math(work, QUOTE_INLINE_WORK, service.quote, data, today)

    @post(
        "/quotes/product",
        status_code=200,
        operation_id="CreateProductQuote",
        summary="Price a loan on a published product: rate from its pricing grid, fees and terms from the product",
        description=(
            "The same response as `POST /api/quotes` (and `Accept: text/csv` for the schedule as CSV), for "
            "`{productCode, grade, principal, termPeriods}` (and optionally `frequency`, `startDate`, "
            "`firstPaymentDate`). The published version of the product gives the annual rate (its pricing "
            "grid, by grade and term band), the origination fee, amortization, interest method, day count, "
            "rounding and installment multiple. 404 when the product is not on offer; 422 naming "
            "`principal`, `termPeriods`, `frequency` or `grade` when the loan is outside the product."
        ),
        responses={
            200: ResponseSpec(
                data_container=QuoteResponse, description="The quote (JSON, or CSV)", generate_examples=False
            )
        },
        opt={**OFFERS_CSV, "problems": (404,)},  # 404: the product is not on offer
    )
    async def create_product_quote(
        self, request: AnyRequest, db_session: NamedDependency[AsyncSession], data: JSONBody[ProductQuoteRequest]
    ) -> QuoteResponse | Response[str]:
        loan = ProductLoan(
            product_code=data.product_code,
            grade=data.grade,
            principal=data.principal,
            term_periods=data.term_periods,
            start_date=data.start_date or datetime.now(UTC).date(),
            frequency=data.frequency,
            first_payment_date=data.first_payment_date,
        )
        terms = await ProductCatalog(db_session).loan_terms(loan)
        work = service.terms_work(terms)
        if wants_csv(request):
            csv = await run_math(work, QUOTE_INLINE_WORK, service.quote_terms_csv, terms)
            return Response(csv, media_type=CSV)
        return await run_math(work, QUOTE_INLINE_WORK, service.quote_terms, terms)

    @post(
        "/admin/products/quote-preview",
        status_code=200,
        operation_id="PreviewProductQuote",
        guards=[allow(roles={Role.ADMIN})],
        security=[{"BearerAuth": []}],
        tags=["admin", "products"],
        summary="Price a loan on a product definition being edited (nothing stored): the editor's live preview",
        description=(
            "The same rules as `POST /api/quotes/product` applied to the `definition` in the body, so an admin "
            "sees the schedule a draft would give before saving or publishing it. 422 naming the field."
        ),
    )
    async def preview_product_quote(self, data: JSONBody[PreviewQuoteRequest]) -> QuoteResponse:
        loan = ProductLoan(
            product_code="PREVIEW",
            grade=data.grade,
            principal=data.principal,
            term_periods=data.term_periods,
            start_date=data.start_date or datetime.now(UTC).date(),
            frequency=data.frequency,
        )
        terms = draft_loan_terms(data.definition, data.currency, loan)
        return await run_math(service.terms_work(terms), QUOTE_INLINE_WORK, service.quote_terms, terms)

    @post(
        "/apr",
        status_code=200,
        operation_id="ComputeApr",
        summary="The APR of any advances and payments by Regulation Z Appendix J (actuarial method)",
        description=APR_BOUNDS,
    )
    async def compute_apr(self, data: JSONBody[AprRequest]) -> AprResponse:
        return await run_math(service.apr_work(data), APR_INLINE_WORK, service.apr, data)
