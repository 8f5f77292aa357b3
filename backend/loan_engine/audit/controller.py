"""GET /api/admin/audit: the audit trail, filtered and keyset-paged.

Who may read it is decided where the app is put together (`app.py` mounts this controller behind the
identity guards: admins, and API clients with the audit:read scope such as a SIEM exporter), so this
package imports no feature."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.api.types import DEFAULT_LIMIT, Cursor, Limit, date_time_query, parse_date_time
from loan_engine.audit.events import EVENT_TYPE_PATTERN, MAX_EVENT_TYPE_LENGTH
from loan_engine.audit.schemas import AuditPage
from loan_engine.audit.service import AuditQuery, AuditService


async def provide_audit_service(db_session: NamedDependency[AsyncSession]) -> AuditService:
    return AuditService(db_session)


class AuditController(Controller):
    path = "/api/admin/audit"
    tags = ["admin"]
    security = [{"BearerAuth": []}]
    dependencies = {"audit_service": Provide(provide_audit_service)}

    @get("/", summary="Audited events, newest first")
    async def list_events(
        self,
        *,
        audit_service: NamedDependency[AuditService],
        event: Annotated[
            str | None,
            QueryParameter(
                max_length=MAX_EVENT_TYPE_LENGTH, pattern=EVENT_TYPE_PATTERN, description="e.g. auth.login.failed"
            ),
        ] = None,
        actor_id: Annotated[str | None, QueryParameter(name="actorId", max_length=64)] = None,
        subject_id: Annotated[str | None, QueryParameter(name="subjectId", max_length=320)] = None,
        since: Annotated[str | None, date_time_query("since", "Inclusive")] = None,
        until: Annotated[str | None, date_time_query("until", "Exclusive")] = None,
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> AuditPage:
        return await audit_service.search(
            AuditQuery(
                event=event,
                actor_id=actor_id,
                subject_id=subject_id,
                since=parse_date_time("since", since),
                until=parse_date_time("until", until),
                cursor=cursor,
                limit=limit,
            )
        )
