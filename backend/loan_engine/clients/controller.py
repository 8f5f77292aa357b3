"""HTTP for API clients: the OAuth 2.0 token endpoint (`POST /auth/token`) and the admin endpoints
under /api/admin/clients."""

from __future__ import annotations

import base64
import binascii
import uuid
from typing import Annotated
from urllib.parse import unquote_plus

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.datastructures.headers import CacheControlHeader
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.api.request import AnyRequest, request_meta
from loan_engine.api.types import DEFAULT_LIMIT, Cursor, Limit
from loan_engine.auth.guards import BEARER, allow, current_user
from loan_engine.auth.principal import Role
from loan_engine.clients.schemas import ClientCreate, ClientCreated, ClientPage, ClientRead, TokenForm, TokenResponse
from loan_engine.clients.service import ClientService
from loan_engine.errors import OAuthError, OAuthInvalidClientError

NO_STORE = CacheControlHeader(no_store=True)


async def provide_client_service(db_session: NamedDependency[AsyncSession], state: State) -> ClientService:
    return ClientService(db_session, state.tokens)


class TokenController(Controller):
    path = "/auth"
    tags = ["auth"]
    dependencies = {"client_service": Provide(provide_client_service)}

    @post(
        "/token",
        status_code=200,
        cache_control=NO_STORE,
        opt={"problems": (401, 429)},
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
        if scheme.lower() != "basic":  # RFC 6749 5.2: an unsupported authentication method is invalid_client
            raise OAuthInvalidClientError("Client authentication must use HTTP Basic (or client_secret_post)")
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise OAuthError("invalid_request", "Malformed Basic credentials") from None
        client_id, sep, client_secret = decoded.partition(":")
        if not sep:
            raise OAuthError("invalid_request", "Malformed Basic credentials")
        return unquote_plus(client_id), unquote_plus(client_secret)
    if not form.client_id or not form.client_secret:  # RFC 6749 5.2: no client authentication is invalid_client
        raise OAuthInvalidClientError("Client authentication is required (HTTP Basic or client_secret_post)")
    return form.client_id, form.client_secret


class AdminClientsController(Controller):
    """API clients: create (the secret is shown once), list, revoke. Admins only."""

    path = "/api/admin/clients"
    tags = ["admin"]
    guards = [allow(roles={Role.ADMIN})]
    security = BEARER
    dependencies = {"client_service": Provide(provide_client_service)}

    @get("/", summary="List API clients, newest first")
    async def list_clients(
        self,
        *,
        client_service: NamedDependency[ClientService],
        include_revoked: Annotated[bool, QueryParameter(name="includeRevoked")] = False,
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> ClientPage:
        return await client_service.list(include_revoked=include_revoked, cursor=cursor, limit=limit)

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
