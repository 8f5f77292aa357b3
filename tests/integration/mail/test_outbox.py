"""The outbox: written with its cause, delivered by SMTP to a real server, retried with back-off when the
server refuses or is down, never sent twice, and the job worker runs it."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from loan_engine.jobs.queue import build_app, run_worker
from loan_engine.settings import MailSettings, Settings, SmtpSecurity
from tests.integration.auth.conftest import Client, register, sql
from tests.integration.mail.conftest import SmtpServer, body, deliver, free_port, link_token


async def outbox(db: AsyncEngine) -> list[Any]:
    return await sql(db, "SELECT recipient, template, status, attempts, last_error, body_text FROM mail_outbox")


async def test_a_sign_up_queues_its_verification_mail_which_is_delivered_once(
    client: Client, mail_db: AsyncEngine, smtp: SmtpServer
) -> None:
    account = await register(client)
    [row] = await outbox(mail_db)
    assert (row.recipient, row.template, row.status) == (account.email, "verify_email", "pending")

    report = await deliver(mail_db, smtp.settings)
    assert report.sent == 1
    [message] = smtp.recorder.to(account.email)
    assert "Confirm your email address" in message["Subject"]
    assert message.get_body(preferencelist=("html",)) is not None  # plain text and HTML parts
    assert "Loan Engine Lending" in body(message)  # the lender's name from settings, in the footer
    # sent, its one-time link erased from the table, and a second run sends nothing more
    [row] = await outbox(mail_db)
    assert row.status == "sent"
    assert link_token(message) not in row.body_text
    assert (await deliver(mail_db, smtp.settings)).sent == 0
    assert len(smtp.recorder.to(account.email)) == 1


async def test_a_refusing_mail_server_keeps_the_message_until_it_accepts(
    client: Client, mail_db: AsyncEngine, smtp: SmtpServer
) -> None:
    account = await register(client)
    smtp.recorder.refuse = 2
    first = await deliver(mail_db, smtp.settings)
    assert (first.sent, first.retrying) == (0, 1)
    [row] = await outbox(mail_db)
    assert (row.status, row.attempts) == ("pending", 1)
    assert "451" in row.last_error
    # not due again until the back-off has passed
    assert (await deliver(mail_db, smtp.settings)).retrying == 0
    await sql(mail_db, "UPDATE mail_outbox SET next_attempt_at = now()")
    assert (await deliver(mail_db, smtp.settings)).retrying == 1
    await sql(mail_db, "UPDATE mail_outbox SET next_attempt_at = now()")
    assert (await deliver(mail_db, smtp.settings)).sent == 1
    [row] = await outbox(mail_db)
    assert (row.status, row.attempts) == ("sent", 3)
    assert len(smtp.recorder.to(account.email)) == 1


async def test_a_mail_server_that_is_down_loses_nothing(client: Client, mail_db: AsyncEngine, smtp: SmtpServer) -> None:
    account = await register(client)
    nobody = MailSettings(host="127.0.0.1", port=free_port(), security=SmtpSecurity.NONE, timeout_s=2)
    assert (await deliver(mail_db, nobody)).retrying == 1
    [row] = await outbox(mail_db)
    assert row.status == "pending"
    await sql(mail_db, "UPDATE mail_outbox SET next_attempt_at = now()")
    assert (await deliver(mail_db, smtp.settings)).sent == 1
    assert len(smtp.recorder.to(account.email)) == 1


async def test_a_permanent_refusal_fails_the_message_without_retrying(
    client: Client, mail_db: AsyncEngine, smtp: SmtpServer
) -> None:
    await register(client)
    smtp.recorder.refuse, smtp.recorder.refusal = 1, "550 5.1.1 No such mailbox"
    assert (await deliver(mail_db, smtp.settings)).failed == 1
    [row] = await outbox(mail_db)
    assert row.status == "failed"
    assert "550" in row.last_error


async def test_concurrent_deliveries_send_each_message_once(
    client: Client, mail_db: AsyncEngine, smtp: SmtpServer
) -> None:
    accounts = [await register(client) for _ in range(6)]
    reports = await asyncio.gather(*(deliver(mail_db, smtp.settings) for _ in range(3)))
    assert sum(r.sent for r in reports) == 6
    assert sorted(m["To"] for m in smtp.recorder.received) == sorted(a.email for a in accounts)


async def test_an_expired_link_is_not_sent(client: Client, mail_db: AsyncEngine, smtp: SmtpServer) -> None:
    await register(client)
    await sql(mail_db, "UPDATE mail_outbox SET expires_at = now() - interval '1 second'")
    assert (await deliver(mail_db, smtp.settings)).expired == 1
    assert smtp.recorder.received == []
    [row] = await outbox(mail_db)
    assert row.status == "expired"
    assert "token=" not in row.body_text


async def test_the_job_worker_delivers_the_outbox(
    client: Client, mail_db: AsyncEngine, smtp: SmtpServer, settings: Settings
) -> None:
    account = await register(client)
    assert settings.database_url is not None
    app = build_app(settings.database_url)
    async with app.open_async():
        await app.tasks["le:mail.deliver_outbox"].defer_async(timestamp=0)
    await run_worker(replace(settings, mail=smtp.settings), wait=False, install_signal_handlers=False)
    assert len(smtp.recorder.to(account.email)) == 1
    [row] = await outbox(mail_db)
    assert row.status == "sent"
