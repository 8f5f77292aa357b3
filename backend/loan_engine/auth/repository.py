"""Queries for users, sign-in sessions, refresh tokens and API clients. Flushes, never commits."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Row, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from loan_engine.auth.models import ApiClient, AuthSession, RefreshToken, User

# id, email, display_name, roles, status, created_at, last_sign_in_at, session revoked_at, session expires_at
PrincipalRow = Row[uuid.UUID, str, str, list[str], str, datetime, datetime | None, datetime | None, datetime]
# id, client_id, name, scopes, revoked_at
ClientRow = Row[uuid.UUID, str, str, list[str], datetime | None]

# ---- users -----------------------------------------------------------------------------------


async def get_user(session: AsyncSession, user_id: uuid.UUID, *, for_update: bool = False) -> User | None:
    query = select(User).where(User.id == user_id)
    if for_update:
        query = query.with_for_update()
    return (await session.scalars(query)).one_or_none()


async def get_user_by_email(session: AsyncSession, email: str, *, for_update: bool = False) -> User | None:
    query = select(User).where(User.email == email)
    if for_update:
        query = query.with_for_update()
    return (await session.scalars(query)).one_or_none()


async def email_taken(session: AsyncSession, email: str) -> bool:
    return (await session.scalar(select(func.count()).where(User.email == email))) != 0


async def add(session: AsyncSession, row: User | AuthSession | RefreshToken | ApiClient) -> None:
    session.add(row)
    await session.flush()


async def set_password(session: AsyncSession, user_id: uuid.UUID, password_hash: str) -> None:
    await session.execute(
        update(User)
        .where(User.id == user_id)
        .values(password_hash=password_hash, password_changed_at=func.now(), updated_at=func.now())
    )


async def search_users(
    session: AsyncSession, *, text: str | None, role: str | None, status: str | None, limit: int, offset: int
) -> tuple[Sequence[User], int]:
    """Users whose email or name contains `text` (case-insensitive), newest first, and the total count."""
    conditions = []
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(or_(User.email.ilike(pattern, escape="\\"), User.display_name.ilike(pattern, escape="\\")))
    if role:
        conditions.append(User.roles.contains([role]))
    if status:
        conditions.append(User.status == status)
    total = await session.scalar(select(func.count()).select_from(User).where(*conditions))
    rows = await session.scalars(
        select(User).where(*conditions).order_by(User.created_at.desc(), User.id).limit(limit).offset(offset)
    )
    return rows.all(), int(total or 0)


# ---- principals ------------------------------------------------------------------------------


async def user_with_session(
    connection: AsyncConnection, user_id: uuid.UUID, session_id: uuid.UUID
) -> PrincipalRow | None:
    """One round trip per authenticated request: the user's current state and its sign-in's state."""
    query = (
        select(
            User.id,
            User.email,
            User.display_name,
            User.roles,
            User.status,
            User.created_at,
            User.last_sign_in_at,
            AuthSession.revoked_at,
            AuthSession.expires_at,
        )
        .join(AuthSession, AuthSession.user_id == User.id)
        .where(User.id == user_id, AuthSession.id == session_id)
    )
    return (await connection.execute(query)).one_or_none()


async def client_principal(connection: AsyncConnection, client_uuid: uuid.UUID) -> ClientRow | None:
    query = select(ApiClient.id, ApiClient.client_id, ApiClient.name, ApiClient.scopes, ApiClient.revoked_at).where(
        ApiClient.id == client_uuid
    )
    return (await connection.execute(query)).one_or_none()


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


# ---- API clients -----------------------------------------------------------------------------


async def get_client(session: AsyncSession, client_uuid: uuid.UUID, *, for_update: bool = False) -> ApiClient | None:
    query = select(ApiClient).where(ApiClient.id == client_uuid)
    if for_update:
        query = query.with_for_update()
    return (await session.scalars(query)).one_or_none()


async def get_client_by_client_id(session: AsyncSession, client_id: str) -> ApiClient | None:
    return (await session.scalars(select(ApiClient).where(ApiClient.client_id == client_id))).one_or_none()


async def list_clients(session: AsyncSession, *, include_revoked: bool) -> Sequence[ApiClient]:
    query = select(ApiClient).order_by(ApiClient.created_at.desc(), ApiClient.id)
    if not include_revoked:
        query = query.where(ApiClient.revoked_at.is_(None))
    return (await session.scalars(query)).all()


async def touch_client(session: AsyncSession, client_uuid: uuid.UUID) -> None:
    await session.execute(update(ApiClient).where(ApiClient.id == client_uuid).values(last_used_at=func.now()))
