"""Route guards: authenticate the bearer access token and check the caller's roles or scopes.

`allow(roles=..., scopes=...)` admits a person holding any of `roles` and an API client holding any of
`scopes`; a route that names no scopes admits no API client. The first guard of a request verifies the
token (signature, algorithm, claims) and loads the caller from the database once (user status, current
roles, whether the sign-in was revoked); later guards reuse it from the connection scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import structlog
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from loan_engine.auth.lookup import PrincipalLookup
from loan_engine.auth.principal import ClientPrincipal, Principal, Role, Scope, UserPrincipal
from loan_engine.auth.tokens import InvalidTokenError, TokenService
from loan_engine.errors import AuthenticationError, PermissionDeniedError

ANY_ROLE = frozenset(Role)
BEARER: list[dict[str, list[str]]] = [{"BearerAuth": []}]  # the OpenAPI security of a guarded route
log = structlog.get_logger("loan_engine.auth")


def allow(*, roles: Iterable[Role], scopes: Iterable[Scope] = ()) -> Guard:
    role_set, scope_set = frozenset(roles), frozenset(scopes)

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        principal = await authenticate(connection)
        if isinstance(principal, UserPrincipal):
            allowed = principal.has_any(role_set)
        else:
            allowed = not principal.scopes.isdisjoint(scope_set)
        if not allowed:
            log.warning(
                "access_denied",
                principal=str(principal.id),
                kind="client" if isinstance(principal, ClientPrincipal) else "user",
                method=connection.scope.get("method"),
                path=connection.url.path,
            )
            raise PermissionDeniedError("Your account is not allowed to do this")

    return guard


async def authenticate(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    """The caller, or AuthenticationError (401). Cached on the connection for the rest of the request."""
    cached = connection.scope.get("user")
    if isinstance(cached, UserPrincipal | ClientPrincipal):
        return cached
    header = connection.headers.get("authorization")
    if not header:
        raise AuthenticationError("A bearer access token is required")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("Use the Bearer authorization scheme")
    tokens: TokenService = connection.app.state.tokens
    try:
        claims = tokens.verify(token.strip())
    except InvalidTokenError as exc:
        log.info("access_token_rejected", reason=exc.reason, path=connection.url.path)
        raise AuthenticationError("The access token is invalid or has expired") from None
    principals: PrincipalLookup = connection.app.state.principals
    principal = await principals.load(claims)
    if principal is None:
        log.info("access_token_rejected", reason="account disabled, sign-in ended or client revoked")
        raise AuthenticationError("The access token is no longer valid; sign in again")
    connection.scope["user"] = principal
    connection.scope["auth"] = claims
    return principal


def current_user(connection: ASGIConnection[Any, Any, Any, Any]) -> UserPrincipal:
    """The signed-in person on a route whose guard admits only people."""
    principal = connection.scope.get("user")
    if not isinstance(principal, UserPrincipal):
        raise PermissionDeniedError("Only people (not API clients) may do this")
    return principal


async def trusted_origin(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """For the routes a browser authenticates with the refresh cookie alone (refresh, logout): a request
    that carries an `Origin` must come from this origin or one of `CORS_ALLOWED_ORIGINS`, a second layer
    under the SameSite=Strict cookie against cross-site requests. Browsers send `Origin` on every
    cross-origin POST; a request without one is not a browser's cross-site request and passes."""
    origin = connection.headers.get("origin")
    if origin is None:
        return
    settings = connection.app.state.settings
    own = f"{connection.url.scheme}://{connection.url.netloc}"
    if origin.rstrip("/") in (own, *settings.cors_allowed_origins):
        return
    log.warning("origin_refused", origin=origin[:200], path=connection.url.path)
    raise PermissionDeniedError("This request comes from an origin this service does not trust")
