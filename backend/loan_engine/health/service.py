"""Readiness: the database answers within a short timeout and its schema is at the migrations' head."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

READY_TIMEOUT_S = 2.0


@dataclass(frozen=True, slots=True)
class Readiness:
    ready: bool
    database: str  # "ok" or why not
    migrations: str  # "ok" or why not
    revision: str | None


async def check_readiness(engine: AsyncEngine, heads: frozenset[str]) -> Readiness:
    """Never raises: every failure becomes a reason a human can act on (no hosts, no secrets)."""
    try:
        async with asyncio.timeout(READY_TIMEOUT_S):
            revisions = await _database_revisions(engine)
    except TimeoutError:
        return Readiness(False, f"no answer within {READY_TIMEOUT_S:g} s", "unknown", None)
    except Exception as exc:
        return Readiness(False, f"unreachable ({type(exc).__name__})", "unknown", None)
    revision = ",".join(sorted(revisions)) or None
    if revisions != heads:
        wanted = ",".join(sorted(heads))
        return Readiness(False, "ok", f"database at {revision or 'no revision'}, code expects {wanted}", revision)
    return Readiness(True, "ok", "ok", revision)


async def _database_revisions(engine: AsyncEngine) -> frozenset[str]:
    async with engine.connect() as conn:
        exists = await conn.scalar(text("SELECT to_regclass('alembic_version') IS NOT NULL"))
        if not exists:
            return frozenset()
        rows = await conn.scalars(text("SELECT version_num FROM alembic_version"))
        return frozenset(rows)
