"""/api/loans: booking, disbursement, transactions, reads, the payoff quote.

Staff (admins, underwriters) see and service every loan (channel ``staff``); a borrower sees only their
own loans (another's is a 404) and may post payments to them (channel ``web``); an API client with
``loans:write`` books, disburses and posts payments, reversals and recoveries (channel ``api``), and
with ``loans:read`` reads. Every POST needs an ``Idempotency-Key`` header (docs/IDEMPOTENCY.md).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, HeaderParameter, JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.api.csv import CSV, OFFERS_CSV, FormatParameter, wants_csv
from loan_engine.api.request import AnyRequest, request_meta
from loan_engine.api.types import DEFAULT_LIMIT, Cursor, Limit
from loan_engine.audit.service import Party
from loan_engine.auth.guards import BEARER, allow
from loan_engine.auth.principal import ClientPrincipal, Role, Scope, UserPrincipal
from loan_engine.errors import PermissionDeniedError
from loan_engine.finance.replay import LoanStatus
from loan_engine.idempotency.http import request_key, respond
from loan_engine.ledger.schemas import JournalPage
from loan_engine.loans.schemas import (
    Channel,
    DisbursementCreate,
    LoanCreate,
    LoanPage,
    LoanRead,
    PayoffRead,
    PostingResult,
    TransactionCreate,
    TransactionPage,
)
from loan_engine.loans.service import Caller, LoanService, loans_csv

STAFF = {Role.ADMIN, Role.UNDERWRITER}
EVERYONE = {Role.ADMIN, Role.UNDERWRITER, Role.BORROWER}
# Reads: staff, the borrower (the service limits a borrower to their own loans), clients with either scope.
READ = allow(roles=EVERYONE, scopes={Scope.LOANS_READ, Scope.LOANS_WRITE})
IdempotencyKey = Annotated[
    str,
    HeaderParameter(
        name="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="A unique key per intended request (a UUID); a retry with the same key gets the first "
        "response, for at least 24 hours",
    ),
]


async def provide_service(db_session: NamedDependency[AsyncSession]) -> LoanService:
    return LoanService(db_session)


def caller_of(request: AnyRequest) -> Caller:
    principal = request.scope.get("user")
    if isinstance(principal, ClientPrincipal):
        return Caller(Party.client(principal.id), f"client:{principal.id}", Channel.API)
    if isinstance(principal, UserPrincipal):
        scope = f"user:{principal.id}"
        if principal.has_any(frozenset(STAFF)):
            return Caller(Party.user(principal.id), scope, Channel.STAFF)
        return Caller(Party.user(principal.id), scope, Channel.WEB, own_only=principal.id)
    raise PermissionDeniedError  # pragma: no cover - the guard ran first


class LoansController(Controller):
    path = "/api/loans"
    tags = ["loans"]
    security = BEARER
    dependencies = {"loans": Provide(provide_service)}

    @post(
        "/",
        status_code=201,
        guards=[allow(roles=STAFF, scopes={Scope.LOANS_WRITE})],
        summary="Book a loan on a published product version (the schedule is the quote's, cent for cent)",
        opt={"problems": (404,)},  # the product (or its version) is not on offer
    )
    async def book(
        self,
        request: AnyRequest,
        loans: NamedDependency[LoanService],
        data: JSONBody[LoanCreate],
        idempotency_key: IdempotencyKey,
    ) -> Response[LoanRead]:
        caller = caller_of(request)
        key = request_key(request, caller.scope, idempotency_key, data)
        return respond(await loans.book(caller, data, key, request_meta(request)))

    @get(
        "/",
        guards=[READ],
        summary="Loans, newest first (a borrower sees their own); filters; CSV with Accept: text/csv or ?format=csv",
        responses={200: ResponseSpec(data_container=LoanPage, description="JSON or CSV", generate_examples=False)},
        opt=OFFERS_CSV,
    )
    async def list_loans(  # noqa: PLR0917 - the list's filters
        self,
        request: AnyRequest,
        loans: NamedDependency[LoanService],
        status: Annotated[LoanStatus | None, QueryParameter()] = None,
        borrower_id: Annotated[uuid.UUID | None, QueryParameter(name="borrowerId")] = None,
        product_code: Annotated[str | None, QueryParameter(name="productCode", max_length=32)] = None,
        borrower_email: Annotated[
            str | None,
            QueryParameter(name="borrowerEmail", max_length=320, description="Staff: the borrower's email, exactly"),
        ] = None,
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
        format_: FormatParameter = None,
    ) -> LoanPage | Response[str]:
        page = await loans.page(
            caller_of(request),
            status=status,
            borrower_id=borrower_id,
            product_code=product_code,
            cursor=cursor,
            limit=limit,
            borrower_email=borrower_email,
        )
        if wants_csv(request, format_):
            headers = {"X-Next-Cursor": page.next_cursor} if page.next_cursor else {}
            return Response(loans_csv(page.items), media_type=CSV, headers=headers)
        return page

    @get(
        "/{loan_id:uuid}",
        guards=[READ],
        summary="A loan: summary, schedule with what was paid against each installment, last 20 transactions",
    )
    async def get_loan(
        self, request: AnyRequest, loans: NamedDependency[LoanService], loan_id: FromPath[uuid.UUID]
    ) -> LoanRead:
        return await loans.get(caller_of(request), loan_id)

    @post(
        "/{loan_id:uuid}/disbursement",
        status_code=201,
        guards=[allow(roles=STAFF, scopes={Scope.LOANS_WRITE})],
        summary="Disburse the loan in full (net proceeds) on its start date; the loan becomes active",
    )
    async def disburse(
        self,
        request: AnyRequest,
        loans: NamedDependency[LoanService],
        loan_id: FromPath[uuid.UUID],
        data: JSONBody[DisbursementCreate],
        idempotency_key: IdempotencyKey,
    ) -> Response[PostingResult]:
        caller = caller_of(request)
        key = request_key(request, caller.scope, idempotency_key, data)
        return respond(await loans.disburse(caller, loan_id, data, key, request_meta(request)))

    @post(
        "/{loan_id:uuid}/transactions",
        status_code=201,
        guards=[allow(roles=EVERYONE, scopes={Scope.LOANS_WRITE})],
        summary="Post a transaction (payment, reversal, fee, waiver, write-off, recovery, refund) with its journal",
    )
    async def post_transaction(
        self,
        request: AnyRequest,
        loans: NamedDependency[LoanService],
        loan_id: FromPath[uuid.UUID],
        data: JSONBody[TransactionCreate],
        idempotency_key: IdempotencyKey,
    ) -> Response[PostingResult]:
        caller = caller_of(request)
        key = request_key(request, caller.scope, idempotency_key, data)
        return respond(await loans.post_transaction(caller, loan_id, data, key, request_meta(request)))

    @get(
        "/{loan_id:uuid}/transactions",
        guards=[READ],
        summary="A loan's transactions, newest first",
    )
    async def list_transactions(
        self,
        request: AnyRequest,
        loans: NamedDependency[LoanService],
        loan_id: FromPath[uuid.UUID],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> TransactionPage:
        return await loans.transactions(caller_of(request), loan_id, cursor, limit)

    @get(
        "/{loan_id:uuid}/journal",
        guards=[READ],
        summary="A loan's journal entries with their legs, oldest first",
    )
    async def journal(
        self,
        request: AnyRequest,
        loans: NamedDependency[LoanService],
        loan_id: FromPath[uuid.UUID],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> JournalPage:
        return await loans.journal(caller_of(request), loan_id, cursor, limit)

    @get(
        "/{loan_id:uuid}/payoff",
        guards=[READ],
        summary="The payoff amount good through a date, its parts and the per-diem",
    )
    async def payoff(
        self,
        request: AnyRequest,
        loans: NamedDependency[LoanService],
        loan_id: FromPath[uuid.UUID],
        on: Annotated[date | None, QueryParameter(name="date", description="Default: today")] = None,
    ) -> PayoffRead:
        return await loans.payoff(caller_of(request), loan_id, on)


__all__ = ["LoansController"]
