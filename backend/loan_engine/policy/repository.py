"""Queries for credit policy versions (the caller holds the transaction and the product's lock)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.db.driver import Row, driver
from loan_engine.policy.models import PolicyVersion


async def add(session: AsyncSession, row: PolicyVersion) -> None:
    session.add(row)
    await session.flush()


async def versions(session: AsyncSession, product_id: uuid.UUID) -> Sequence[PolicyVersion]:
    query = select(PolicyVersion).where(PolicyVersion.product_id == product_id).order_by(PolicyVersion.version)
    return (await session.execute(query)).scalars().all()


async def version(
    session: AsyncSession, product_id: uuid.UUID, number: int, *, for_update: bool = False
) -> PolicyVersion | None:
    query = select(PolicyVersion).where(PolicyVersion.product_id == product_id, PolicyVersion.version == number)
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


# Every decision reads the active version, so these go through the driver (db/driver.py says why).
_ACTIVE_HEADER: Final = (
    "SELECT id, version, name, updated_at FROM credit_policy_versions WHERE product_id = $1 AND status = 'active'"
)
_MODEL: Final = "SELECT model FROM credit_policy_versions WHERE id = $1"


async def active_header(session: AsyncSession, product_id: uuid.UUID) -> Row | None:
    """The active version's id, number, name and last change, without its model (tens of kB of JSON that
    every decision would otherwise read and decode while the compiled model sits in a cache)."""
    found: Row | None = await (await driver(session)).fetchrow(_ACTIVE_HEADER, product_id, record_class=Row)
    return found


async def model(session: AsyncSession, version_id: uuid.UUID) -> dict[str, Any]:
    found: dict[str, Any] = await (await driver(session)).fetchval(_MODEL, version_id)
    return found


async def active(session: AsyncSession, product_id: uuid.UUID) -> PolicyVersion | None:
    query = select(PolicyVersion).where(PolicyVersion.product_id == product_id, PolicyVersion.status == "active")
    return (await session.execute(query)).scalar_one_or_none()
