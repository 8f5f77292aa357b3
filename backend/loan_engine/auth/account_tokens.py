"""One-time links sent by mail (password reset, email verification) and the tokens of a sign-in's second
step (challenge, enrolment): 256 random bits, stored only as their SHA-256, single use, short-lived.
Issuing a new one voids the person's earlier unused ones of the same purpose, so only the latest works.
Each function joins the caller's transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.auth.models import AccountToken
from loan_engine.auth.tokens import new_opaque_secret, secret_digest
from loan_engine.db.transactions import require_transaction


class Purpose(StrEnum):
    PASSWORD_RESET = "password_reset"
    EMAIL_VERIFICATION = "email_verification"
    MFA_CHALLENGE = "mfa_challenge"  # password accepted; a code or recovery code completes the sign-in
    MFA_ENROLMENT = "mfa_enrolment"  # password accepted; staff must set up an authenticator first


TTL = {
    Purpose.PASSWORD_RESET: timedelta(minutes=30),
    Purpose.EMAIL_VERIFICATION: timedelta(hours=24),
    Purpose.MFA_CHALLENGE: timedelta(minutes=5),
    Purpose.MFA_ENROLMENT: timedelta(minutes=15),  # time to install an authenticator app
}


@dataclass(frozen=True, slots=True)
class IssuedLink:
    id: uuid.UUID
    raw: str  # goes into the message only; never stored
    expires_at: datetime


async def issue(session: AsyncSession, user_id: uuid.UUID, purpose: Purpose, email: str) -> IssuedLink:
    require_transaction(session)
    now = datetime.now(UTC)
    await session.execute(
        update(AccountToken)
        .where(AccountToken.user_id == user_id, AccountToken.purpose == purpose.value, AccountToken.used_at.is_(None))
        .values(used_at=now)
    )
    raw = new_opaque_secret()
    token = AccountToken(
        id=uuid.uuid4(),
        user_id=user_id,
        purpose=purpose.value,
        token_hash=secret_digest(raw),
        email=email,
        expires_at=now + TTL[purpose],
    )
    session.add(token)
    await session.flush()
    return IssuedLink(token.id, raw, token.expires_at)


async def spend(session: AsyncSession, raw: str, purpose: Purpose) -> AccountToken | None:
    """The live token behind `raw`, now spent (locked, so two uses of one link are serialised and the
    second finds it used); None when unknown, used, expired or of another purpose."""
    require_transaction(session)
    token = (
        await session.scalars(
            select(AccountToken).where(AccountToken.token_hash == secret_digest(raw)).with_for_update()
        )
    ).one_or_none()
    now = datetime.now(UTC)
    if token is None or token.purpose != purpose.value or token.used_at is not None or token.expires_at <= now:
        return None
    token.used_at = now
    await session.flush()
    return token
