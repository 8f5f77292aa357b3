"""API clients: created by an admin with scopes, secret shown once, and the OAuth 2.0 client-credentials
grant (RFC 6749 §4.4) that turns a client's credentials into a short-lived access token."""

from __future__ import annotations

import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.audit.service import ANONYMOUS, AuditEvent, Outcome, Party, RequestMeta, record
from loan_engine.auth import repository, throttle
from loan_engine.auth.models import ApiClient
from loan_engine.auth.principal import Scope, UserPrincipal
from loan_engine.auth.schemas import ClientCreate, ClientCreated, ClientRead
from loan_engine.auth.tokens import IssuedToken, TokenService, new_opaque_secret, secret_digest
from loan_engine.errors import NotFoundError, OAuthError, OAuthInvalidClientError, RateLimitedError

CLIENT_ID_PREFIX = "lec_"
_DUMMY_DIGEST = secret_digest(secrets.token_urlsafe(32))


@dataclass(frozen=True, slots=True)
class Grant:
    token: IssuedToken
    scopes: list[str]


class ClientService:
    def __init__(self, session: AsyncSession, tokens: TokenService | None = None) -> None:
        self.session = session
        self.tokens = tokens

    async def create(self, actor: UserPrincipal, data: ClientCreate, meta: RequestMeta) -> ClientCreated:
        secret = new_opaque_secret()
        scopes = sorted({s.value for s in data.scopes})
        async with self.session.begin():
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
                AuditEvent.CLIENT_CREATED,
                actor=Party.user(actor.id),
                subject=Party.client(client.id),
                meta=meta,
                details={"clientId": client.client_id, "name": client.name, "scopes": scopes},
            )
            return ClientCreated(client=client_read(client), client_secret=secret)

    async def list(self, *, include_revoked: bool) -> list[ClientRead]:
        async with self.session.begin():
            return [
                client_read(c) for c in await repository.list_clients(self.session, include_revoked=include_revoked)
            ]

    async def revoke(self, actor: UserPrincipal, client_uuid: uuid.UUID, meta: RequestMeta) -> ClientRead:
        """Refuse the client's future grants and, at once, the access tokens it already holds."""
        async with self.session.begin():
            client = await repository.get_client(self.session, client_uuid, for_update=True)
            if client is None:
                raise NotFoundError("No such API client")
            if client.revoked_at is None:
                client.revoked_at = datetime.now(UTC)
                await self.session.flush()
                await record(
                    self.session,
                    AuditEvent.CLIENT_REVOKED,
                    actor=Party.user(actor.id),
                    subject=Party.client(client.id),
                    meta=meta,
                    details={"clientId": client.client_id},
                )
            return client_read(client)

    async def grant(self, client_id: str, client_secret: str, scope: str | None, meta: RequestMeta) -> Grant:
        """Client-credentials grant. The token carries the requested scopes (default: all the client's)."""
        assert self.tokens is not None
        keys = [throttle.CLIENT.key(client_id), throttle.SOURCE.key(meta.source_address)]
        async with self.session.begin():
            wait = await throttle.retry_after_s(self.session, keys)
            client = None if wait else await repository.get_client_by_client_id(self.session, client_id)
        if wait:
            raise RateLimitedError(wait, "Too many failed token requests; try again later")
        matches = hmac.compare_digest(client.secret_hash if client else _DUMMY_DIGEST, secret_digest(client_secret))
        if client is None or not matches or client.revoked_at is not None:
            reason = "unknown_client" if client is None else "bad_secret" if not matches else "revoked"
            async with self.session.begin():
                await throttle.record_failure(self.session, throttle.CLIENT, client_id)
                await throttle.record_failure(self.session, throttle.SOURCE, meta.source_address)
                await record(
                    self.session,
                    AuditEvent.CLIENT_TOKEN_DENIED,
                    actor=ANONYMOUS,
                    subject=Party.client(client.id) if client else Party("client_id", client_id[:64]),
                    outcome=Outcome.FAILURE,
                    meta=meta,
                    details={"reason": reason},
                )
            raise OAuthInvalidClientError
        requested = set(scope.split()) if scope else set(client.scopes)
        if not requested or not requested <= set(client.scopes):
            raise OAuthError("invalid_scope", "The requested scope exceeds what this client was granted")
        scopes = sorted(requested)
        async with self.session.begin():
            await throttle.clear(self.session, throttle.CLIENT, client_id)
            await repository.touch_client(self.session, client.id)
            await record(
                self.session,
                AuditEvent.CLIENT_TOKEN_ISSUED,
                actor=Party.client(client.id),
                subject=Party.client(client.id),
                meta=meta,
                details={"scopes": scopes},
            )
        return Grant(self.tokens.issue_for_client(client.id, client.client_id, scopes), scopes)


def client_read(client: ApiClient) -> ClientRead:
    return ClientRead(
        id=client.id,
        client_id=client.client_id,
        name=client.name,
        scopes=[Scope(s) for s in client.scopes],
        created_at=client.created_at,
        created_by=client.created_by,
        revoked_at=client.revoked_at,
        last_used_at=client.last_used_at,
    )
