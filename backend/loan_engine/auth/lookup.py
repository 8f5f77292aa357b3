"""Who is behind verified access-token claims, as the database has it now.

A person's token is refused once the account is disabled or the sign-in was revoked or has ended; an API
client's once the client is revoked. Roles and scopes come from the database, so a change applies to
tokens already issued (ASVS 8.3.2). API clients are another package's (`clients/`), which depends on
this one: it hands its lookup in when the app is built, so `auth` never imports it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from loan_engine.auth import repository
from loan_engine.auth.principal import ClientPrincipal, Principal, Role, UserPrincipal, UserStatus
from loan_engine.auth.tokens import AccessClaims

ClientLookup = Callable[[AsyncConnection, AccessClaims], Awaitable[ClientPrincipal | None]]


class PrincipalLookup:
    """Loads the caller for the guards: one SELECT per authenticated request, sent by the driver outside
    any transaction (a single read needs no BEGIN and COMMIT round trips)."""

    def __init__(self, engine: AsyncEngine, clients: ClientLookup | None = None) -> None:
        self.engine = engine
        self.clients = clients

    async def load(self, claims: AccessClaims) -> Principal | None:
        """The principal, or None when its token must no longer be honoured."""
        async with self.engine.connect() as connection:  # no statement through it, so no BEGIN
            if claims.client_id is not None:
                return None if self.clients is None else await self.clients(connection, claims)
            return await _user(connection, claims)


async def _user(connection: AsyncConnection, claims: AccessClaims) -> UserPrincipal | None:
    if claims.session_id is None:
        return None
    row = await repository.user_with_session(connection, claims.subject, claims.session_id)
    if row is None:
        return None
    if row.status != UserStatus.ACTIVE or row.revoked_at is not None or row.expires_at <= datetime.now(UTC):
        return None
    return UserPrincipal(
        id=row.id,
        email=row.email,
        display_name=row.display_name,
        roles=frozenset(Role(r) for r in row.roles),
        status=UserStatus(row.status),
        created_at=row.created_at,
        last_sign_in_at=row.last_sign_in_at,
        email_verified_at=row.email_verified_at,
        session_id=claims.session_id,
    )
