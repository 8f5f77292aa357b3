"""audit_log queries: insert (never update or delete: the database refuses both) and filtered reads."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.audit.models import AuditLog

# Built once, executed with each row's values: every audited change runs it (loans/repository.py says why).
_APPEND = insert(cast(Table, AuditLog.__table__))


async def append(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(_APPEND, values)


async def search(
    session: AsyncSession,
    *,
    event: str | None,
    actor_id: str | None,
    subject_id: str | None,
    since: datetime | None,
    until: datetime | None,
    before_id: int | None,
    limit: int,
) -> Sequence[AuditLog]:
    """Newest first; keyset pagination on id (`before_id`), so deep pages cost the same as the first."""
    query = select(AuditLog).order_by(AuditLog.id.desc()).limit(limit)
    if event is not None:
        query = query.where(AuditLog.event == event)
    if actor_id is not None:
        query = query.where(AuditLog.actor_id == actor_id)
    if subject_id is not None:
        query = query.where(AuditLog.subject_id == subject_id)
    if since is not None:
        query = query.where(AuditLog.occurred_at >= since)
    if until is not None:
        query = query.where(AuditLog.occurred_at < until)
    if before_id is not None:
        query = query.where(AuditLog.id < before_id)
    return (await session.scalars(query)).all()
