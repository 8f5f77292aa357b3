"""The mail identity sends, written to the outbox in the caller's transaction (`mail.outbox.enqueue`).
Each message has an event key naming its cause, so a retried transaction cannot queue a second copy."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.api.request import RequestMeta
from loan_engine.auth.account_tokens import TTL, Purpose
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
    hours = int(TTL[Purpose.EMAIL_VERIFICATION].total_seconds() // 3600)
    link = mail.link("/verify-email", token=raw)
    await _one_time_link(
        session,
        mail,
        f"auth.verify:{token_id}",
        to,
        "verify_email",
        expires_at,
        name=name,
        email=to,
        link=link,
        hours=hours,
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
    minutes = int(TTL[Purpose.PASSWORD_RESET].total_seconds() // 60)
    link = mail.link("/reset-password", token=raw)
    await _one_time_link(
        session, mail, f"auth.reset:{token_id}", to, "password_reset", expires_at, name=name, link=link, minutes=minutes
    )


async def _one_time_link(  # noqa: PLR0917 - the message's identity and its template's values
    session: AsyncSession,
    mail: MailComposer,
    event_key: str,
    to: str,
    template: str,
    expires_at: datetime,
    **values: object,
) -> None:
    """A message carrying a one-time link: sensitive (its body is erased once sent) and not sent after the
    link expires. The validity it states comes from the token's own TTL."""
    await enqueue(
        session, mail, event_key=event_key, to=to, template=template, sensitive=True, expires_at=expires_at, **values
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
    await _account_notice(
        session,
        mail,
        "new_sign_in",
        event_key=f"auth.sign_in:{session_id}",
        to=to,
        name=name,
        at=at,
        meta=meta,
        device=(meta.user_agent or "unknown")[:200],
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


async def _account_notice(
    session: AsyncSession,
    mail: MailComposer,
    template: str,
    *,
    event_key: str,
    to: str,
    name: str,
    at: datetime,
    meta: RequestMeta | None = None,
    **fields: Any,
) -> None:
    """A notice of something done to the account: when, and a link to the account page. With the request's
    `meta` it is a security alert about the person's own sign-in, and also says from which address."""
    if meta is not None:
        fields["address"] = meta.source_address or "unknown"
    await enqueue(
        session,
        mail,
        event_key=event_key,
        to=to,
        template=template,
        name=name,
        when=_when(at),
        link=mail.link(ACCOUNT_PAGE),
        **fields,
    )


async def mfa_changed(
    session: AsyncSession,
    mail: MailComposer,
    *,
    event_key: str,
    to: str,
    name: str,
    change: str,
    at: datetime,
    meta: RequestMeta,
) -> None:
    """Two-step sign-in was `change`d: "turned on" or "turned off"."""
    await _account_notice(
        session, mail, "mfa_changed", event_key=event_key, to=to, name=name, at=at, meta=meta, change=change
    )


async def mfa_reset(
    session: AsyncSession, mail: MailComposer, *, event_key: str, to: str, name: str, at: datetime
) -> None:
    """An admin removed the person's authenticator (a lost phone): tell them, in case they did not ask."""
    await _account_notice(session, mail, "mfa_reset", event_key=event_key, to=to, name=name, at=at)


async def recovery_code_used(
    session: AsyncSession,
    mail: MailComposer,
    *,
    event_key: str,
    to: str,
    name: str,
    left: int,
    at: datetime,
    meta: RequestMeta,
) -> None:
    await _account_notice(
        session, mail, "recovery_code_used", event_key=event_key, to=to, name=name, at=at, meta=meta, left=left
    )


async def email_change(
    session: AsyncSession, mail: MailComposer, *, event_key: str, to: str, name: str, new_email: str, at: datetime
) -> None:
    """The notice to the account's current address that a change to `new_email` was asked for."""
    await _account_notice(
        session, mail, "email_change", event_key=event_key, to=to, name=name, at=at, email=to, new_email=new_email
    )
