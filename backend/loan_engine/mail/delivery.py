"""Delivering the outbox: what the `mail.deliver_outbox` job runs (every few seconds, on any number of
workers).

Each due message is taken in its own transaction with `SELECT … FOR UPDATE SKIP LOCKED`, handed to the
SMTP server while the row stays locked, and marked sent in the same transaction, so two workers never
send one message and a message is never marked sent that the server did not accept. A refusal or an
unreachable server leaves the message pending with a growing back-off (30 s, 1 min, 2 min … capped at
1 h); after `MAX_ATTEMPTS`, or a permanent (5xx) refusal, it is marked failed and stays in the table for
an operator. The one window for a duplicate is a crash (or lost COMMIT) after the server said 250 and
before our COMMIT; the Message-ID is the row's id in every attempt, so such a copy is recognisable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from loan_engine.mail.models import OutboxMessage
from loan_engine.mail.transport import DeliveryError, Outgoing, Transport

log = structlog.get_logger("loan_engine.mail")
MAX_ATTEMPTS = 12  # with the back-off below, about nine hours of trying
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=1)
ERASED = "(erased after delivery: this message carried a one-time link)"


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: doubling from 30 s, capped at an hour."""
    delay: timedelta = BASE_DELAY * (2 ** min(attempts - 1, 20))
    return min(MAX_DELAY, delay)


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    expired: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "retrying": self.retrying, "failed": self.failed, "expired": self.expired}

    def __add__(self, other: DeliveryReport) -> DeliveryReport:
        return DeliveryReport(
            self.sent + other.sent,
            self.retrying + other.retrying,
            self.failed + other.failed,
            self.expired + other.expired,
        )


async def deliver_due(
    sessionmaker: async_sessionmaker[AsyncSession], transport: Transport, *, limit: int = 50
) -> DeliveryReport:
    """Deliver up to `limit` due messages, one transaction each; returns what happened."""
    report = DeliveryReport()
    for _ in range(limit):
        async with sessionmaker() as session, session.begin():
            message = await _next_due(session)
            if message is None:
                break
            report += await _deliver_one(session, transport, message)
    return report


async def _next_due(session: AsyncSession) -> OutboxMessage | None:
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= datetime.now(UTC))
        .order_by(OutboxMessage.next_attempt_at)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return (await session.scalars(query)).one_or_none()


async def _deliver_one(session: AsyncSession, transport: Transport, message: OutboxMessage) -> DeliveryReport:
    now = datetime.now(UTC)
    if message.expires_at is not None and message.expires_at <= now:
        _finish(message, "expired")
        log.info("mail_expired", message_id=str(message.id), template=message.template)
        return DeliveryReport(expired=1)
    message.attempts += 1
    try:
        await transport.send(
            Outgoing(str(message.id), message.recipient, message.subject, message.body_text, message.body_html)
        )
    except DeliveryError as exc:
        message.last_error = str(exc)[:500]
        if exc.permanent or message.attempts >= MAX_ATTEMPTS:
            _finish(message, "failed")
            log.warning("mail_failed", message_id=str(message.id), attempts=message.attempts, error=str(exc))
            return DeliveryReport(failed=1)
        message.next_attempt_at = now + backoff(message.attempts)
        log.info("mail_retry", message_id=str(message.id), attempts=message.attempts, error=str(exc))
        return DeliveryReport(retrying=1)
    message.sent_at = now
    message.last_error = None
    _finish(message, "sent")
    log.info("mail_sent", message_id=str(message.id), template=message.template)
    return DeliveryReport(sent=1)


def _finish(message: OutboxMessage, status: str) -> None:
    message.status = status
    if message.sensitive:  # the one-time link must not outlive its purpose in the table
        message.body_text = message.body_html = ERASED
