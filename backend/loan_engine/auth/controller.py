"""HTTP for identity: /auth (sign-up, sign-in, refresh, sign-out, me, password, OAuth token) and the
admin endpoints for people and API clients under /api/admin."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import unquote_plus

from litestar import Controller, Request, Response, get, post, put
from litestar.datastructures import Cookie, State
from litestar.datastructures.headers import CacheControlHeader
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromCookie, FromPath, JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.audit.service import RequestMeta
from loan_engine.auth.clients import ClientService
from loan_engine.auth.guards import ANY_ROLE, allow, current_user
from loan_engine.auth.principal import Role, UserStatus
from loan_engine.auth.schemas import (
    ClientCreate,
    ClientCreated,
    ClientRead,
    LoginRequest,
    PasswordChangeRequest,
    RegisterRequest,
    RolesUpdate,
    SessionRead,
    TokenForm,
    TokenResponse,
    UserPage,
    UserRead,
)
from loan_engine.auth.service import AuthService, IssuedSession, UserAdminService, user_read
from loan_engine.errors import OAuthError

REFRESH_COOKIE = "le_refresh"
REFRESH_COOKIE_PATH = "/auth"
NO_STORE = CacheControlHeader(no_store=True)
BEARER: list[dict[str, list[str]]] = [{"BearerAuth": []}]
AnyRequest = Request[Any, Any, State]


def request_meta(request: AnyRequest) -> RequestMeta:
    """The caller's address (uvicorn applies X-Forwarded-For from FORWARDED_ALLOW_IPS proxies only)."""
    return RequestMeta(
        source_address=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
    )


async def provide_auth_service(db_session: NamedDependency[AsyncSession], state: State) -> AuthService:
    return AuthService(db_session, state.tokens, state.passwords)


async def provide_user_admin(db_session: NamedDependency[AsyncSession]) -> UserAdminService:
    return UserAdminService(db_session)


async def provide_client_service(db_session: NamedDependency[AsyncSession], state: State) -> ClientService:
    return ClientService(db_session, state.tokens)


def refresh_cookie(value: str, expires_at: datetime) -> Cookie:
    """HttpOnly (no script can read it), Secure (HTTPS only; browsers accept it on http://localhost),
    SameSite=Strict (never sent cross-site, so no CSRF), and sent only to /auth."""
    max_age = max(0, int((expires_at - datetime.now(UTC)).total_seconds()))
    return Cookie(
        key=REFRESH_COOKIE,
        value=value,
        max_age=max_age,
        path=REFRESH_COOKIE_PATH,
        secure=True,
        httponly=True,
        samesite="strict",
    )


def cleared_refresh_cookie() -> Cookie:
    return Cookie(
        key=REFRESH_COOKIE,
        value="",
        max_age=0,
        expires=0,
        path=REFRESH_COOKIE_PATH,
        secure=True,
        httponly=True,
        samesite="strict",
    )


def _session_response(issued: IssuedSession, status_code: int) -> Response[SessionRead]:
    body = SessionRead(access_token=issued.access.token, expires_in=issued.access.expires_in, user=issued.user)
    return Response(
        body,
        status_code=status_code,
        cookies=[refresh_cookie(issued.refresh_token, issued.refresh_expires_at)],
        headers={"Cache-Control": "no-store"},
    )


class AuthController(Controller):
    path = "/auth"
    tags = ["auth"]
    dependencies = {"auth_service": Provide(provide_auth_service)}

    @post("/register", status_code=201, summary="Create a borrower account and sign it in")
    async def register(
        self, request: AnyRequest, auth_service: NamedDependency[AuthService], data: JSONBody[RegisterRequest]
    ) -> Response[SessionRead]:
        """Returns the access token in the body and sets the `le_refresh` cookie. 409 when the email is
        taken; 422 when the password is shorter than 12 characters or easily guessed."""
        issued = await auth_service.register(data.email, data.display_name, data.password, request_meta(request))
        return _session_response(issued, 201)

    @post("/login", status_code=200, summary="Sign in with email and password")
    async def login(
        self, request: AnyRequest, auth_service: NamedDependency[AuthService], data: JSONBody[LoginRequest]
    ) -> Response[SessionRead]:
        """401 for any wrong email/password combination (the same answer whether or not the account
        exists); 429 with Retry-After after repeated failures for the account or the source address."""
        issued = await auth_service.login(data.email, data.password, request_meta(request))
        return _session_response(issued, 200)

    @post("/refresh", status_code=200, summary="Rotate the refresh cookie and get a new access token")
    async def refresh(
        self,
        request: AnyRequest,
        auth_service: NamedDependency[AuthService],
        le_refresh: FromCookie[str | None] = None,
    ) -> Response[SessionRead]:
        """The presented refresh token is spent; a used one presented again ends the whole sign-in."""
        issued = await auth_service.refresh(le_refresh, request_meta(request))
        return _session_response(issued, 200)

    @post("/logout", status_code=204, summary="Sign out: end this sign-in and clear the refresh cookie")
    async def logout(
        self,
        request: AnyRequest,
        auth_service: NamedDependency[AuthService],
        le_refresh: FromCookie[str | None] = None,
    ) -> Response[None]:
        await auth_service.logout(le_refresh, request_meta(request))
        return Response(None, status_code=204, cookies=[cleared_refresh_cookie()])

    @get("/me", guards=[allow(roles=ANY_ROLE)], security=BEARER, summary="The signed-in person")
    async def me(self, request: AnyRequest) -> UserRead:
        return user_read(current_user(request))

    @post(
        "/password",
        status_code=204,
        guards=[allow(roles=ANY_ROLE)],
        security=BEARER,
        summary="Change the password; every other sign-in of the account ends",
    )
    async def change_password(
        self, request: AnyRequest, auth_service: NamedDependency[AuthService], data: JSONBody[PasswordChangeRequest]
    ) -> None:
        await auth_service.change_password(
            current_user(request), data.current_password, data.new_password, request_meta(request)
        )

    @post(
        "/token",
        status_code=200,
        cache_control=NO_STORE,
        dependencies={"client_service": Provide(provide_client_service)},
        summary="OAuth 2.0 client-credentials grant for API clients",
    )
    async def token(
        self,
        request: AnyRequest,
        client_service: NamedDependency[ClientService],
        data: Annotated[TokenForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> TokenResponse:
        """Form-encoded `grant_type=client_credentials` (optional `scope`), the client authenticating
        with HTTP Basic or `client_id` + `client_secret` in the form. Errors carry the RFC 6749 `error`."""
        if data.grant_type is None:
            raise OAuthError("invalid_request", "grant_type is required")
        if data.grant_type != "client_credentials":
            raise OAuthError("unsupported_grant_type", "Only grant_type=client_credentials is supported")
        client_id, client_secret = _client_credentials(request.headers.get("authorization"), data)
        grant = await client_service.grant(client_id, client_secret, data.scope, request_meta(request))
        return TokenResponse(
            access_token=grant.token.token, expires_in=grant.token.expires_in, scope=" ".join(grant.scopes)
        )


def _client_credentials(authorization: str | None, form: TokenForm) -> tuple[str, str]:
    """RFC 6749 §2.3.1: HTTP Basic with form-urlencoded id and secret, or both in the body; not both ways."""
    in_form = form.client_id is not None or form.client_secret is not None
    if authorization:
        if in_form:
            raise OAuthError("invalid_request", "Use one client authentication method, not two")
        scheme, _, encoded = authorization.partition(" ")
        if scheme.lower() != "basic":
            raise OAuthError("invalid_request", "Client authentication must use HTTP Basic")
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise OAuthError("invalid_request", "Malformed Basic credentials") from None
        client_id, sep, client_secret = decoded.partition(":")
        if not sep:
            raise OAuthError("invalid_request", "Malformed Basic credentials")
        return unquote_plus(client_id), unquote_plus(client_secret)
    if not form.client_id or not form.client_secret:
        raise OAuthError("invalid_request", "Client credentials are required")
    return form.client_id, form.client_secret


class AdminUsersController(Controller):
    """People: search, roles, disable and enable. Admins only."""

    path = "/api/admin/users"
    tags = ["admin"]
    guards = [allow(roles={Role.ADMIN})]
    security = BEARER
    dependencies = {"admin_service": Provide(provide_user_admin)}

    @get("/", summary="List and search people")
    async def list_users(
        self,
        *,
        admin_service: NamedDependency[UserAdminService],
        q: Annotated[str | None, QueryParameter(max_length=100, description="Part of the email or name")] = None,
        role: Annotated[Role | None, QueryParameter()] = None,
        status: Annotated[UserStatus | None, QueryParameter()] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        offset: Annotated[int, QueryParameter(ge=0, le=1_000_000)] = 0,
    ) -> UserPage:
        return await admin_service.search(text=q, role=role, status=status, limit=limit, offset=offset)

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


class AdminClientsController(Controller):
    """API clients: create (the secret is shown once), list, revoke. Admins only."""

    path = "/api/admin/clients"
    tags = ["admin"]
    guards = [allow(roles={Role.ADMIN})]
    security = BEARER
    dependencies = {"client_service": Provide(provide_client_service)}

    @get("/", summary="List API clients")
    async def list_clients(
        self,
        client_service: NamedDependency[ClientService],
        include_revoked: Annotated[bool, QueryParameter(name="includeRevoked")] = False,
    ) -> list[ClientRead]:
        return await client_service.list(include_revoked=include_revoked)

    @post("/", status_code=201, cache_control=NO_STORE, summary="Create an API client; its secret is shown once")
    async def create_client(
        self, request: AnyRequest, client_service: NamedDependency[ClientService], data: JSONBody[ClientCreate]
    ) -> ClientCreated:
        return await client_service.create(current_user(request), data, request_meta(request))

    @post("/{client_uuid:uuid}/revoke", status_code=200, summary="Revoke an API client and its tokens")
    async def revoke_client(
        self, request: AnyRequest, client_service: NamedDependency[ClientService], client_uuid: FromPath[uuid.UUID]
    ) -> ClientRead:
        return await client_service.revoke(current_user(request), client_uuid, request_meta(request))
