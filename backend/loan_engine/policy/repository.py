"""Queries for credit policy versions (the caller holds the transaction and the product's lock)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

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


_ACTIVE_HEADER = select(PolicyVersion.id, PolicyVersion.version, PolicyVersion.name, PolicyVersion.updated_at).where(
    PolicyVersion.product_id == bindparam("product_id"), PolicyVersion.status == "active"
)
_MODEL = select(PolicyVersion.model).where(PolicyVersion.id == bindparam("id"))


async def active_header(session: AsyncSession, product_id: uuid.UUID) -> Any:
    """The active version's id, number, name and last change, without its model (tens of kB of JSON that
    every decision would otherwise read and decode while the compiled model sits in a cache)."""
    return (await session.execute(_ACTIVE_HEADER, {"product_id": product_id})).one_or_none()


async def model(session: AsyncSession, version_id: uuid.UUID) -> dict[str, Any]:
    found: dict[str, Any] = (await session.execute(_MODEL, {"id": version_id})).scalar_one()
    return found


async def active(session: AsyncSession, product_id: uuid.UUID) -> PolicyVersion | None:
    query = select(PolicyVersion).where(PolicyVersion.product_id == product_id, PolicyVersion.status == "active")
    return (await session.execute(query)).scalar_one_or_none()
