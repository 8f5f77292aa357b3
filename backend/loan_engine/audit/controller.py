"""GET /api/admin/audit: the security audit trail, filtered and paginated (admins, or API clients with
the audit:read scope, e.g. a SIEM exporter)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.audit.schemas import AuditPage
from loan_engine.audit.service import AuditQuery, AuditService
from loan_engine.auth.guards import allow
from loan_engine.auth.principal import Role, Scope


async def provide_audit_service(db_session: NamedDependency[AsyncSession]) -> AuditService:
    return AuditService(db_session)


class AuditController(Controller):
    path = "/api/admin/audit"
    tags = ["admin"]
    guards = [allow(roles={Role.ADMIN}, scopes={Scope.AUDIT_READ})]
    security = [{"BearerAuth": []}]
    dependencies = {"audit_service": Provide(provide_audit_service)}

    @get("/", summary="Security events, newest first")
    async def list_events(
        self,
        *,
        audit_service: NamedDependency[AuditService],
        event: Annotated[str | None, QueryParameter(max_length=64, description="e.g. auth.login.failed")] = None,
        actor_id: Annotated[str | None, QueryParameter(name="actorId", max_length=64)] = None,
        subject_id: Annotated[str | None, QueryParameter(name="subjectId", max_length=320)] = None,
        since: Annotated[datetime | None, QueryParameter(description="Inclusive, ISO 8601")] = None,
        until: Annotated[datetime | None, QueryParameter(description="Exclusive, ISO 8601")] = None,
        before: Annotated[int | None, QueryParameter(ge=1, description="`nextBefore` of the previous page")] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    ) -> AuditPage:
        return await audit_service.search(
            AuditQuery(
                event=event,
                actor_id=actor_id,
                subject_id=subject_id,
                since=since,
                until=until,
                before=before,
                limit=limit,
            )
        )
