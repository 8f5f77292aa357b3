"""An admin resets a person's lost authenticator: it and the recovery codes go, every sign-in ends, the
next staff sign-in asks to enrol again (a borrower's asks for the password alone), the reset is audited
with the admin and the reason, and the person is told by mail. Never one's own; admins only."""

from __future__ import annotations

import json
import uuid

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.auth.conftest import (
    Client,
    MakeAccount,
    audit_rows,
    login,
    outbox,
    sign_in,
    sql,
    with_refresh,
)

REASON = {"reason": "Lost phone and recovery codes; identity checked by video call (ticket 4411)"}


async def second_factor_rows(db: AsyncEngine, user_id: str) -> tuple[int, int]:
    uid = uuid.UUID(user_id)
    authenticators = await sql(db, "SELECT 1 FROM mfa_authenticators WHERE user_id = :id", id=uid)
    codes = await sql(db, "SELECT 1 FROM mfa_recovery_codes WHERE user_id = :id", id=uid)
    return len(authenticators), len(codes)


async def test_a_reset_ends_sessions_and_the_next_staff_sign_in_asks_to_enrol(
    client: Client, db: AsyncEngine, make_account: MakeAccount
) -> None:
    admin = await make_account("admin")
    carol = await make_account("underwriter", mfa=True)
    assert await second_factor_rows(db, carol.id) == (1, 10)
    old_access, old_refresh = carol.access_token, carol.refresh_token

    response = await client.post(f"/api/admin/users/{carol.id}/mfa/reset", json=REASON, headers=admin.auth)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["user"]["id"], body["hadAuthenticator"], body["sessionsEnded"]) == (carol.id, True, 1)

    assert await second_factor_rows(db, carol.id) == (0, 0)
    assert (await client.get("/auth/me", headers={"Authorization": f"Bearer {old_access}"})).status_code == 401
    assert (await client.post("/auth/refresh", headers=with_refresh(old_refresh))).status_code == 401
    sessions = await sql(db, "SELECT revoked_reason FROM auth_sessions WHERE user_id = :id", id=uuid.UUID(carol.id))
    assert [s.revoked_reason for s in sessions] == ["mfa_reset"]

    step = await login(client, carol.email, carol.password)
    assert step.status_code == 200
    assert step.json()["step"] == "enrol"  # staff must set up a new authenticator, no session yet
    assert "accessToken" not in step.json()
    enrolled = await sign_in(client, carol)
    assert enrolled.status_code == 200, enrolled.text
    assert (await client.get("/auth/me", headers=carol.auth)).status_code == 200

    [event] = await audit_rows(db, "user.mfa.reset")
    assert (event.actor_id, event.subject_id) == (admin.id, carol.id)
    details = event.details if isinstance(event.details, dict) else json.loads(event.details)
    assert details == {"reason": REASON["reason"], "hadAuthenticator": True, "sessionsEnded": 1}
    assert await outbox(db, "mfa_reset") == [carol.email]
    [mail] = await sql(db, "SELECT subject, body_text FROM mail_outbox WHERE template = 'mfa_reset'")
    assert "Two-step sign-in was reset" in mail.subject
    assert "An administrator reset two-step sign-in" in mail.body_text
    assert REASON["reason"] not in mail.body_text  # the reason is for the audit trail, not the mail


async def test_a_borrower_signs_in_with_the_password_alone_after_a_reset(
    client: Client, db: AsyncEngine, make_account: MakeAccount
) -> None:
    admin, bob = await make_account("admin"), await make_account(mfa=True)
    assert (await login(client, bob.email, bob.password)).json()["step"] == "challenge"
    response = await client.post(f"/api/admin/users/{bob.id}/mfa/reset", json=REASON, headers=admin.auth)
    assert response.status_code == 200, response.text
    signed_in = await login(client, bob.email, bob.password)
    assert signed_in.status_code == 200
    assert "accessToken" in signed_in.json()
    assert await outbox(db, "mfa_reset") == [bob.email]


async def test_a_reset_is_refused_for_oneself_an_unknown_person_a_blank_reason_and_non_admins(
    client: Client, db: AsyncEngine, make_account: MakeAccount
) -> None:
    admin = await make_account("admin", mfa=True)
    bob = await make_account(mfa=True)
    underwriter = await make_account("underwriter")

    own = await client.post(f"/api/admin/users/{admin.id}/mfa/reset", json=REASON, headers=admin.auth)
    assert own.status_code == 409
    assert "another admin" in own.json()["detail"]
    unknown = "/api/admin/users/00000000-0000-4000-8000-000000000000/mfa/reset"
    assert (await client.post(unknown, json=REASON, headers=admin.auth)).status_code == 404
    for reason in ({"reason": "   "}, {"reason": ""}, {}):
        blank = await client.post(f"/api/admin/users/{bob.id}/mfa/reset", json=reason, headers=admin.auth)
        assert blank.status_code == 422, reason
    for caller in (bob, underwriter):
        denied = await client.post(f"/api/admin/users/{admin.id}/mfa/reset", json=REASON, headers=caller.auth)
        assert denied.status_code == 403

    # nothing changed: both authenticators are still there, no event, no mail, the sessions live
    assert await second_factor_rows(db, admin.id) == (1, 10)
    assert await second_factor_rows(db, bob.id) == (1, 10)
    assert await audit_rows(db, "user.mfa.reset") == []
    assert await outbox(db, "mfa_reset") == []
    assert (await client.get("/auth/me", headers=bob.auth)).status_code == 200
