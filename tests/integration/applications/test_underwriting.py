"""The underwriter queue: claims enforced in the database, reviews with notes, four-eyes overrides, and
API clients that apply for a borrower and see only their own submissions."""

from __future__ import annotations

import asyncio
import base64
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from loan_engine.jobs.queue import build_app, run_worker
from loan_engine.settings import Settings
from tests.integration.applications.conftest import BANKRUPT, DELINQUENT, PRIME, World, key, sections
from tests.integration.auth.conftest import MakeAccount, audit_rows, sql


async def test_the_queue_filters_and_one_underwriter_claims_at_a_time(world: World, make_account: MakeAccount) -> None:
    referred = await world.apply(DELINQUENT)
    await world.apply(PRIME)
    queue = await world.client.get("/api/applications?status=referred&assignee=none", headers=world.underwriter.auth)
    assert [a["id"] for a in queue.json()["items"]] == [referred["id"]]
    second = await make_account("underwriter")
    path = f"/api/applications/{referred['id']}/claim"
    results = await asyncio.gather(world.staff(path, world.underwriter), world.staff(path, second))
    assert sorted(r.status_code for r in results) == [200, 409]
    winner = next(r for r in results if r.status_code == 200).json()["assigneeId"]
    mine = await world.client.get("/api/applications?assignee=me", headers=world.underwriter.auth)
    assert [a["id"] for a in mine.json()["items"]] == ([referred["id"]] if winner == world.underwriter.id else [])
    old = await world.client.get("/api/applications?minAgeHours=1", headers=world.underwriter.auth)
    assert old.json()["items"] == []


async def test_a_referred_application_is_approved_by_its_claimant_with_a_note(world: World, db: AsyncEngine) -> None:
    referred = await world.apply(DELINQUENT)
    base = f"/api/applications/{referred['id']}"
    unclaimed = await world.staff(f"{base}/decision", world.underwriter, {"action": "approve", "note": "verified"})
    assert unclaimed.status_code == 409
    assert (await world.staff(f"{base}/claim", world.underwriter)).status_code == 200
    no_note = await world.staff(f"{base}/decision", world.underwriter, {"action": "approve", "note": " "})
    assert no_note.status_code == 422
    approved = await world.staff(f"{base}/decision", world.underwriter, {"action": "approve", "note": "verified"})
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert body["status"] == "approved"
    assert body["decision"]["by"] == "underwriter"
    assert body["offers"][0]["grade"] == "D"
    assert body["review"]["note"] == "verified"
    [event] = await audit_rows(db, "application.reviewed")
    assert event.actor_id == world.underwriter.id


async def test_a_counteroffer_sends_a_counteroffer_notice(world: World) -> None:
    referred = await world.apply(DELINQUENT)
    base = f"/api/applications/{referred['id']}"
    await world.staff(f"{base}/claim", world.underwriter)
    body = {"action": "counteroffer", "note": "smaller loan", "amount": "3000"}
    countered = await world.staff(f"{base}/decision", world.underwriter, body)
    assert countered.status_code == 200, countered.text
    assert countered.json()["offers"][0]["counteroffer"] is True
    notice = await world.client.get(f"{base}/notice", headers=world.borrower.auth)
    assert notice.json()["kind"] == "counteroffer"
    assert notice.json()["counteroffer"]["amount"] == "3000"


async def test_a_decline_by_an_underwriter_needs_known_reasons(world: World) -> None:
    referred = await world.apply(DELINQUENT)
    base = f"/api/applications/{referred['id']}"
    await world.staff(f"{base}/claim", world.underwriter)
    empty = await world.staff(f"{base}/decision", world.underwriter, {"action": "decline", "note": "no"})
    assert empty.status_code == 422
    unknown = await world.staff(
        f"{base}/decision", world.underwriter, {"action": "decline", "note": "no", "reasons": ["BAD_VIBES"]}
    )
    assert unknown.status_code == 422
    body = {"action": "decline", "note": "two recent lates", "reasons": ["DELINQUENT_CREDIT"]}
    declined = await world.staff(f"{base}/decision", world.underwriter, body)
    assert declined.json()["status"] == "declined"
    notice = await world.client.get(f"{base}/notice", headers=world.borrower.auth)
    assert notice.json()["reasons"][0]["text"] == "Delinquent past or present credit obligations with others"


async def test_overriding_an_automatic_decline_waits_for_a_second_person(
    world: World, make_account: MakeAccount, db: AsyncEngine
) -> None:
    declined = await world.apply(BANKRUPT)
    base = f"/api/applications/{declined['id']}"
    await world.staff(f"{base}/claim", world.underwriter)
    proposed = await world.staff(
        f"{base}/decision", world.underwriter, {"action": "approve", "note": "discharged, stable"}
    )
    assert proposed.status_code == 200, proposed.text
    assert proposed.json()["status"] == "declined"
    assert proposed.json()["review"]["pending"] is True
    same = await world.staff(f"{base}/override/confirm", world.underwriter)
    assert same.status_code == 403
    assert (await world.client.get(base, headers=world.borrower.auth)).json()["status"] == "declined"
    confirmed = await world.staff(f"{base}/override/confirm", world.admin)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "approved"
    assert confirmed.json()["review"]["confirmedBy"] == world.admin.id
    assert len(await audit_rows(db, "application.override.proposed")) == 1
    assert len(await audit_rows(db, "application.override.confirmed")) == 1
    again = await world.staff(f"{base}/override/confirm", world.admin)
    assert again.status_code == 409


async def test_an_expired_offer_cannot_be_accepted(world: World, db: AsyncEngine) -> None:
    decided = await world.apply(PRIME)
    past = datetime.now(UTC) - timedelta(minutes=1)
    await sql(db, "UPDATE applications SET expires_at = :at", at=past)
    shown = await world.client.get(f"/api/applications/{decided['id']}", headers=world.borrower.auth)
    assert shown.json()["status"] == "expired"
    accept = await world.client.post(
        f"/api/applications/{decided['id']}/accept",
        json={"offer": 1, "esignConsent": True, "signatureName": "Grace Hopper"},
        headers={**world.borrower.auth, **key()},
    )
    assert accept.status_code == 409
    assert "expired" in accept.json()["detail"]


async def test_an_api_client_applies_for_a_borrower_and_sees_only_its_own(world: World) -> None:
    async def client_token(name: str) -> dict[str, str]:
        made = await world.client.post(
            "/api/admin/clients", json={"name": name, "scopes": ["applications:write"]}, headers=world.admin.auth
        )
        creds = made.json()
        basic = base64.b64encode(f"{creds['client']['clientId']}:{creds['clientSecret']}".encode()).decode()
        token = await world.client.post(
            "/auth/token", data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"}
        )
        return {"Authorization": f"Bearer {token.json()['access_token']}"}

    broker, other = await client_token("Broker"), await client_token("Other broker")
    missing = await world.client.post("/api/applications", json=sections(), headers=broker)
    assert missing.status_code == 422
    created = await world.client.post(
        "/api/applications", json={**sections(), "borrowerId": world.borrower.id}, headers=broker
    )
    assert created.status_code == 201, created.text
    submitted = await world.client.post(f"/api/applications/{created.json()['id']}/submit", headers={**broker, **key()})
    assert submitted.json()["status"] == "approved"
    assert submitted.json()["channel"] == "api"
    assert (await world.client.get(f"/api/applications/{created.json()['id']}", headers=other)).status_code == 404
    assert (await world.client.get("/api/applications", headers=other)).json()["items"] == []
    borrower_view = await world.client.get(f"/api/applications/{created.json()['id']}", headers=world.borrower.auth)
    assert borrower_view.status_code == 200


async def test_the_expiry_step_stores_expired_once_with_its_funnel_row(world: World, db: AsyncEngine) -> None:
    from sqlalchemy.ext.asyncio import AsyncSession

    from loan_engine.applications.service import expire_offers

    lapsed, current = await world.apply(PRIME), await world.apply(PRIME)
    await sql(db, "UPDATE applications SET expires_at = now() - interval '1 day' WHERE id = :id", id=lapsed["id"])
    async with AsyncSession(db) as session:
        assert await expire_offers(session) == 1
    async with AsyncSession(db) as session:
        assert await expire_offers(session) == 0
    rows = await sql(db, "SELECT id::text AS id, status FROM applications")
    assert {r.id: r.status for r in rows} == {lapsed["id"]: "expired", current["id"]: "approved"}
    steps = await sql(db, "SELECT step FROM application_funnel_events WHERE application_id = :id", id=lapsed["id"])
    assert [s.step for s in steps][-1] == "expired"


async def test_the_hourly_job_expires_lapsed_offers(world: World, db: AsyncEngine, settings: Settings) -> None:
    lapsed = await world.apply(PRIME)
    await sql(db, "UPDATE applications SET expires_at = now() - interval '1 minute' WHERE id = :id", id=lapsed["id"])
    assert settings.database_url is not None
    app = build_app(settings.database_url)
    async with app.open_async():
        await app.tasks["le:applications.expire_offers"].defer_async(timestamp=0)
    await run_worker(settings, wait=False, install_signal_handlers=False)
    [row] = await sql(db, "SELECT status FROM applications WHERE id = :id", id=lapsed["id"])
    assert row.status == "expired"


async def test_staff_reads_name_the_claimant_the_reviewer_and_the_reason_choices(
    world: World, make_account: MakeAccount
) -> None:
    declined = await world.apply(BANKRUPT)
    base = f"/api/applications/{declined['id']}"
    await world.staff(f"{base}/claim", world.underwriter)
    queue = await world.client.get("/api/applications?status=declined", headers=world.underwriter.auth)
    [row] = queue.json()["items"]
    assert row["applicant"] == "Grace Hopper"
    assert world.underwriter.email in row["assigneeName"]
    assert row["overridePending"] is False
    second = await make_account("underwriter")
    taken = await world.staff(f"{base}/claim", second)
    assert taken.status_code == 409
    assert world.underwriter.email in taken.json()["detail"]
    await world.staff(f"{base}/decision", world.underwriter, {"action": "approve", "note": "discharged"})
    waiting = await world.client.get("/api/applications?status=declined", headers=world.underwriter.auth)
    assert waiting.json()["items"][0]["overridePending"] is True
    review = (await world.client.get(f"{base}/review", headers=second.auth)).json()
    assert [p["email"] for p in review["people"]] == [world.underwriter.email]
    assert {"code": "BANKRUPTCY", "text": "Bankruptcy"} in review["reasonChoices"]
    assert review["policyMs"] is not None
    assert review["quoteMs"] is not None
    # A borrower's own list never names staff.
    mine = await world.client.get("/api/applications", headers=world.borrower.auth)
    assert mine.json()["items"][0]["assigneeName"] is None
