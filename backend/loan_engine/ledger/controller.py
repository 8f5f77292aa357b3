"""/api/admin/ledger: the ledger check and the trial balance (admins)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.api.csv import CSV, OFFERS_CSV, FormatParameter, wants_csv
from loan_engine.api.request import AnyRequest
from loan_engine.auth.guards import BEARER, allow
from loan_engine.auth.principal import Role
from loan_engine.ledger import service
from loan_engine.ledger.schemas import LedgerCheck, TrialBalance


class AdminLedgerController(Controller):
    path = "/api/admin/ledger"
    tags = ["admin", "ledger"]
    guards = [allow(roles={Role.ADMIN})]
    security = BEARER

    @get(
        "/check",
        summary="Check the ledger: every journal balanced, the general ledger balanced, every loan's subledger "
        "equal to its balances",
    )
    async def check(self, db_session: NamedDependency[AsyncSession]) -> LedgerCheck:
        return await service.check(db_session)

    @get(
        "/trial-balance",
        summary="Trial balance per account and currency (CSV with Accept: text/csv or ?format=csv)",
        responses={200: ResponseSpec(data_container=TrialBalance, description="JSON or CSV", generate_examples=False)},
        opt=OFFERS_CSV,
    )
    async def trial_balance(
        self,
        request: AnyRequest,
        db_session: NamedDependency[AsyncSession],
        as_of: Annotated[date | None, QueryParameter(name="asOf", description="Journals up to this date")] = None,
        format_: FormatParameter = None,
    ) -> TrialBalance | Response[str]:
        balance = await service.trial_balance(db_session, as_of)
        if wants_csv(request, format_):
            return Response(service.trial_balance_csv(balance), media_type=CSV)
        return balance
