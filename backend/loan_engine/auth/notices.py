"""The mail identity sends, written to the outbox in the caller's transaction (`mail.outbox.enqueue`).
Each message has an event key naming its cause, so a retried transaction cannot queue a second copy."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.api.request import RequestMeta
from loan_engine.mail.compose import MailComposer
from loan_engine.mail.outbox import enqueue

ACCOUNT_PAGE = "/account"
FORGOT_PAGE = "/forgot-password"


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


async def verification(
    session: AsyncSession,
    mail: MailComposer,
    *,
    token_id: uuid.UUID,
    to: str,
    name: str,
    raw: str,
    expires_at: datetime,
) -> None:
    await enqueue(
        session,
        mail,
        event_key=f"auth.verify:{token_id}",
        to=to,
        template="verify_email",
        sensitive=True,
        expires_at=expires_at,
        name=name,
        email=to,
        link=mail.link("/verify-email", token=raw),
        hours=24,
    )


async def password_reset(
    session: AsyncSession,
    mail: MailComposer,
    *,
    token_id: uuid.UUID,
    to: str,
    name: str,
    raw: str,
    expires_at: datetime,
) -> None:
    await enqueue(
        session,
        mail,
        event_key=f"auth.reset:{token_id}",
        to=to,
        template="password_reset",
        sensitive=True,
        expires_at=expires_at,
        name=name,
        link=mail.link("/reset-password", token=raw),
        minutes=30,
    )


async def new_sign_in(
    session: AsyncSession,
    mail: MailComposer,
    *,
    session_id: uuid.UUID,
    to: str,
    name: str,
    at: datetime,
    meta: RequestMeta,
) -> None:
    await enqueue(
        session,
        mail,
        event_key=f"auth.sign_in:{session_id}",
        to=to,
        template="new_sign_in",
        name=name,
        when=_when(at),
        address=meta.source_address or "unknown",
        device=(meta.user_agent or "unknown")[:200],
        link=mail.link(ACCOUNT_PAGE),
    )


async def password_changed(
    session: AsyncSession,
    mail: MailComposer,
    *,
    user_id: uuid.UUID,
    to: str,
    name: str,
    at: datetime,
    how: str,
    ended: int,
) -> None:
    await enqueue(
        session,
        mail,
        event_key=f"auth.password_changed:{user_id}:{at.isoformat()}",
        to=to,
        template="password_changed",
        name=name,
        when=_when(at),
        how=how,
        ended=ended,
        link=mail.link(FORGOT_PAGE),
    )
