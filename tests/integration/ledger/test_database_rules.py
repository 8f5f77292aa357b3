"""What PostgreSQL itself enforces on the ledger: every journal balances (at COMMIT, whatever the order the
legs were inserted in) and journals, legs and loan transactions can never be changed or removed, by any
role, the owner included; and the chart of accounts the migration seeds."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from loan_engine.db.transactions import NotInTransactionError
from loan_engine.ledger import service
from loan_engine.ledger.accounts import JournalHeader, Leg, Side
from tests.conftest import truncate_all
from tests.integration.auth.conftest import MakeAccount, sql

# (loan_transactions gets the same checks in tests/integration/loans, where there is a loan to hold one.)


@pytest.fixture
async def clean(database_url: str) -> AsyncIterator[None]:
    yield
    await truncate_all(database_url)


async def _journal(conn: object, legs: list[tuple[str, str, str]]) -> None:
    execute = conn.execute  # type: ignore[attr-defined]
    journal_id = (
        await execute(text("INSERT INTO journals (kind, value_date) VALUES ('manual', '2026-12-01') RETURNING id"))
    ).scalar_one()
    for account, side, amount in legs:
        await execute(
            text(
                "INSERT INTO journal_legs (journal_id, account_code, side, amount, currency) "
                "VALUES (:j, :a, :s, :m, 'USD')"
            ),
            {"j": journal_id, "a": account, "s": side, "m": Decimal(amount)},
        )


async def test_the_migration_seeds_the_chart_of_accounts(db: AsyncEngine) -> None:
    rows = await sql(db, "SELECT code, role, kind, normal_side FROM ledger_accounts ORDER BY code")
    assert [(r.code, r.role) for r in rows] == [
        ("1000", "cash"),
        ("1100", "principal_receivable"),
        ("1200", "interest_receivable"),
        ("1300", "fee_receivable"),
        ("2000", "borrower_credit"),
        ("2900", "suspense"),
        ("4000", "interest_income"),
        ("4100", "fee_income"),
        ("4200", "recoveries"),
        ("5000", "charge_off_expense"),
    ]
    assert {r.normal_side for r in rows if r.kind in {"asset", "expense"}} == {"debit"}


async def test_a_balanced_journal_commits(db: AsyncEngine, clean: None) -> None:
    async with db.begin() as conn:
        await _journal(conn, [("1000", "debit", "10.00"), ("4100", "credit", "4.00"), ("4000", "credit", "6.00")])
    assert (await sql(db, "SELECT count(*) AS n FROM journal_legs"))[0].n == 3


@pytest.mark.parametrize(
    "legs",
    [
        [("1000", "debit", "10.00"), ("4100", "credit", "9.99")],
        [("1000", "debit", "10.00")],
        [],
    ],
    ids=["debits-exceed-credits", "one-leg", "no-legs"],
)
async def test_an_unbalanced_journal_is_refused_at_commit(
    db: AsyncEngine, clean: None, legs: list[tuple[str, str, str]]
) -> None:
    with pytest.raises(DBAPIError, match=r"journal .* (does not balance|legs; a journal needs at least two)"):
        async with db.begin() as conn:
            await _journal(conn, legs)
    assert (await sql(db, "SELECT count(*) AS n FROM journals"))[0].n == 0


async def test_legs_may_balance_only_by_commit_time(db: AsyncEngine, clean: None) -> None:
    """The check is deferred: the first leg alone would not balance, the pair does."""
    async with db.begin() as conn:
        await _journal(conn, [("1300", "debit", "25.00")])
        journal_id = (await conn.execute(text("SELECT max(id) FROM journals"))).scalar_one()
        await conn.execute(
            text(
                "INSERT INTO journal_legs (journal_id, account_code, side, amount, currency) "
                "VALUES (:j, '4100', 'credit', 25.00, 'USD')"
            ),
            {"j": journal_id},
        )
    assert (await sql(db, "SELECT count(*) AS n FROM journal_legs"))[0].n == 2


async def test_a_leg_amount_must_be_positive(db: AsyncEngine, clean: None) -> None:
    with pytest.raises(DBAPIError, match="ck_journal_legs_amount_positive"):
        async with db.begin() as conn:
            await _journal(conn, [("1000", "debit", "0"), ("4100", "credit", "0")])


@pytest.mark.parametrize("table", ["journals", "journal_legs"])
@pytest.mark.parametrize("statement", ["UPDATE {t} SET {c} = {c}", "DELETE FROM {t}", "TRUNCATE {t} CASCADE"])
async def test_the_owner_cannot_change_or_remove_ledger_rows(
    db: AsyncEngine, clean: None, table: str, statement: str
) -> None:
    async with db.begin() as conn:
        await _journal(conn, [("1000", "debit", "1.00"), ("4100", "credit", "1.00")])
    column = {"journals": "memo", "journal_legs": "amount", "loan_transactions": "reason"}[table]
    with pytest.raises(DBAPIError, match=r"(journals|journal_legs) is append-only"):
        async with db.begin() as conn:
            await conn.execute(text(statement.format(t=table, c=column)))


async def test_a_non_owner_role_with_every_grant_still_cannot_update_or_delete(
    db: AsyncEngine, database_url: str, clean: None
) -> None:
    """Grants are not what stops it: the triggers refuse for a role that holds every privilege."""
    role = f"ledger_probe_{uuid.uuid4().hex[:8]}"
    async with db.begin() as conn:
        await _journal(conn, [("1000", "debit", "1.00"), ("4100", "credit", "1.00")])
        await conn.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD 'probe-password'"))
        await conn.execute(text(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}"))
    host_url = database_url.split("@", 1)[1]
    probe = create_async_engine(f"postgresql+asyncpg://{role}:probe-password@{host_url}")
    try:
        for table, column in (("journals", "memo"), ("journal_legs", "amount")):
            for statement in (f"UPDATE {table} SET {column} = {column}", f"DELETE FROM {table}"):
                with pytest.raises(DBAPIError, match="is append-only"):
                    async with probe.begin() as conn:
                        await conn.execute(text(statement))
        async with probe.begin() as conn:  # it can still read and insert
            assert (await conn.execute(text("SELECT count(*) FROM journals"))).scalar_one() == 1
    finally:
        await probe.dispose()
        async with db.begin() as conn:
            await conn.execute(text(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}"))
            await conn.execute(text(f"DROP ROLE {role}"))
    rows = await sql(db, "SELECT amount FROM journal_legs ORDER BY id")
    assert [r.amount for r in rows] == [Decimal("1.0000"), Decimal("1.0000")]


async def test_post_journal_joins_a_transaction_and_refuses_an_unbalanced_posting(
    database_url: str, clean: None
) -> None:
    engine = create_async_engine(database_url)
    legs = [Leg("1000", Side.DEBIT, Decimal("5.00")), Leg("4100", Side.CREDIT, Decimal("5.00"))]
    manual = JournalHeader(None, "manual", _today(), "USD")
    try:
        async with AsyncSession(engine) as session:
            with pytest.raises(NotInTransactionError):
                await service.post_journal(session, manual, legs)
            async with session.begin():
                with pytest.raises(service.UnbalancedJournalError):
                    await service.post_journal(session, manual, legs[:1])
                journal_id = await service.post_journal(session, manual, legs)
                reversal = await service.reverse_journal(session, journal_id, _today())
            async with session.begin():
                result = await service.check(session)
        assert result.ok
        assert [(t.currency, t.debits, t.credits) for t in result.general_ledger] == [
            ("USD", Decimal("10.0000"), Decimal("10.0000"))
        ]
        rows = await sql(engine, "SELECT reverses_journal_id FROM journals WHERE id = :id", id=reversal)
        assert rows[0].reverses_journal_id == journal_id
    finally:
        await engine.dispose()


def _today() -> date:
    return date(2026, 12, 1)


async def test_trial_balance_as_json_and_csv(
    client: AsyncTestClient[Litestar], db: AsyncEngine, make_account: MakeAccount
) -> None:
    admin = await make_account("admin")
    async with db.begin() as conn:
        await _journal(conn, [("1000", "debit", "100.00"), ("4100", "credit", "100.00")])
    response = await client.get("/api/admin/ledger/trial-balance", headers=admin.auth)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [(r["code"], r["debits"], r["credits"], r["balance"]) for r in body["rows"]] == [
        ("1000", "100.0000", "0", "100.0000"),
        ("4100", "0", "100.0000", "100.0000"),
    ]
    assert body["totals"] == [{"currency": "USD", "debits": "100.0000", "credits": "100.0000", "balanced": True}]
    csv = await client.get("/api/admin/ledger/trial-balance?format=csv", headers=admin.auth)
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0] == "code,name,kind,currency,debits,credits,balance"
    assert csv.text.splitlines()[1] == "1000,Cash and clearing,asset,USD,100.0000,0,100.0000"
    accept = await client.get("/api/admin/ledger/trial-balance", headers={**admin.auth, "Accept": "text/csv"})
    assert accept.text == csv.text
    check = await client.get("/api/admin/ledger/check", headers=admin.auth)
    assert check.status_code == 200
    assert check.json()["ok"] is True
