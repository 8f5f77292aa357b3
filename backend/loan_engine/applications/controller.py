"""/api/applications: drafts, submit, reads, withdrawal, acceptance, notices, underwriting.

A borrower applies for themselves and sees only their own applications (channel ``web``); an API client
with ``applications:write`` applies for a borrower and sees only what it submitted (channel ``api``);
staff (underwriters, admins) see every application, the credit report and the decision trace, review
referred applications and confirm overrides (channel ``staff``). Someone else's application is a 404.
Submitting and accepting need an ``Idempotency-Key`` header (docs/IDEMPOTENCY.md).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, Response, get, patch, post
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, HeaderParameter, JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.api.request import AnyRequest, request_meta
from loan_engine.api.types import DEFAULT_LIMIT, Cursor, Limit
from loan_engine.applications.notices import notice_pdf
from loan_engine.applications.schemas import (
    AcceptIn,
    AppChannel,
    ApplicationCreate,
    ApplicationPage,
    ApplicationRead,
    ApplicationStatus,
    DraftSections,
    NoticeOut,
    ReviewIn,
    SensitiveRead,
    StaffView,
)
from loan_engine.applications.service import Actor, ApplicationService
from loan_engine.audit.service import Party
from loan_engine.auth.guards import BEARER, allow
from loan_engine.auth.principal import ClientPrincipal, Role, Scope, UserPrincipal
from loan_engine.errors import PermissionDeniedError
from loan_engine.idempotency.http import request_key, respond

STAFF = {Role.ADMIN, Role.UNDERWRITER}
EVERYONE = {Role.ADMIN, Role.UNDERWRITER, Role.BORROWER}
APPLY = allow(roles=EVERYONE, scopes={Scope.APPLICATIONS_WRITE})
STAFF_ONLY = allow(roles=STAFF)
BORROWER_SIDE = allow(roles=EVERYONE, scopes={Scope.APPLICATIONS_WRITE})
IdempotencyKey = Annotated[
    str,
    HeaderParameter(
        name="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="A unique key per intended request (a UUID); a retry with the same key gets the first response",
    ),
]
NOT_FOUND = {"problems": (404,)}
CONFLICT = {"problems": (404, 409)}


async def provide_service(db_session: NamedDependency[AsyncSession], state: State) -> ApplicationService:
    return ApplicationService(db_session, state["data_keys"])


def actor_of(request: AnyRequest) -> Actor:
    principal = request.scope.get("user")
    if isinstance(principal, ClientPrincipal):
        return Actor(Party.client(principal.id), f"client:{principal.id}", AppChannel.API, client_id=principal.id)
    if isinstance(principal, UserPrincipal):
        staff = principal.has_any(frozenset(STAFF))
        channel = AppChannel.STAFF if staff else AppChannel.WEB
        return Actor(
            Party.user(principal.id),
            f"user:{principal.id}",
            channel,
            user_id=principal.id,
            roles=principal.roles,
            email_verified=principal.email_verified,
        )
    raise PermissionDeniedError  # pragma: no cover - the guard ran first


class ApplicationsController(Controller):
    path = "/api/applications"
    tags = ["applications"]
    security = BEARER
    dependencies = {"applications": Provide(provide_service)}

    @post("/", status_code=201, guards=[APPLY], summary="Start an application (a draft), with any sections ready")
    async def create(
        self, request: AnyRequest, applications: NamedDependency[ApplicationService], data: JSONBody[ApplicationCreate]
    ) -> ApplicationRead:
        return await applications.create(actor_of(request), data, request_meta(request))

    @get(
        "/",
        guards=[APPLY],
        summary="Applications, newest first (a borrower's own, a client's submitted; staff: all, the queue filters)",
    )
    async def list_applications(  # noqa: PLR0917 - the list's filters
        self,
        request: AnyRequest,
        applications: NamedDependency[ApplicationService],
        status: Annotated[ApplicationStatus | None, QueryParameter()] = None,
        product_code: Annotated[str | None, QueryParameter(name="productCode", max_length=32)] = None,
        assignee: Annotated[
            str | None, QueryParameter(max_length=36, description="Staff: me, none or an underwriter's id")
        ] = None,
        min_age_hours: Annotated[
            int | None,
            QueryParameter(name="minAgeHours", ge=0, le=100_000, description="Created at least this long ago"),
        ] = None,
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> ApplicationPage:
        return await applications.page(
            actor_of(request),
            status=status,
            product_code=product_code,
            assignee=assignee,
            min_age_hours=min_age_hours,
            cursor=cursor,
            limit=limit,
        )

    @get(
        "/{application_id:uuid}",
        guards=[APPLY],
        summary="An application (tax id and date of birth masked)",
        opt=NOT_FOUND,
    )
    async def get_application(
        self,
        request: AnyRequest,
        applications: NamedDependency[ApplicationService],
        application_id: FromPath[uuid.UUID],
    ) -> ApplicationRead:
        return await applications.get(actor_of(request), application_id)

    @patch("/{application_id:uuid}", guards=[APPLY], summary="Save a step of a draft (the sections sent)", opt=CONFLICT)
    async def update(
        self,
        request: AnyRequest,
        applications: NamedDependency[ApplicationService],
        application_id: FromPath[uuid.UUID],
        data: JSONBody[DraftSections],
    ) -> ApplicationRead:
        return await applications.update(actor_of(request), application_id, data)

    @post(
        "/{application_id:uuid}/submit",
        status_code=200,
        guards=[APPLY],
        summary="Submit a complete draft: credit report, automatic decision, offers or reasons",
        opt=CONFLICT,
    )
    async def submit(
        self,
        request: AnyRequest,
        applications: NamedDependency[ApplicationService],
        application_id: FromPath[uuid.UUID],
        idempotency_key: IdempotencyKey,
    ) -> Response[ApplicationRead]:
        actor = actor_of(request)
        key = request_key(request, actor.scope, idempotency_key, None)
        return respond(await applications.submit(actor, application_id, key, request_meta(request)))

    @post(
        "/{application_id:uuid}/withdraw",
        status_code=200,
        guards=[APPLY],
        summary="Withdraw the application",
        opt=CONFLICT,
    )
    async def withdraw(
        self,
        request: AnyRequest,
        applications: NamedDependency[ApplicationService],
        application_id: FromPath[uuid.UUID],
    ) -> ApplicationRead:
        return await applications.withdraw(actor_of(request), application_id, request_meta(request))

    @post(
        "/{application_id:uuid}/accept",
        status_code=200,
        guards=[APPLY],
        summary="Accept an offer with e-sign consent: the loan is booked at once, on the offer's schedule",
        opt=CONFLICT,
    )
    async def accept(
        self,
        request: AnyRequest,
        applications: NamedDependency[ApplicationService],
        application_id: FromPath[uuid.UUID],
        data: JSONBody[AcceptIn],
        idempotency_key: IdempotencyKey,
    ) -> Response[ApplicationRead]:
        actor = actor_of(request)
        key = request_key(request, actor.scope, idempotency_key, data)
        return respond(await applications.accept(actor, application_id, data, key, request_meta(request)))

    @get(
        "/{application_id:uuid}/notice",
        guards=[APPLY],
        summary="The adverse action or counteroffer notice (Reg B 1002.9, FCRA 615)",
        opt=NOT_FOUND,
    )
    async def notice(
        self,
        request: AnyRequest,
        applications: NamedDependency[ApplicationService],
        application_id: FromPath[uuid.UUID],
    ) -> NoticeOut:
        return await applications.notice(actor_of(request), application_id)

    @get(
        "/{application_id:uuid}/notice.pdf",
        guards=[APPLY],
        summary="The notice as a PDF",
        media_type="application/pdf",
        opt=NOT_FOUND,
    )
    async def notice_file(
        self,
        request: AnyRequest,
        applications: NamedDependency[ApplicationService],
        application_id: FromPath[uuid.UUID],
    ) -> Response[bytes]:
        notice = await applications.notice(actor_of(request), application_id)
        headers = {"Content-Disposition": f'attachment; filename="notice-{application_id}.pdf"'}
        return Response(notice_pdf(notice), media_type="application/pdf", headers=headers)

    # --- staff -----------------------------------------------------------------------------------

    @get(
        "/{application_id:uuid}/review",
        guards=[STAFF_ONLY],
        summary="Staff: the application with its credit report and readable decision trace",
        opt=NOT_FOUND,
    )
    async def staff_view(
        self,
        request: AnyRequest,
        applications: NamedDependency[ApplicationService],
        application_id: FromPath[uuid.UUID],
    ) -> StaffView:
        return await applications.staff_view(actor_of(request), application_id)

    @get(
        "/{application_id:uuid}/sensitive",
        guards=[STAFF_ONLY],
        summary="Staff: the tax id and date of birth unmasked (the view is audited)",
        opt=NOT_FOUND,
    )
    async def sensitive(
        self,
        request: AnyRequest,
        applications: NamedDependency[ApplicationService],
        application_id: FromPath[uuid.UUID],
    ) -> SensitiveRead:
        return await applications.sensitive(actor_of(request), application_id, request_meta(request))

    @post(
        "/{application_id:uuid}/claim", status_code=200, guards=[STAFF_ONLY], summary="Claim for review", opt=CONFLICT
    )
    async def claim(
        self,
        request: AnyRequest,
        applications: NamedDependency[ApplicationService],
        application_id: FromPath[uuid.UUID],
    ) -> ApplicationRead:
        return await applications.claim(actor_of(request), application_id, request_meta(request))

    @post(
        "/{application_id:uuid}/release", status_code=200, guards=[STAFF_ONLY], summary="Release a claim", opt=CONFLICT
    )
    async def release(
        self,
        request: AnyRequest,
        applications: NamedDependency[ApplicationService],
        application_id: FromPath[uuid.UUID],
    ) -> ApplicationRead:
        return await applications.release(actor_of(request), application_id, request_meta(request))

    @post(
        "/{application_id:uuid}/decision",
        status_code=200,
        guards=[STAFF_ONLY],
        summary="Approve, decline with reasons or counter-offer a claimed application (an override is proposed)",
        opt=CONFLICT,
    )
    async def review(
        self,
        request: AnyRequest,
        applications: NamedDependency[ApplicationService],
        application_id: FromPath[uuid.UUID],
        data: JSONBody[ReviewIn],
    ) -> ApplicationRead:
        return await applications.review(actor_of(request), application_id, data, request_meta(request))

    @post(
        "/{application_id:uuid}/override/confirm",
        status_code=200,
        guards=[STAFF_ONLY],
        summary="Confirm another underwriter's proposed override of an automatic decline",
        opt={"problems": (403, 404, 409)},
    )
    async def confirm_override(
        self,
        request: AnyRequest,
        applications: NamedDependency[ApplicationService],
        application_id: FromPath[uuid.UUID],
    ) -> ApplicationRead:
        return await applications.confirm_override(actor_of(request), application_id, request_meta(request))


__all__ = ["ApplicationsController"]
