"""API clients: created by an admin with scopes, secret shown once, and the OAuth 2.0 client-credentials
grant (RFC 6749 §4.4) that turns a client's credentials into a short-lived access token."""

from __future__ import annotations

import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from loan_engine.api.request import RequestMeta
from loan_engine.api.types import decode_cursor, encode_cursor
from loan_engine.audit.service import ANONYMOUS, Outcome, Party, record
from loan_engine.auth import throttle
from loan_engine.auth.principal import ClientPrincipal, Scope, UserPrincipal
from loan_engine.auth.tokens import AccessClaims, IssuedToken, TokenService, new_opaque_secret, secret_digest
from loan_engine.clients import events, repository
from loan_engine.clients.models import ApiClient
from loan_engine.clients.schemas import ClientCreate, ClientCreated, ClientPage, ClientRead
from loan_engine.db.transactions import or_raise, transaction
from loan_engine.errors import LoanEngineError, NotFoundError, OAuthError, OAuthInvalidClientError, RateLimitedError

CLIENT_ID_PREFIX = "lec_"
_DUMMY_DIGEST = secret_digest(secrets.token_urlsafe(32))
# Scopes stored for a client that no route accepts any more are ignored, never an error.
_KNOWN_SCOPES = frozenset(s.value for s in Scope)


@dataclass(frozen=True, slots=True)
class Grant:
    token: IssuedToken
    scopes: list[str]


class ClientService:
    def __init__(self, session: AsyncSession, tokens: TokenService) -> None:
        self.session = session
        self.tokens = tokens

    async def create(self, actor: UserPrincipal, data: ClientCreate, meta: RequestMeta) -> ClientCreated:
        secret = new_opaque_secret()
        scopes = sorted({s.value for s in data.scopes})

        async def create() -> ClientCreated:
            client = ApiClient(
                id=uuid.uuid4(),
                client_id=CLIENT_ID_PREFIX + secrets.token_hex(12),
                name=data.name.strip(),
                secret_hash=secret_digest(secret),
                scopes=scopes,
                created_by=actor.id,
                created_at=datetime.now(UTC),
            )
            await repository.add(self.session, client)
            await record(
                self.session,
                events.CLIENT_CREATED,
                actor=Party.user(actor.id),
                subject=Party.client(client.id),
                meta=meta,
                details={"clientId": client.client_id, "name": client.name, "scopes": scopes},
            )
            return ClientCreated(client=client_read(client), client_secret=secret)

        return await transaction(self.session, create)

    async def list(self, *, include_revoked: bool, cursor: str | None, limit: int) -> ClientPage:
        after = decode_cursor(cursor, tuple[datetime, uuid.UUID]) if cursor else None

        async def look() -> list[ClientRead]:
            rows = await repository.list_clients(
                self.session, include_revoked=include_revoked, after=after, limit=limit + 1
            )
            return [client_read(c) for c in rows]

        items = await transaction(self.session, look, read_only=True)
        last = items[limit - 1] if len(items) > limit else None
        return ClientPage(items=items[:limit], next_cursor=encode_cursor((last.created_at, last.id)) if last else None)

    async def revoke(self, actor: UserPrincipal, client_uuid: uuid.UUID, meta: RequestMeta) -> ClientRead:
        """Refuse the client's future grants and, at once, the access tokens it already holds."""

        async def revoke() -> ClientRead:
            client = await repository.get_client(self.session, client_uuid, for_update=True)
            if client is None:
                raise NotFoundError("No such API client")
            if client.revoked_at is None:
                client.revoked_at = datetime.now(UTC)
                await self.session.flush()
                await record(
                    self.session,
                    events.CLIENT_REVOKED,
                    actor=Party.user(actor.id),
                    subject=Party.client(client.id),
                    meta=meta,
                    details={"clientId": client.client_id},
                )
            return client_read(client)

        return await transaction(self.session, revoke)

    async def grant(self, client_id: str, client_secret: str, scope: str | None, meta: RequestMeta) -> Grant:
        """Client-credentials grant. The token carries the requested scopes (default: all the client's).
        One transaction: the secret check is a SHA-256 comparison, cheap enough to run inside it."""
        attempts = [(throttle.CLIENT, client_id), (throttle.SOURCE, meta.source_address)]

        async def grant() -> Grant | LoanEngineError:
            # reserved before the secret is compared; the keys stay locked until COMMIT, so parallel
            # guesses for one client or from one address are checked one after the other
            wait = await throttle.reserve(self.session, attempts)
            if wait:
                return RateLimitedError(wait, "Too many failed token requests; try again later")
            client = await repository.get_client_by_client_id(self.session, client_id)
            digest = client.secret_hash if client else _DUMMY_DIGEST
            matches = hmac.compare_digest(digest, secret_digest(client_secret))
            if client is None or not matches or client.revoked_at is not None:
                reason = "unknown_client" if client is None else "bad_secret" if not matches else "revoked"
                await self._denied(client, client_id, reason, meta)
                return OAuthInvalidClientError()
            requested = set(scope.split()) if scope else set(client.scopes)
            if not requested or not requested <= set(client.scopes):
                raise OAuthError("invalid_scope", "The requested scope exceeds what this client was granted")
            scopes = sorted(requested)
            await throttle.give_back(self.session, throttle.CLIENT, client_id, meta.source_address)
            await repository.touch_client(self.session, client.id)
            await record(
                self.session,
                events.CLIENT_TOKEN_ISSUED,
                actor=Party.client(client.id),
                subject=Party.client(client.id),
                meta=meta,
                details={"scopes": scopes},
            )
            return Grant(self.tokens.issue_for_client(client.id, client.client_id, scopes), scopes)

        # A refusal's throttle count and audit row must commit, so it is raised after the transaction.
        return or_raise(await transaction(self.session, grant))

    async def _denied(self, client: ApiClient | None, client_id: str, reason: str, meta: RequestMeta) -> None:
        # the failure was counted when the attempt was reserved
        await record(
            self.session,
            events.CLIENT_TOKEN_DENIED,
            actor=ANONYMOUS,
            subject=Party.client(client.id) if client else Party("client_id", client_id[:64]),
            outcome=Outcome.FAILURE,
            meta=meta,
            details={"reason": reason},
        )


async def load_client_principal(connection: AsyncConnection, claims: AccessClaims) -> ClientPrincipal | None:
    """The API client behind verified claims, or None once it is revoked (the guards' `ClientLookup`:
    `auth` calls it without importing this package). Scopes are the token's, narrowed to the client's
    current ones, so removing a scope applies to tokens already issued."""
    client = await repository.client_principal(connection, claims.subject)
    if client is None or client.revoked_at is not None or client.client_id != claims.client_id:
        return None
    granted = claims.scopes & frozenset(client.scopes) & _KNOWN_SCOPES
    return ClientPrincipal(
        id=client.id, client_id=client.client_id, name=client.name, scopes=frozenset(Scope(s) for s in granted)
    )


def client_read(client: ApiClient) -> ClientRead:
    return ClientRead(
        id=client.id,
        client_id=client.client_id,
        name=client.name,
        scopes=[Scope(s) for s in client.scopes if s in _KNOWN_SCOPES],
        created_at=client.created_at,
        created_by=client.created_by,
        revoked_at=client.revoked_at,
        last_used_at=client.last_used_at,
    )
