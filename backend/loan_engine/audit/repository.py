"""audit_log queries: insert (never update or delete: the database refuses both) and filtered reads."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.audit.models import AuditLog
from loan_engine.db.driver import driver

# Every audited change sends it, so it goes through the driver (db/driver.py says why).
_APPEND = (
    "INSERT INTO audit_log (event, outcome, actor_type, actor_id, subject_type, subject_id, source_address, "
    "request_id, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)"
)


async def append(
    session: AsyncSession,
    *,
    event: str,
    outcome: str,
    actor: tuple[str, str | None],
    subject: tuple[str | None, str | None],
    source_address: str | None,
    request_id: str | None,
    details: dict[str, Any],
) -> None:
    await (await driver(session)).execute(
        _APPEND, event, outcome, *actor, *subject, source_address, request_id, msgspec.json.encode(details).decode()
    )


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
