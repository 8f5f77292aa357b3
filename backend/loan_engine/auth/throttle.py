"""Sign-in throttling shared by every API instance: counts and back-off live in PostgreSQL.

After `free_failures` consecutive failures on a key, each further failure pushes the next allowed
attempt out by a doubling delay (1 s, 2 s, 4 s, …) up to a cap; the count starts again after a quiet
hour. Keys are `account:<email>` (unknown emails too, so throttling reveals nothing about which
accounts exist) and `source:<address>`. Attempts refused with 429 do not count, so an attacker cannot
push a victim's back-off past the cap: there is never a permanent lockout (NIST SP 800-63B 5.2.2).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    prefix: str
    free_failures: int
    max_delay_s: int
    reset_after_s: int = 3600
    base_delay_s: int = 1

    def key(self, value: str | None) -> str:
        return f"{self.prefix}:{value or 'unknown'}"[:320]

    def delay_s(self, failures: int) -> int:
        """Seconds to wait after the `failures`-th consecutive failure."""
        if failures < self.free_failures:
            return 0
        exponent = min(failures - self.free_failures, 30)
        delay: int = self.base_delay_s << exponent
        return min(self.max_delay_s, delay)


ACCOUNT = ThrottlePolicy("account", free_failures=5, max_delay_s=15 * 60)
SOURCE = ThrottlePolicy("source", free_failures=20, max_delay_s=60 * 60)
CLIENT = ThrottlePolicy("client", free_failures=5, max_delay_s=15 * 60)

_RETRY_AFTER = text(
    "SELECT max(next_allowed_at) - now() AS wait FROM auth_throttle WHERE key = ANY(:keys) AND next_allowed_at > now()"
)
_COUNT_FAILURE = text(
    """
    INSERT INTO auth_throttle AS t (key, failures, last_failure_at, next_allowed_at)
    VALUES (:key, 1, now(), now())
    ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN t.last_failure_at < now() - make_interval(secs => :reset_after_s)
                        THEN 1 ELSE t.failures + 1 END,
        last_failure_at = now()
    RETURNING failures
    """
)
_SET_NEXT_ALLOWED = text(
    "UPDATE auth_throttle SET next_allowed_at = now() + make_interval(secs => :delay_s) WHERE key = :key"
)
_CLEAR = text("DELETE FROM auth_throttle WHERE key = :key")


async def retry_after_s(session: AsyncSession, keys: Iterable[str]) -> int:
    """Whole seconds until every key allows another attempt (0: go ahead)."""
    wait: timedelta | None = (await session.execute(_RETRY_AFTER, {"keys": list(keys)})).scalar_one()
    return 0 if wait is None else max(1, math.ceil(wait.total_seconds()))


async def record_failure(session: AsyncSession, policy: ThrottlePolicy, value: str | None) -> int:
    """Count one failure on the policy's key (an upsert, safe under concurrency); returns the delay set."""
    key = policy.key(value)
    failures = (await session.execute(_COUNT_FAILURE, {"key": key, "reset_after_s": policy.reset_after_s})).scalar_one()
    delay = policy.delay_s(failures)
    if delay:
        await session.execute(_SET_NEXT_ALLOWED, {"key": key, "delay_s": delay})
    return delay


async def clear(session: AsyncSession, policy: ThrottlePolicy, value: str | None) -> None:
    await session.execute(_CLEAR, {"key": policy.key(value)})
