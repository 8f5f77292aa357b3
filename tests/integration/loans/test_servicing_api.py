"""Booking, disbursement and servicing through HTTP, with the ledger checked after each story."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncEngine

from loan_engine.finance.money import currency
from loan_engine.finance.schedule import build_schedule
from loan_engine.products.definition import loan_terms
from loan_engine.products.schemas import ProductDefinition
from tests.integration.auth.conftest import MakeAccount, sql
from tests.integration.loans.conftest import World, key, today
from tests.integration.products.conftest import personal_loan


def dec(text: str) -> Decimal:
    return Decimal(text)


async def test_booked_schedule_equals_the_quote_cent_for_cent(world: World) -> None:
    start = today() - timedelta(days=10)
    loan = await world.book(startDate=start.isoformat(), principal="7250.00", termPeriods=24)
    quote = await world.client.post(
        "/api/quotes",
        json={
            "principal": "7250.00",
            "annualRate": "10.99",
            "termPeriods": 24,
            "startDate": start.isoformat(),
            "frequency": "monthly",
            "dayCount": "30/360",
            "fees": [{"name": "origination", "amount": "217.50", "financed": False}],
        },
    )
    assert quote.status_code == 200, quote.text
    quoted = [(r["dueDate"], r["principal"], r["interest"]) for r in quote.json()["schedule"]]
    booked = [(r["dueDate"], r["principalDue"], r["interestDue"]) for r in loan["schedule"]]
    assert [(d, dec(p), dec(i)) for d, p, i in booked] == [(d, dec(p), dec(i)) for d, p, i in quoted]
    # and the finance code path of the product itself
    defn = msgspec.convert(personal_loan()["definition"], ProductDefinition)
    schedule = build_schedule(loan_terms(defn, currency("USD"), dec("7250.00"), 24, "monthly", "B", start))
    assert [dec(r["interestDue"]) for r in loan["schedule"]] == [row.interest for row in schedule.installments()]
    assert loan["loan"]["status"] == "approved"
    assert loan["loan"]["annualRate"] == "10.99"


async def test_a_rate_that_is_not_the_grid_rate_is_refused(world: World) -> None:
    response = await world.client.post(
        "/api/loans",
        json={**_body(world), "annualRate": "5.00"},
        headers={**world.admin.auth, **key()},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "annualRate"
    too_big = await world.client.post(
        "/api/loans", json={**_body(world), "principal": "90000.00"}, headers={**world.admin.auth, **key()}
    )
    assert too_big.status_code == 422
    assert too_big.json()["errors"][0]["field"] == "principal"


def _body(world: World) -> dict[str, Any]:
    from tests.integration.loans.conftest import booking

    return booking(world.borrower.id)


async def test_disbursement_then_payments_keep_the_ledger_equal_to_the_loan(world: World, db: AsyncEngine) -> None:
    loan = await world.book()
    loan_id = loan["loan"]["id"]
    result = await world.disburse(loan_id)
    assert result["loan"]["status"] == "active"
    assert result["loan"]["principalOutstanding"] == "5000.00"
    # the origination fee (3% of 5000, deducted) is fee income; the borrower got 4850.00
    legs = await sql(
        db,
        "SELECT account_code, side, amount FROM journal_legs WHERE loan_id = :l ORDER BY account_code",
        l=__import__("uuid").UUID(loan_id),
    )
    assert [(r.account_code, r.side, r.amount) for r in legs] == [
        ("1000", "credit", dec("4850.0000")),
        ("1100", "debit", dec("5000.0000")),
        ("4100", "credit", dec("150.0000")),
    ]
    installment = dec(loan["schedule"][0]["principalDue"]) + dec(loan["schedule"][0]["interestDue"])
    first_due = date.fromisoformat(loan["schedule"][0]["dueDate"])
    paid = await world.post(loan_id, kind="payment", amount=str(installment), valueDate=first_due.isoformat())
    assert paid.status_code == 201, paid.text
    body = paid.json()
    assert body["replayed"] is False
    assert dec(body["transaction"]["principal"]) + dec(body["transaction"]["interest"]) == installment
    read = await world.loan(loan_id)
    assert read["schedule"][0]["outstanding"] == "0.00"
    assert read["recentTransactions"][0]["kind"] == "payment"
    assert read["recentTransactions"][0]["channel"] == "staff"
    check = await world.check()
    assert check["ok"] is True, check


async def test_a_backdated_payment_replays_and_posts_adjustments(world: World) -> None:
    loan_id = await world.active(startDate=(today() - timedelta(days=100)).isoformat())
    loan = await world.loan(loan_id)
    rows = loan["schedule"]
    due1, due2 = (date.fromisoformat(rows[i]["dueDate"]) for i in (0, 1))
    late = await world.post(loan_id, kind="payment", amount="300.00", valueDate=due2.isoformat())
    assert late.status_code == 201
    assert late.json()["replayed"] is False
    early = await world.post(loan_id, kind="payment", amount="200.00", valueDate=due1.isoformat())
    assert early.status_code == 201, early.text
    assert early.json()["replayed"] is True
    # the same history posted in value-date order gives the same loan
    other = await world.active(startDate=(today() - timedelta(days=100)).isoformat())
    await world.post(other, kind="payment", amount="200.00", valueDate=due1.isoformat())
    await world.post(other, kind="payment", amount="300.00", valueDate=due2.isoformat())
    a, b = await world.loan(loan_id), await world.loan(other)
    assert a["schedule"] == b["schedule"]
    for field in ("principalOutstanding", "interestOutstanding", "feesOutstanding", "creditBalance", "status"):
        assert a["loan"][field] == b["loan"][field]
    assert (await world.check())["ok"] is True


async def test_reversal_charges_the_returned_payment_fee(world: World) -> None:
    loan_id = await world.active()
    loan = await world.loan(loan_id)
    due1 = loan["schedule"][0]["dueDate"]
    paid = await world.post(loan_id, kind="payment", amount="450.00", valueDate=due1)
    seq = paid.json()["transaction"]["seq"]
    before = await world.loan(loan_id)
    reversal = await world.post(
        loan_id, kind="payment_reversal", valueDate=due1, reversesSeq=seq, reason="NSF: returned by the bank"
    )
    assert reversal.status_code == 201, reversal.text
    assert reversal.json()["replayed"] is True
    after = reversal.json()["loan"]
    assert dec(after["feesOutstanding"]) == dec("25.00")
    assert dec(after["principalOutstanding"]) > dec(before["loan"]["principalOutstanding"])
    assert dec(after["principalOutstanding"]) == dec("5000.00")
    twice = await world.post(loan_id, kind="payment_reversal", valueDate=due1, reversesSeq=seq, reason="again")
    assert twice.status_code == 422
    assert (await world.check())["ok"] is True


async def test_payoff_amount_closes_the_loan(world: World) -> None:
    loan_id = await world.active()
    on = today()
    quote = await world.client.get(f"/api/loans/{loan_id}/payoff?date={on.isoformat()}", headers=world.admin.auth)
    assert quote.status_code == 200, quote.text
    total = quote.json()["total"]
    paid = await world.post(loan_id, kind="payment", amount=total, valueDate=on.isoformat())
    assert paid.status_code == 201, paid.text
    closed = paid.json()["loan"]
    assert closed["status"] == "paid_off"
    assert (closed["principalOutstanding"], closed["interestOutstanding"], closed["feesOutstanding"]) == (
        "0.00",
        "0.00",
        "0.00",
    )
    assert closed["creditBalance"] == "0.00"
    assert (await world.check())["ok"] is True


async def test_fees_waivers_write_off_recovery_and_refund(world: World) -> None:
    loan_id = await world.active()
    on = today().isoformat()
    assert (await world.post(loan_id, kind="fee_charge", amount="40.00", valueDate=on)).status_code == 201
    waived = await world.post(loan_id, kind="fee_waiver", amount="15.00", valueDate=on)
    assert waived.status_code == 201, waived.text
    assert waived.json()["loan"]["feesOutstanding"] == "25.00"
    no_reason = await world.post(loan_id, kind="fee_waiver", amount="5.00", valueDate=on, reason="")
    assert no_reason.status_code == 422
    written = await world.post(loan_id, kind="write_off", valueDate=on, reason="charge-off at 120 dpd")
    assert written.status_code == 201, written.text
    state = written.json()["loan"]
    assert state["status"] == "charged_off"
    assert dec(state["writtenOff"]) > dec("5000")
    recovered = await world.post(loan_id, kind="recovery", amount="100.00", valueDate=on)
    assert recovered.status_code == 201
    assert recovered.json()["loan"]["recovered"] == "100.00"
    assert (await world.check())["ok"] is True
    # overpaid -> refund
    other = await world.active()
    payoff = (await world.client.get(f"/api/loans/{other}/payoff", headers=world.admin.auth)).json()["total"]
    over = str(dec(payoff) + dec("12.34"))
    result = await world.post(other, kind="payment", amount=over, valueDate=on)
    assert result.json()["loan"]["status"] == "overpaid"
    refund = await world.post(other, kind="refund", amount="12.34", valueDate=on)
    assert refund.status_code == 201
    assert refund.json()["loan"]["status"] == "paid_off"
    assert (await world.check())["ok"] is True


async def test_bad_transactions_are_refused_and_change_nothing(world: World, db: AsyncEngine) -> None:
    loan_id = await world.active()
    on = today().isoformat()
    future = (today() + timedelta(days=3)).isoformat()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"kind": "payment", "amount": "10.00", "valueDate": future}, "valueDate"),
        ({"kind": "payment", "amount": "0", "valueDate": on}, "amount"),
        ({"kind": "refund", "amount": "10.00", "valueDate": on}, "kind"),
        ({"kind": "payment", "amount": "10.001", "valueDate": on}, "amount"),
    ]
    for body, field in cases:
        response = await world.post(loan_id, **body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["errors"][0]["field"] == field, response.json()
    rows = await sql(db, "SELECT count(*) AS n FROM loan_transactions")
    assert rows[0].n == 1  # the disbursement only


async def test_borrowers_see_and_pay_only_their_own_loans(world: World, make_account: MakeAccount) -> None:
    mine = await world.active()
    stranger = await make_account()
    other_borrower_loan = await world.active(borrowerId=stranger.id)
    own = await world.client.get("/api/loans", headers=world.borrower.auth)
    assert [item["id"] for item in own.json()["items"]] == [mine]
    one = await world.client.get(f"/api/loans/{mine}", headers=world.borrower.auth)
    assert own.json()["items"][0]["nextPayment"] == one.json()["loan"]["nextPayment"] is not None
    assert (await world.client.get(f"/api/loans/{other_borrower_loan}", headers=world.borrower.auth)).status_code == 404
    assert (
        await world.client.get(f"/api/loans/{other_borrower_loan}/payoff", headers=world.borrower.auth)
    ).status_code == 404
    assert (
        await world.client.get(f"/api/loans/{other_borrower_loan}/journal", headers=world.borrower.auth)
    ).status_code == 404
    denied = await world.post(
        other_borrower_loan, as_=world.borrower, kind="payment", amount="10.00", valueDate=today().isoformat()
    )
    assert denied.status_code == 404
    fee = await world.post(mine, as_=world.borrower, kind="fee_waiver", amount="10.00", valueDate=today().isoformat())
    assert fee.status_code == 403
    paid = await world.post(mine, as_=world.borrower, kind="payment", amount="10.00", valueDate=today().isoformat())
    assert paid.status_code == 201, paid.text
    mine_read = await world.client.get(f"/api/loans/{mine}", headers=world.borrower.auth)
    assert mine_read.json()["allowedKinds"] == ["payment"]
    staff_read = await world.client.get(f"/api/loans/{mine}", headers=world.admin.auth)
    assert staff_read.json()["allowedKinds"] == [
        "fee_charge",
        "fee_waiver",
        "interest_waiver",
        "payment",
        "payment_reversal",
        "write_off",
    ]
    assert paid.json()["transaction"]["channel"] == "web"
    staff = await world.client.get("/api/loans", headers=world.admin.auth)
    assert {item["id"] for item in staff.json()["items"]} == {mine, other_borrower_loan}
    csv = await world.client.get("/api/loans?format=csv", headers=world.admin.auth)
    assert csv.headers["content-type"].startswith("text/csv")
    assert len(csv.text.splitlines()) == 3
    journal = await world.client.get(f"/api/loans/{mine}/journal", headers=world.borrower.auth)
    assert [j["kind"] for j in journal.json()["items"]] == ["disbursement", "payment"]


async def test_staff_find_a_borrowers_loans_by_email(world: World, make_account: MakeAccount) -> None:
    mine = await world.active()
    stranger = await make_account()
    await world.active(borrowerId=stranger.id)

    async def found(**query: str) -> list[str]:
        response = await world.client.get("/api/loans", params=query, headers=world.admin.auth)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert await found(borrowerEmail=world.borrower.email.upper()) == [mine]
    assert await found(borrowerEmail="nobody@example.com") == []
    assert await found(borrowerEmail=world.borrower.email, borrowerId=stranger.id) == []
    # A borrower's own-loans view ignores the filter: it cannot reach another borrower's loans.
    own = await world.client.get("/api/loans", params={"borrowerEmail": stranger.email}, headers=world.borrower.auth)
    assert [item["id"] for item in own.json()["items"]] == [mine]


async def test_loan_transactions_are_append_only(world: World, db: AsyncEngine) -> None:
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    await world.active()
    for statement in ("UPDATE loan_transactions SET reason = 'edited'", "DELETE FROM loan_transactions"):
        with pytest.raises(DBAPIError, match="loan_transactions is append-only"):
            async with db.begin() as conn:
                await conn.execute(text(statement))
