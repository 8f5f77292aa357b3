"""Password reset and email verification through HTTP, with the links read from mail delivered to a real
SMTP server: single use, expiring, superseded by a newer link, throttled, and revealing no account."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.auth.conftest import (
    OTHER_STRONG_PASSWORD,
    STRONG_PASSWORD,
    Client,
    audit_rows,
    login,
    register,
    sql,
    with_refresh,
)
from tests.integration.mail.conftest import SmtpServer, deliver, link_token, smtp

__all__ = ["smtp"]  # the SMTP server fixture

NEW_PASSWORD = "marble-orchid-sextant-58"


async def reset_link(client: Client, db: AsyncEngine, smtp: SmtpServer, email: str) -> str:
    response = await client.post("/auth/password/forgot", json={"email": email})
    assert response.status_code == 202, response.text
    await deliver(db, smtp.settings)
    resets = [m for m in smtp.recorder.to(email) if "Reset your" in m["Subject"]]
    return link_token(resets[-1])


async def test_forgot_password_answers_alike_for_known_and_unknown_addresses(
    client: Client, db: AsyncEngine, smtp: SmtpServer
) -> None:
    account = await register(client)
    known = await client.post("/auth/password/forgot", json={"email": account.email.upper()})
    unknown = await client.post("/auth/password/forgot", json={"email": "nobody-here@example.com"})
    assert known.status_code == unknown.status_code == 202
    assert known.content == unknown.content
    rows = await sql(db, "SELECT recipient FROM mail_outbox WHERE template = 'password_reset'")
    assert [r.recipient for r in rows] == [account.email]
    assert len(await audit_rows(db, "auth.password_reset.requested")) == 2


async def test_a_reset_sets_the_password_ends_every_sign_in_and_works_once(
    client: Client, db: AsyncEngine, smtp: SmtpServer
) -> None:
    account = await register(client)
    token = await reset_link(client, db, smtp, account.email)
    stored = await sql(db, "SELECT token_hash FROM account_tokens WHERE purpose = 'password_reset'")
    assert token.encode() not in stored[0].token_hash  # only the hash is kept

    done = await client.post("/auth/password/reset", json={"token": token, "newPassword": NEW_PASSWORD})
    assert done.status_code == 204, done.text
    assert (await client.get("/auth/me", headers=account.auth)).status_code == 401  # the old sign-in ended
    assert (await client.post("/auth/refresh", headers=with_refresh(account.refresh_token))).status_code == 401
    assert (await login(client, account.email, STRONG_PASSWORD)).status_code == 401
    assert (await login(client, account.email, NEW_PASSWORD)).status_code == 200

    again = await client.post("/auth/password/reset", json={"token": token, "newPassword": OTHER_STRONG_PASSWORD})
    assert again.status_code == 422
    assert (await login(client, account.email, NEW_PASSWORD)).status_code == 200
    await deliver(db, smtp.settings)
    assert any("password was changed" in m["Subject"] for m in smtp.recorder.to(account.email))
    assert len(await audit_rows(db, "auth.password_reset.completed")) == 1
    assert len(await audit_rows(db, "auth.password_reset.failed")) == 1


async def test_an_expired_or_superseded_reset_link_is_refused(
    client: Client, db: AsyncEngine, smtp: SmtpServer
) -> None:
    account = await register(client)
    first = await reset_link(client, db, smtp, account.email)
    second = await reset_link(client, db, smtp, account.email)
    refused = await client.post("/auth/password/reset", json={"token": first, "newPassword": NEW_PASSWORD})
    assert refused.status_code == 422
    await sql(db, "UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE purpose = 'password_reset'")
    expired = await client.post("/auth/password/reset", json={"token": second, "newPassword": NEW_PASSWORD})
    assert expired.status_code == 422
    assert (await login(client, account.email, STRONG_PASSWORD)).status_code == 200


async def test_a_weak_new_password_is_refused_and_the_link_still_works(
    client: Client, db: AsyncEngine, smtp: SmtpServer
) -> None:
    account = await register(client)
    token = await reset_link(client, db, smtp, account.email)
    weak = await client.post("/auth/password/reset", json={"token": token, "newPassword": "password1234"})
    assert weak.status_code == 422
    ok = await client.post("/auth/password/reset", json={"token": token, "newPassword": NEW_PASSWORD})
    assert ok.status_code == 204


async def test_reset_requests_are_throttled_per_address(client: Client, db: AsyncEngine) -> None:
    statuses = [
        (await client.post("/auth/password/forgot", json={"email": "target@example.com"})).status_code for _ in range(5)
    ]
    assert statuses[:3] == [202, 202, 202]
    assert statuses[-1] == 429
    # the sign-in of that address is not locked by someone asking for its resets
    account = await register(client, email="target2@example.com")
    for _ in range(4):
        await client.post("/auth/password/forgot", json={"email": account.email})
    assert (await login(client, account.email, STRONG_PASSWORD)).status_code == 200


async def test_email_verification_is_single_use_and_shows_on_the_account(
    client: Client, db: AsyncEngine, smtp: SmtpServer
) -> None:
    account = await register(client)
    assert (await client.get("/auth/me", headers=account.auth)).json()["emailVerified"] is False
    await deliver(db, smtp.settings)
    [message] = smtp.recorder.to(account.email)
    token = link_token(message)
    assert (await client.post("/auth/email/verify", json={"token": token})).status_code == 204
    assert (await client.get("/auth/me", headers=account.auth)).json()["emailVerified"] is True
    assert (await client.post("/auth/email/verify", json={"token": token})).status_code == 422
    assert (await client.post("/auth/email/verification", headers=account.auth)).status_code == 409
    assert len(await audit_rows(db, "auth.email.verified")) == 1


async def test_a_resent_verification_link_replaces_the_first_and_expires(
    client: Client, db: AsyncEngine, smtp: SmtpServer
) -> None:
    account = await register(client)
    assert (await client.post("/auth/email/verification", headers=account.auth)).status_code == 202
    await deliver(db, smtp.settings)
    first, second = smtp.recorder.to(account.email)
    assert (await client.post("/auth/email/verify", json={"token": link_token(first)})).status_code == 422
    await sql(db, "UPDATE account_tokens SET expires_at = now() - interval '1 second'")
    assert (await client.post("/auth/email/verify", json={"token": link_token(second)})).status_code == 422
    assert (await client.get("/auth/me", headers=account.auth)).json()["emailVerified"] is False


async def test_a_sign_in_queues_a_security_alert(client: Client, db: AsyncEngine, smtp: SmtpServer) -> None:
    account = await register(client)
    response = await login(client, account.email, STRONG_PASSWORD, headers={"User-Agent": "Alert-Test/1.0"})
    assert response.status_code == 200
    await deliver(db, smtp.settings)
    alerts = [m for m in smtp.recorder.to(account.email) if "New sign-in" in m["Subject"]]
    assert len(alerts) == 1
    assert "Alert-Test/1.0" in alerts[0].get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
