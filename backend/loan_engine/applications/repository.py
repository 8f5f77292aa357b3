"""Queries of applications (the caller holds the transaction)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, and_, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.applications.models import Application, FunnelEvent


async def add(session: AsyncSession, row: Application) -> None:
    session.add(row)
    await session.flush()


async def get(session: AsyncSession, application_id: uuid.UUID, *, for_update: bool = False) -> Application | None:
    query = select(Application).where(Application.id == application_id)
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


_FUNNEL = insert(cast(Table, FunnelEvent.__table__))  # built once (loans/repository.py says why)


async def funnel(session: AsyncSession, application_id: uuid.UUID, channel: str, *steps: str) -> None:
    """Record the application's funnel steps, in order, in one statement."""
    rows = [{"application_id": application_id, "step": step, "channel": channel} for step in steps]
    await session.execute(_FUNNEL, rows)


async def funnel_steps(session: AsyncSession, application_id: uuid.UUID) -> Sequence[FunnelEvent]:
    query = select(FunnelEvent).where(FunnelEvent.application_id == application_id).order_by(FunnelEvent.id)
    return (await session.execute(query)).scalars().all()


async def claim(
    session: AsyncSession, application_id: uuid.UUID, underwriter: uuid.UUID, statuses: tuple[str, ...], now: datetime
) -> bool:
    """Take the application for ``underwriter`` in one conditional UPDATE: of two underwriters claiming at
    once, PostgreSQL lets exactly one row change (the other sees it taken)."""
    result = await session.execute(
        update(Application)
        .where(
            Application.id == application_id,
            Application.assignee_id.is_(None),
            Application.status.in_(statuses),
        )
        .values(assignee_id=underwriter, claimed_at=now, updated_at=now)
        .returning(Application.id)
    )
    return result.scalar_one_or_none() is not None


async def expire_due(session: AsyncSession, now: datetime) -> int:
    """Every approved application whose offers have lapsed becomes ``expired``, with its funnel row, in
    two set-based statements (safe to re-run: an expired one is no longer approved)."""
    expired = (
        await session.execute(
            update(Application)
            .where(Application.status == "approved", Application.expires_at <= now)
            .values(status="expired", updated_at=now)
            .returning(Application.id, Application.channel)
        )
    ).all()
    if expired:
        await session.execute(
            insert(FunnelEvent), [{"application_id": i, "step": "expired", "channel": c, "at": now} for i, c in expired]
        )
    return len(expired)


async def page(
    session: AsyncSession,
    *,
    borrower_id: uuid.UUID | None,
    client_id: uuid.UUID | None,
    status: str | None,
    product_code: str | None,
    assignee: uuid.UUID | None,
    unassigned: bool,
    created_before: datetime | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> Sequence[Application]:
    query = select(Application)
    if borrower_id is not None:
        query = query.where(Application.borrower_id == borrower_id)
    if client_id is not None:
        query = query.where(Application.client_id == client_id)
    if status is not None:
        query = query.where(Application.status == status)
    if product_code is not None:
        query = query.where(Application.product_code == product_code)
    if assignee is not None:
        query = query.where(Application.assignee_id == assignee)
    if unassigned:
        query = query.where(Application.assignee_id.is_(None))
    if created_before is not None:
        query = query.where(Application.created_at <= created_before)
    if after is not None:
        at, last = after
        query = query.where(or_(Application.created_at < at, and_(Application.created_at == at, Application.id < last)))
    query = query.order_by(Application.created_at.desc(), Application.id.desc()).limit(limit + 1)
    return (await session.execute(query)).scalars().all()
