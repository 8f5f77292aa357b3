"""Recording audited events, inside the caller's transaction so an event commits with the change it
describes, and querying them. Any feature records here, with the event types it declared
(`audit.events.event_type`); this package imports no feature."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.api.request import RequestMeta
from loan_engine.api.types import decode_cursor, encode_cursor
from loan_engine.audit import repository
from loan_engine.audit.events import EventType
from loan_engine.audit.models import AuditLog
from loan_engine.audit.schemas import AuditEventRead, AuditPage
from loan_engine.db.transactions import require_transaction, transaction
from loan_engine.request_context import request_id_var


class Outcome(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"


@dataclass(frozen=True, slots=True)
class Party:
    """An actor or subject: a user, an API client, an email that matched no account, the system, or any
    other thing a feature names (`Party("loan", str(loan.id))`). `type` is at most 16 characters."""

    type: str
    id: str | None

    @classmethod
    def user(cls, user_id: uuid.UUID) -> Party:
        return cls("user", str(user_id))

    @classmethod
    def client(cls, client_uuid: uuid.UUID) -> Party:
        return cls("client", str(client_uuid))

    @classmethod
    def email(cls, email: str) -> Party:
        return cls("email", email)

    @classmethod
    def system(cls, name: str) -> Party:
        return cls("system", name)


ANONYMOUS = Party("anonymous", None)


async def record(
    session: AsyncSession,
    event: EventType,
    *,
    actor: Party,
    meta: RequestMeta,
    subject: Party | None = None,
    outcome: Outcome = Outcome.SUCCESS,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one row, in the caller's transaction (the event commits with the change it describes, or
    neither does); the request id comes from the current request's context."""
    require_transaction(session)
    await repository.append(
        session,
        event=event.name,
        outcome=outcome.value,
        actor=(actor.type, actor.id),
        subject=(subject.type, subject.id) if subject else (None, None),
        source_address=meta.source_address[:64] if meta.source_address else None,
        request_id=request_id_var.get(),
        details=details or {},
    )


@dataclass(frozen=True, slots=True)
class AuditQuery:
    event: str | None = None
    actor_id: str | None = None
    subject_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    cursor: str | None = None
    limit: int = 50


class AuditService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def search(self, query: AuditQuery) -> AuditPage:
        """Newest first, keyset-paged on the row id (the cursor is the last id of the previous page)."""
        before_id = decode_cursor(query.cursor, tuple[int])[0] if query.cursor else None

        async def look() -> Sequence[AuditLog]:
            return await repository.search(
                self.session,
                event=query.event,
                actor_id=query.actor_id,
                subject_id=query.subject_id,
                since=query.since,
                until=query.until,
                before_id=before_id,
                limit=query.limit + 1,
            )

        rows = await transaction(self.session, look, read_only=True)
        items = [_read(row) for row in rows[: query.limit]]
        next_cursor = encode_cursor((items[-1].id,)) if len(rows) > query.limit else None
        return AuditPage(items=items, next_cursor=next_cursor)


def _read(row: AuditLog) -> AuditEventRead:
    return AuditEventRead(
        id=row.id,
        occurred_at=row.occurred_at,
        event=row.event,
        outcome=row.outcome,
        actor_type=row.actor_type,
        actor_id=row.actor_id,
        subject_type=row.subject_type,
        subject_id=row.subject_id,
        source_address=row.source_address,
        request_id=row.request_id,
        details=row.details,
    )
