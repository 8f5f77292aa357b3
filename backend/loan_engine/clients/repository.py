"""Queries for API clients. Flushes, never commits."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from loan_engine.clients.models import ApiClient
from loan_engine.db.driver import Row as DriverRow
from loan_engine.db.driver import driver_outside_transaction


async def add(session: AsyncSession, client: ApiClient) -> None:
    session.add(client)
    await session.flush()


async def get_client(session: AsyncSession, client_uuid: uuid.UUID, *, for_update: bool = False) -> ApiClient | None:
    query = select(ApiClient).where(ApiClient.id == client_uuid)
    if for_update:
        query = query.with_for_update()
    return (await session.scalars(query)).one_or_none()


async def get_client_by_client_id(session: AsyncSession, client_id: str) -> ApiClient | None:
    return (await session.scalars(select(ApiClient).where(ApiClient.client_id == client_id))).one_or_none()


async def list_clients(
    session: AsyncSession, *, include_revoked: bool, after: tuple[datetime, uuid.UUID] | None, limit: int
) -> Sequence[ApiClient]:
    """Newest first, keyset-paged on (created_at, id)."""
    query = select(ApiClient).order_by(ApiClient.created_at.desc(), ApiClient.id.desc()).limit(limit)
    if not include_revoked:
        query = query.where(ApiClient.revoked_at.is_(None))
    if after is not None:
        query = query.where(tuple_(ApiClient.created_at, ApiClient.id) < tuple_(*after))
    return (await session.scalars(query)).all()


async def touch_client(session: AsyncSession, client_uuid: uuid.UUID) -> None:
    await session.execute(update(ApiClient).where(ApiClient.id == client_uuid).values(last_used_at=func.now()))


# Every request of an API client sends it, through the driver (db/driver.py says why).
_PRINCIPAL = "SELECT id, client_id, name, scopes, revoked_at FROM api_clients WHERE id = $1"


async def client_principal(connection: AsyncConnection, client_uuid: uuid.UUID) -> DriverRow | None:
    """What the guards need of a client (the columns of ``_PRINCIPAL``), on their connection outside any
    transaction (one round trip per request)."""
    row: DriverRow | None = await driver_outside_transaction(connection).fetchrow(
        _PRINCIPAL, client_uuid, record_class=DriverRow
    )
    return row
