"""One transaction per use case, joined by the services it calls, retried when PostgreSQL asks for it.

A *use case* is what a controller, a CLI command or a job calls: sign up, revoke a client, post a payment.
It runs its database work through `transaction(session, work)`, which opens the one transaction, commits
it when `work` returns and rolls it back when `work` raises. The services `work` calls (the audit log,
the sign-in throttle, a ledger posting) never open a transaction of their own: they start with
`require_transaction(session)` and join the caller's, so a change and its audit row commit together or
not at all. A failed COMMIT raises inside `transaction`, so the handler answers an error, never a 2xx.

PostgreSQL aborts a transaction with SQLSTATE 40001 (serialization failure, under REPEATABLE READ or
SERIALIZABLE) or 40P01 (deadlock, under any isolation) when running it would break isolation; the cure is
to run the whole transaction again. `transaction` does that a bounded number of times, after a short
random wait ("full jitter", so two clients that collided do not collide again in step). Anything else is
raised at once. Because a retry runs `work` again from the start, `work` must do nothing outside the
database that cannot be done twice (no mail, no HTTP call): such effects go to an outbox in the same
transaction.

Slow work that needs no database (hashing a password, ~50 ms) runs before or after the transaction,
never inside it, so no transaction holds locks or a pooled connection while the CPU is busy.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import Literal, TypeVar

import asyncpg
import structlog
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.errors import LoanEngineError

__all__ = [
    "DEFAULT_ATTEMPTS",
    "USE_CASE",
    "IsolationLevel",
    "NotInTransactionError",
    "TransactionNestingError",
    "backoff_s",
    "is_retryable",
    "or_raise",
    "require_transaction",
    "sqlstate",
    "transaction",
]

T = TypeVar("T")
IsolationLevel = Literal["READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE"]

SERIALIZATION_FAILURE = "40001"
DEADLOCK_DETECTED = "40P01"
RETRYABLE_SQLSTATES = frozenset({SERIALIZATION_FAILURE, DEADLOCK_DETECTED})
DEFAULT_ATTEMPTS = 4  # the first run and up to three retries
BASE_DELAY_S = 0.01
MAX_DELAY_S = 0.25

# ``session.info[USE_CASE]``: what lives exactly as long as one run of a use case's transaction (the
# driver connection of ``db.driver``, found once per transaction instead of once per statement).
USE_CASE = "loan_engine.use_case"

log = structlog.get_logger("loan_engine.db")
_jitter = random.SystemRandom()


class NotInTransactionError(RuntimeError):
    """A service that joins its caller's transaction was called outside one: a programming error."""


class TransactionNestingError(RuntimeError):
    """A use case was started inside another use case's transaction: call its services instead."""


def require_transaction(session: AsyncSession) -> None:
    """Raise unless `session` is inside a transaction. Services that write call this first, so a write
    can never autocommit on its own, apart from the rest of its use case."""
    if not session.in_transaction():
        msg = "this service joins its caller's transaction; run the use case with db.transactions.transaction()"
        raise NotInTransactionError(msg)


def sqlstate(exc: BaseException) -> str | None:
    """The PostgreSQL SQLSTATE of a database error: asyncpg's own (hot paths send SQL through
    `db.driver`), or the one SQLAlchemy wraps in `orig`."""
    original = exc if isinstance(exc, asyncpg.PostgresError) else getattr(exc, "orig", None)
    code = getattr(original, "sqlstate", None)
    return code if isinstance(code, str) else None


def is_retryable(exc: BaseException) -> bool:
    """True for the failures PostgreSQL documents as "retry the transaction": 40001 and 40P01."""
    return isinstance(exc, DBAPIError | asyncpg.PostgresError) and sqlstate(exc) in RETRYABLE_SQLSTATES


def backoff_s(attempt: int) -> float:
    """Seconds to wait before retry number `attempt` (1, 2, …): uniform in [0, min(cap, base·2^(n-1))]."""
    return _jitter.uniform(0, min(MAX_DELAY_S, BASE_DELAY_S * 2 ** (attempt - 1)))


async def transaction(
    session: AsyncSession,
    work: Callable[[], Awaitable[T]],
    *,
    isolation: IsolationLevel | None = None,
    read_only: bool = False,
    attempts: int = DEFAULT_ATTEMPTS,
) -> T:
    """Run `work` in one transaction on `session` and return its result; retry the whole transaction on a
    serialization failure or deadlock, at most `attempts` runs in all.

    `isolation` defaults to the server's (READ COMMITTED). `read_only=True` makes PostgreSQL refuse any
    write, for use cases that only look."""
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    if session.in_transaction():
        msg = "a use case's transaction cannot start inside another; call the services it needs instead"
        raise TransactionNestingError(msg)
    for attempt in range(1, attempts + 1):
        try:
            async with session.begin():
                session.info[USE_CASE] = {}
                try:
                    await _configure(session, isolation, read_only)
                    return await work()
                finally:
                    del session.info[USE_CASE]
        except (DBAPIError, asyncpg.PostgresError) as exc:
            if attempt == attempts or not is_retryable(exc):
                raise
            log.info("transaction_retry", sqlstate=sqlstate(exc), attempt=attempt, of=attempts)
        await asyncio.sleep(backoff_s(attempt))
    raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover


def or_raise(outcome: T | LoanEngineError) -> T:
    """The result of a use case whose refusal must commit its side effects (a throttle count, an audit
    row): `work` returns the error instead of raising it, and it is raised here, after the commit."""
    if isinstance(outcome, LoanEngineError):
        raise outcome
    return outcome


async def _configure(session: AsyncSession, isolation: IsolationLevel | None, read_only: bool) -> None:
    """Set the transaction's characteristics before its first statement (asyncpg sends them with BEGIN)."""
    options: dict[str, object] = {}
    if isolation is not None:
        options["isolation_level"] = isolation
    if read_only:
        options["postgresql_readonly"] = True
    if options:
        await session.connection(execution_options=options)
