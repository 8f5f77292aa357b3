"""Idempotency keys: a money-moving request carries an ``Idempotency-Key``; the first request with a key
does the work, and its response is stored in the *same transaction* as the work, so the key is taken
exactly when the work commits. A retry gets the stored response (status and body); the same key with a
different request is refused (422); a request arriving while the first still runs is refused (409 with
Retry-After), detected exactly by a transaction-scoped advisory lock on (scope, key). docs/IDEMPOTENCY.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Final, Generic, TypeVar

import msgspec
from sqlalchemy import delete, func
from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.db.driver import Row, driver
from loan_engine.db.transactions import require_transaction, transaction
from loan_engine.errors import ConflictError, LoanEngineError
from loan_engine.idempotency.models import IdempotencyKey

__all__ = [
    "RETENTION",
    "IdempotencyKeyReusedError",
    "Outcome",
    "RequestInFlightError",
    "RequestKey",
    "StoredResponse",
    "claim",
    "fingerprint",
    "purge",
    "remember",
    "run_once",
]

RETENTION: Final = timedelta(hours=48)  # at least 24 h is promised; purge keeps two days
RETRY_AFTER_S: Final = 1


class RequestInFlightError(ConflictError):
    """A request with this key is still being processed."""

    type, title = "idempotency-request-in-flight", "A request with this Idempotency-Key is in progress"

    def __init__(self) -> None:
        super().__init__(
            "A request with this Idempotency-Key is still being processed; retry after it completes",
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )


class IdempotencyKeyReusedError(LoanEngineError):
    """The key was used before for a different request."""

    status, type, title = 422, "idempotency-key-reused", "Idempotency-Key reused for a different request"


@dataclass(frozen=True, slots=True)
class RequestKey:
    """A request's key, scoped to its caller (``user:<id>`` or ``client:<id>``), and what identifies the
    request itself."""

    scope: str
    key: str
    method: str
    path: str
    fingerprint: bytes


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status: int
    body: bytes


def fingerprint(method: str, path: str, body: bytes) -> bytes:
    """SHA-256 of the method, the path and the request as decoded (canonical JSON of the DTO), so key
    order or whitespace in the client's JSON does not make a retry look like a different request."""
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.digest()


# Every money-moving request sends these, through the driver (db/driver.py says why). The lock and the
# read stay two statements: under READ COMMITTED the read must see what the lock's last holder committed,
# so it needs a snapshot taken after the lock was granted.
_LOCK = "SELECT pg_try_advisory_xact_lock(hashtextextended($1 || chr(31) || $2, 0))"
_STORED = "SELECT fingerprint, response_status, response_body FROM idempotency_keys WHERE scope = $1 AND key = $2"
_REMEMBER = (
    "INSERT INTO idempotency_keys (scope, key, fingerprint, method, path, response_status, response_body) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7)"
)


async def claim(session: AsyncSession, request: RequestKey) -> StoredResponse | None:
    """Take ``key`` for this transaction: the stored response when the key was used before for this
    request, ``None`` when the caller should do the work (and ``remember`` its response). Raises
    ``RequestInFlightError`` while another transaction holds the key, ``IdempotencyKeyReusedError``
    when it was used for a different request."""
    connection = await driver(session)
    if not await connection.fetchval(_LOCK, request.scope, request.key):
        raise RequestInFlightError
    row = await connection.fetchrow(_STORED, request.scope, request.key, record_class=Row)
    if row is None:
        return None
    if row.fingerprint != request.fingerprint:
        msg = "This Idempotency-Key was used for a different request; use a new key for a new request"
        raise IdempotencyKeyReusedError(msg)
    return StoredResponse(row.response_status, row.response_body)


async def remember(session: AsyncSession, request: RequestKey, response: StoredResponse) -> None:
    """Store the response of the request that took its key, in the transaction that did the work."""
    await (await driver(session)).execute(
        _REMEMBER,
        request.scope,
        request.key,
        request.fingerprint,
        request.method,
        request.path[:300],
        response.status,
        response.body,
    )


async def purge(session: AsyncSession) -> int:
    """Delete keys older than ``RETENTION`` (a job or the CLI runs it); returns how many."""
    require_transaction(session)
    result = await session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < func.now() - RETENTION))
    return int(result.rowcount)  # type: ignore[attr-defined]


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    """A use case's response, and whether it is the stored response of an earlier request (a retry)."""

    status: int
    body: T
    replayed: bool


async def run_once(
    session: AsyncSession, key: RequestKey, status: int, work: Callable[[], Awaitable[T]], type_: type[T]
) -> Outcome[T]:
    """Run ``work`` once per key, in one transaction with the stored response: a retry gets the first
    answer (decoded as ``type_``) without running ``work`` again."""

    async def run() -> Outcome[T]:
        stored = await claim(session, key)
        if stored is not None:
            return Outcome(stored.status, msgspec.json.decode(stored.body, type=type_), replayed=True)
        body = await work()
        await remember(session, key, StoredResponse(status, msgspec.json.encode(body)))
        return Outcome(status, body, replayed=False)

    return await transaction(session, run)
