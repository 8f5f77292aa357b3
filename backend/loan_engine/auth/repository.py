"""Queries for accounts, sign-in sessions, refresh tokens, the second factor and the sign-in throttle.
Flushes, never commits."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, text, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from loan_engine.auth.models import AccountToken, AuthSession, MfaAuthenticator, MfaRecoveryCode, RefreshToken, User
from loan_engine.auth.tokens import secret_digest
from loan_engine.db.driver import Row as DriverRow
from loan_engine.db.driver import driver_outside_transaction

# ---- users -----------------------------------------------------------------------------------


async def get_user(session: AsyncSession, user_id: uuid.UUID, *, for_update: bool = False) -> User | None:
    query = select(User).where(User.id == user_id)
    if for_update:
        query = query.with_for_update()
    return (await session.scalars(query)).one_or_none()


async def users_by_id(session: AsyncSession, user_ids: Sequence[uuid.UUID]) -> Sequence[User]:
    if not user_ids:
        return []
    return (await session.scalars(select(User).where(User.id.in_(user_ids)))).all()


async def get_user_by_email(session: AsyncSession, email: str, *, for_update: bool = False) -> User | None:
    query = select(User).where(User.email == email)
    if for_update:
        query = query.with_for_update()
    return (await session.scalars(query)).one_or_none()


async def email_taken(session: AsyncSession, email: str) -> bool:
    return (await session.scalar(select(func.count()).where(User.email == email))) != 0


async def add(session: AsyncSession, row: User | AuthSession | RefreshToken | MfaAuthenticator) -> None:
    session.add(row)
    await session.flush()


async def set_password(session: AsyncSession, user_id: uuid.UUID, password_hash: str) -> None:
    await session.execute(
        update(User)
        .where(User.id == user_id)
        .values(password_hash=password_hash, password_changed_at=func.now(), updated_at=func.now())
    )


async def search_users(
    session: AsyncSession,
    *,
    contains: str | None,
    role: str | None,
    status: str | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> Sequence[User]:
    """Users whose email or name contains `contains` (case-insensitive), newest first; keyset-paged on
    (created_at, id): `after` is the last key of the previous page."""
    conditions = []
    if contains:
        pattern = "%" + contains.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(or_(User.email.ilike(pattern, escape="\\"), User.display_name.ilike(pattern, escape="\\")))
    if role:
        conditions.append(User.roles.contains([role]))
    if status:
        conditions.append(User.status == status)
    if after is not None:
        conditions.append(tuple_(User.created_at, User.id) < tuple_(*after))
    query = select(User).where(*conditions).order_by(User.created_at.desc(), User.id.desc()).limit(limit)
    return (await session.scalars(query)).all()


async def live_account_token(session: AsyncSession, raw: str, purpose: str) -> AccountToken | None:
    """The unused, unexpired one-time link behind `raw` (not locked: `account_tokens.spend` locks and spends)."""
    query = select(AccountToken).where(
        AccountToken.token_hash == secret_digest(raw),
        AccountToken.purpose == purpose,
        AccountToken.used_at.is_(None),
        AccountToken.expires_at > func.now(),
    )
    return (await session.scalars(query)).one_or_none()


# ---- the second factor (the rules are in mfa.py) ---------------------------------------------


async def authenticator(
    session: AsyncSession, user_id: uuid.UUID, *, for_update: bool = False
) -> MfaAuthenticator | None:
    """The person's TOTP authenticator, confirmed or in enrolment (locked: code checks are serialised, so
    one code's step is accepted once however many requests carry it)."""
    query = select(MfaAuthenticator).where(MfaAuthenticator.user_id == user_id)
    if for_update:
        query = query.with_for_update()
    return (await session.scalars(query)).one_or_none()


async def delete_second_factor(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Remove the authenticator and every recovery code of the person."""
    await session.execute(delete(MfaRecoveryCode).where(MfaRecoveryCode.user_id == user_id))
    await session.execute(delete(MfaAuthenticator).where(MfaAuthenticator.user_id == user_id))


async def replace_recovery_codes(session: AsyncSession, user_id: uuid.UUID, digests: list[bytes]) -> None:
    """The person's recovery codes become exactly these (earlier ones, used or not, stop working)."""
    await session.execute(delete(MfaRecoveryCode).where(MfaRecoveryCode.user_id == user_id))
    session.add_all(MfaRecoveryCode(id=uuid.uuid4(), user_id=user_id, code_hash=d) for d in digests)
    await session.flush()


async def spend_recovery_code(session: AsyncSession, user_id: uuid.UUID, digest: bytes) -> bool:
    """Mark one unused recovery code of the person as used; False when there is none with this digest. One
    UPDATE, so two requests with the same code cannot both succeed."""
    result = await session.execute(
        update(MfaRecoveryCode)
        .where(
            MfaRecoveryCode.user_id == user_id, MfaRecoveryCode.code_hash == digest, MfaRecoveryCode.used_at.is_(None)
        )
        .values(used_at=func.now())
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def recovery_codes_left(session: AsyncSession, user_id: uuid.UUID) -> int:
    query = select(func.count()).where(MfaRecoveryCode.user_id == user_id, MfaRecoveryCode.used_at.is_(None))
    return int(await session.scalar(query) or 0)


# ---- principals ------------------------------------------------------------------------------


# Every authenticated request sends it, through the driver (db/driver.py says why).
_PRINCIPAL = (
    "SELECT u.id, u.email, u.display_name, u.roles, u.status, u.created_at, u.last_sign_in_at, "
    "u.email_verified_at, s.revoked_at, s.expires_at "
    "FROM users u JOIN auth_sessions s ON s.user_id = u.id WHERE u.id = $1 AND s.id = $2"
)


async def user_with_session(connection: AsyncConnection, user_id: uuid.UUID, session_id: uuid.UUID) -> DriverRow | None:
    """One round trip per authenticated request: the user's current state and its sign-in's state (the
    columns of ``_PRINCIPAL``)."""
    row: DriverRow | None = await driver_outside_transaction(connection).fetchrow(
        _PRINCIPAL, user_id, session_id, record_class=DriverRow
    )
    return row


# ---- sessions and refresh tokens ------------------------------------------------------------


async def refresh_token_for_update(
    session: AsyncSession, token_hash: bytes
) -> tuple[RefreshToken, AuthSession, User] | None:
    """The presented refresh token with its session and user, the token and session rows locked so two
    presentations of one token are serialised (the second sees it used)."""
    query = (
        select(RefreshToken, AuthSession, User)
        .join(AuthSession, AuthSession.id == RefreshToken.session_id)
        .join(User, User.id == AuthSession.user_id)
        .where(RefreshToken.token_hash == token_hash)
        .with_for_update(of=[RefreshToken, AuthSession])
    )
    row = (await session.execute(query)).one_or_none()
    return None if row is None else (row[0], row[1], row[2])


async def session_of_refresh_token(session: AsyncSession, token_hash: bytes) -> AuthSession | None:
    query = (
        select(AuthSession)
        .join(RefreshToken, RefreshToken.session_id == AuthSession.id)
        .where(RefreshToken.token_hash == token_hash)
    )
    return (await session.scalars(query)).one_or_none()


async def mark_used(session: AsyncSession, token_id: uuid.UUID, at: datetime) -> None:
    await session.execute(update(RefreshToken).where(RefreshToken.id == token_id).values(used_at=at))


async def revoke_session(session: AsyncSession, session_id: uuid.UUID, reason: str) -> None:
    await session.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=func.now(), revoked_reason=reason)
    )


async def live_sessions(session: AsyncSession, user_id: uuid.UUID) -> Sequence[AuthSession]:
    """A person's sign-ins that still work, most recently used first."""
    query = (
        select(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None), AuthSession.expires_at > func.now())
        .order_by(AuthSession.last_used_at.desc(), AuthSession.id)
    )
    return (await session.scalars(query)).all()


async def revoke_own_session(session: AsyncSession, user_id: uuid.UUID, session_id: uuid.UUID, reason: str) -> bool:
    """End one live sign-in of `user_id`; False when there is none (another person's is none too)."""
    result = await session.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=func.now(), revoked_reason=reason)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def revoke_user_sessions(
    session: AsyncSession, user_id: uuid.UUID, reason: str, *, keep: uuid.UUID | None = None
) -> int:
    """Revoke every live sign-in of a user (but `keep`); returns how many were revoked."""
    query = (
        update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=func.now(), revoked_reason=reason)
    )
    if keep is not None:
        query = query.where(AuthSession.id != keep)
    result = await session.execute(query)
    return int(result.rowcount)  # type: ignore[attr-defined]


# ---- sign-in throttle (auth_throttle; the policy is in throttle.py) --------------------------------

_RETRY_AFTER = text(
    "SELECT max(next_allowed_at) - now() AS wait FROM auth_throttle WHERE key = ANY(:keys) AND next_allowed_at > now()"
)
_COUNT_FAILURE = text(
    """
    INSERT INTO auth_throttle AS t (key, failures, last_failure_at, next_allowed_at)
    VALUES (:key, 1, now(), now())
    ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN t.last_failure_at < now() - make_interval(secs => :reset_after_s)
                        THEN 1 ELSE t.failures + 1 END,
        last_failure_at = now()
    RETURNING failures
    """
)
_SET_NEXT_ALLOWED = text(
    "UPDATE auth_throttle SET next_allowed_at = now() + make_interval(secs => :delay_s) WHERE key = :key"
)
_CLEAR = text("DELETE FROM auth_throttle WHERE key = :key")
_LOCK = text("SELECT pg_advisory_xact_lock(:namespace, :lock)")
_REFUND = text(
    """
    UPDATE auth_throttle SET
        failures = greatest(failures - 1, 0),
        next_allowed_at = CASE WHEN failures - 1 < :free_failures THEN least(next_allowed_at, now())
                               ELSE next_allowed_at END
    WHERE key = :key
    """
)
THROTTLE_LOCK_NAMESPACE = 0x4C45_0001  # the first half of the two-key advisory lock: "LE", throttle


async def throttle_wait(session: AsyncSession, keys: list[str]) -> timedelta | None:
    """How long until every key allows another attempt (None: none is waiting)."""
    wait: timedelta | None = (await session.execute(_RETRY_AFTER, {"keys": keys})).scalar_one()
    return wait


async def count_throttle_failure(session: AsyncSession, key: str, reset_after_s: int) -> int:
    """One more failure on `key` (an upsert, safe under concurrency); the count restarts after a quiet
    `reset_after_s`. Returns the consecutive failures."""
    failures: int = (await session.execute(_COUNT_FAILURE, {"key": key, "reset_after_s": reset_after_s})).scalar_one()
    return failures


async def delay_throttle(session: AsyncSession, key: str, delay_s: int) -> None:
    await session.execute(_SET_NEXT_ALLOWED, {"key": key, "delay_s": delay_s})


async def clear_throttle(session: AsyncSession, key: str) -> None:
    await session.execute(_CLEAR, {"key": key})


async def lock_throttle_key(session: AsyncSession, lock: int) -> None:
    """A transaction-scoped advisory lock on one throttle key (released at COMMIT or ROLLBACK)."""
    await session.execute(_LOCK, {"namespace": THROTTLE_LOCK_NAMESPACE, "lock": lock})


async def refund_throttle(session: AsyncSession, key: str, free_failures: int) -> None:
    await session.execute(_REFUND, {"key": key, "free_failures": free_failures})
