"""Recording security events (inside the caller's transaction, so the event commits with the change it
describes) and querying them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.audit import repository
from loan_engine.audit.schemas import AuditEventRead, AuditPage
from loan_engine.request_context import request_id_var


class AuditEvent(StrEnum):
    USER_REGISTERED = "user.registered"
    ADMIN_BOOTSTRAPPED = "user.admin_bootstrapped"
    LOGIN_SUCCEEDED = "auth.login.succeeded"
    LOGIN_FAILED = "auth.login.failed"
    REFRESH_REUSE_DETECTED = "auth.refresh.reuse_detected"
    LOGOUT = "auth.logout"
    PASSWORD_CHANGED = "auth.password.changed"
    PASSWORD_CHANGE_FAILED = "auth.password.change_failed"
    ROLES_CHANGED = "user.roles.changed"
    USER_DISABLED = "user.disabled"
    USER_ENABLED = "user.enabled"
    CLIENT_CREATED = "client.created"
    CLIENT_REVOKED = "client.revoked"
    CLIENT_TOKEN_ISSUED = "client.token.issued"
    CLIENT_TOKEN_DENIED = "client.token.denied"


class Outcome(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"


@dataclass(frozen=True, slots=True)
class Party:
    """An actor or subject: a user, an API client, an email that matched no account, or the system."""

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


@dataclass(frozen=True, slots=True)
class RequestMeta:
    """Where a request came from (uvicorn resolves X-Forwarded-For from trusted proxies into `client`)."""

    source_address: str | None = None
    user_agent: str | None = None


async def record(
    session: AsyncSession,
    event: AuditEvent | str,
    *,
    actor: Party,
    meta: RequestMeta,
    subject: Party | None = None,
    outcome: Outcome = Outcome.SUCCESS,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one row; the request id comes from the current request's context."""
    await repository.append(
        session,
        {
            "event": str(event),
            "outcome": outcome.value,
            "actor_type": actor.type,
            "actor_id": actor.id,
            "subject_type": subject.type if subject else None,
            "subject_id": subject.id if subject else None,
            "source_address": meta.source_address[:64] if meta.source_address else None,
            "request_id": request_id_var.get(),
            "details": details or {},
        },
    )


@dataclass(frozen=True, slots=True)
class AuditQuery:
    event: str | None = None
    actor_id: str | None = None
    subject_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    before: int | None = None
    limit: int = 50


class AuditService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def search(self, query: AuditQuery) -> AuditPage:
        async with self.session.begin():
            rows = await repository.search(
                self.session,
                event=query.event,
                actor_id=query.actor_id,
                subject_id=query.subject_id,
                since=query.since,
                until=query.until,
                before_id=query.before,
                limit=query.limit + 1,
            )
        items = [_read(row) for row in rows[: query.limit]]
        next_before = items[-1].id if len(rows) > query.limit else None
        return AuditPage(items=items, next_before=next_before)


def _read(row: Any) -> AuditEventRead:
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
