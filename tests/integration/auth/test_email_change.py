"""Changing the email address: a one-time link to the new address (read from mail delivered to a real
SMTP server), a notice to the old one, and the old address kept until the link is opened."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.auth.conftest import STRONG_PASSWORD, Client, audit_rows, login, register
from tests.integration.mail.conftest import SmtpServer, deliver, link_token, smtp

__all__ = ["smtp"]  # the SMTP server fixture


async def test_the_new_address_is_proven_by_its_link_and_the_old_one_is_told(
    client: Client, db: AsyncEngine, smtp: SmtpServer
) -> None:
    account = await register(client)
    new = f"new-{account.email}"
    asked = await client.post(
        "/auth/email/change", json={"newEmail": new.upper(), "password": STRONG_PASSWORD}, headers=account.auth
    )
    assert asked.status_code == 202, asked.text
    assert asked.json()["pendingEmail"] == new
    # until the link is opened, nothing changes
    assert (await client.get("/auth/me", headers=account.auth)).json()["email"] == account.email
    assert (await login(client, account.email, STRONG_PASSWORD)).status_code == 200
    await deliver(db, smtp.settings)
    notice = [m for m in smtp.recorder.to(account.email) if "is being changed" in m["Subject"]]
    assert len(notice) == 1
    assert new in notice[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    confirm = [m for m in smtp.recorder.to(new) if "Confirm your email" in m["Subject"]]
    assert len(confirm) == 1
    token = link_token(confirm[0])
    assert (await client.post("/auth/email/verify", json={"token": token})).status_code == 204
    me = (await client.get("/auth/me", headers=account.auth)).json()
    assert (me["email"], me["emailVerified"]) == (new, True)
    assert (await login(client, new, STRONG_PASSWORD)).status_code == 200
    assert (await login(client, account.email, STRONG_PASSWORD)).status_code == 401
    assert (await client.post("/auth/email/verify", json={"token": token})).status_code == 422  # single use
    [requested] = await audit_rows(db, "auth.email.change_requested")
    assert requested.details == {"newEmail": new}
    verified = (await audit_rows(db, "auth.email.verified"))[-1]
    assert verified.details == {"email": new, "previousEmail": account.email}


async def test_a_change_needs_the_password_and_a_free_address(client: Client, db: AsyncEngine) -> None:
    account, other = await register(client), await register(client)
    wrong = await client.post(
        "/auth/email/change",
        json={"newEmail": "x-" + account.email, "password": "not-the-password"},
        headers=account.auth,
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "password"
    taken = await client.post(
        "/auth/email/change", json={"newEmail": other.email, "password": STRONG_PASSWORD}, headers=account.auth
    )
    assert taken.status_code == 409
    same = await client.post(
        "/auth/email/change", json={"newEmail": account.email, "password": STRONG_PASSWORD}, headers=account.auth
    )
    assert same.status_code == 422
    assert await audit_rows(db, "auth.email.change_requested") == []


async def test_the_address_taken_meanwhile_is_refused_at_the_link(
    client: Client, db: AsyncEngine, smtp: SmtpServer
) -> None:
    account = await register(client)
    new = f"wanted-{account.email}"
    asked = await client.post(
        "/auth/email/change", json={"newEmail": new, "password": STRONG_PASSWORD}, headers=account.auth
    )
    assert asked.status_code == 202
    await deliver(db, smtp.settings)
    token = link_token(next(m for m in smtp.recorder.to(new) if "Confirm your email" in m["Subject"]))
    await register(client, email=new)  # someone else signs up with it before the link is opened
    assert (await client.post("/auth/email/verify", json={"token": token})).status_code == 409
    assert (await client.get("/auth/me", headers=account.auth)).json()["email"] == account.email
