"""Queries for credit policy versions (the caller holds the transaction and the product's lock)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
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


async def active(session: AsyncSession, product_id: uuid.UUID) -> PolicyVersion | None:
    query = select(PolicyVersion).where(PolicyVersion.product_id == product_id, PolicyVersion.status == "active")
    return (await session.execute(query)).scalar_one_or_none()
