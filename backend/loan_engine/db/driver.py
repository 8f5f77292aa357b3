"""Hand-written SQL on the hot paths, sent by asyncpg on the session's own connection and transaction.

A statement through SQLAlchemy costs about 110-160 µs of CPU before and after the round trip (greenlet
hand-off, execution context, parameter and result processing); the same statement sent by asyncpg costs
about 40 µs. A payment sends a dozen statements, so on the few paths where that is most of the CPU (a
payment, a loan read, a decision, the caller's principal, an idempotency key, an audit row) the
repositories send SQL text through `driver(session)` and read `Row`s. Everything else stays on SQLAlchemy.

The statements join the use case's transaction (`db.transactions.transaction`): `driver` returns the very
connection the session holds, with its transaction begun, so SQLAlchemy commits or rolls back what they
wrote together with everything else. Driver errors (asyncpg's) are read by `db.transactions` and
`errors` by their SQLSTATE, as SQLAlchemy's are. JSON and JSONB use the codecs SQLAlchemy installs on
each connection: a parameter is JSON text (``$1::jsonb``), a result is decoded (a ``dict``).
"""

from __future__ import annotations

from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from loan_engine.db.transactions import USE_CASE, require_transaction

__all__ = ["Row", "driver", "driver_outside_transaction"]


class Row(asyncpg.Record):  # type: ignore[misc]  # asyncpg ships no type hints
    """A result row whose columns read as attributes (``row.status``), as SQLAlchemy's rows do."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


async def driver(session: AsyncSession) -> asyncpg.Connection:
    """The asyncpg connection under ``session``, inside its transaction (begun here if no statement has
    begun it yet). Only inside a use case's transaction: outside one, what it sent would commit on its own.
    """
    require_transaction(session)
    scratch: dict[str, Any] | None = session.info.get(USE_CASE)
    if scratch is None:  # a transaction begun outside db.transactions.transaction (a test, a migration)
        return await _begun(await session.connection())
    found = scratch.get("driver")
    if found is None:
        found = scratch["driver"] = await _begun(await session.connection())
    return found


async def _begun(connection: AsyncConnection) -> asyncpg.Connection:
    adapted = _adapter(connection)
    if not adapted.driver_connection.is_in_transaction():
        # SQLAlchemy's asyncpg adapter begins its transaction lazily, at its own first statement; begin it
        # the way it would (isolation and read-only as the use case set them), so it commits it later.
        await adapted._start_transaction()  # the adapter has no public "begin now"
    return adapted.driver_connection


def driver_outside_transaction(connection: AsyncConnection) -> asyncpg.Connection:
    """The asyncpg connection under a SQLAlchemy connection on which nothing has begun a transaction: each
    statement sent on it commits on its own. For a single read that needs no BEGIN and COMMIT (the
    caller's principal, auth/lookup.py)."""
    return _adapter(connection).driver_connection


def _adapter(connection: AsyncConnection) -> Any:
    """SQLAlchemy's adapter around the asyncpg connection (``driver_connection``)."""
    return connection.sync_connection.connection.dbapi_connection  # type: ignore[union-attr]
