"""HTTP for managing people: /api/admin/users (search, one person, roles, disable, enable, reset a lost
authenticator). Admins only."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, get, post, put
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.api.request import AnyRequest, request_meta
from loan_engine.api.types import DEFAULT_LIMIT, Cursor, Limit
from loan_engine.auth.guards import BEARER, allow, current_user
from loan_engine.auth.principal import Role, UserStatus
from loan_engine.auth.schemas import UserRead
from loan_engine.users.schemas import MfaReset, MfaResetRead, RolesUpdate, UserPage
from loan_engine.users.service import UserAdminService, UserFilter


async def provide_user_admin(db_session: NamedDependency[AsyncSession], state: State) -> UserAdminService:
    return UserAdminService(db_session, state.mail)


class AdminUsersController(Controller):
    path = "/api/admin/users"
    tags = ["admin"]
    guards = [allow(roles={Role.ADMIN})]
    security = BEARER
    dependencies = {"admin_service": Provide(provide_user_admin)}

    @get("/", summary="List and search people, newest first")
    async def list_users(
        self,
        *,
        admin_service: NamedDependency[UserAdminService],
        q: Annotated[str | None, QueryParameter(max_length=100, description="Part of the email or name")] = None,
        role: Annotated[Role | None, QueryParameter()] = None,
        status: Annotated[UserStatus | None, QueryParameter()] = None,
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> UserPage:
        return await admin_service.search(UserFilter(q, role, status), cursor=cursor, limit=limit)

    @get("/{user_id:uuid}", summary="One person")
    async def get_user(
        self, admin_service: NamedDependency[UserAdminService], user_id: FromPath[uuid.UUID]
    ) -> UserRead:
        return await admin_service.get(user_id)

    @put("/{user_id:uuid}/roles", summary="Replace a person's roles (takes effect on their next request)")
    async def set_roles(
        self,
        request: AnyRequest,
        admin_service: NamedDependency[UserAdminService],
        user_id: FromPath[uuid.UUID],
        data: JSONBody[RolesUpdate],
    ) -> UserRead:
        return await admin_service.set_roles(current_user(request), user_id, data.roles, request_meta(request))

    @post("/{user_id:uuid}/disable", status_code=200, summary="Disable an account and end all its sign-ins")
    async def disable(
        self, request: AnyRequest, admin_service: NamedDependency[UserAdminService], user_id: FromPath[uuid.UUID]
    ) -> UserRead:
        return await admin_service.set_status(
            current_user(request), user_id, UserStatus.DISABLED, request_meta(request)
        )

    @post("/{user_id:uuid}/enable", status_code=200, summary="Enable a disabled account")
    async def enable(
        self, request: AnyRequest, admin_service: NamedDependency[UserAdminService], user_id: FromPath[uuid.UUID]
    ) -> UserRead:
        return await admin_service.set_status(current_user(request), user_id, UserStatus.ACTIVE, request_meta(request))

    @post(
        "/{user_id:uuid}/mfa/reset",
        status_code=200,
        opt={"problems": (404, 409)},
        summary="Reset a person's lost authenticator and end all their sign-ins",
    )
    async def reset_mfa(
        self,
        request: AnyRequest,
        admin_service: NamedDependency[UserAdminService],
        user_id: FromPath[uuid.UUID],
        data: JSONBody[MfaReset],
    ) -> MfaResetRead:
        """Removes the authenticator and recovery codes, ends every sign-in and mails the person: staff
        enrol again at their next sign-in, a borrower signs in with the password alone. 409 for one's own
        account (another admin must do it), 404 for an unknown person; `reason` goes to the audit trail."""
        return await admin_service.reset_mfa(current_user(request), user_id, data.reason, request_meta(request))
