"""Sign-in throttling shared by every API instance: counts and back-off live in PostgreSQL (the SQL is in
`repository.py`). Each function joins its caller's transaction.

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

from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.auth import repository
from loan_engine.db.transactions import require_transaction


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


async def retry_after_s(session: AsyncSession, keys: Iterable[str]) -> int:
    """Whole seconds until every key allows another attempt (0: go ahead)."""
    require_transaction(session)
    wait = await repository.throttle_wait(session, list(keys))
    return 0 if wait is None else max(1, math.ceil(wait.total_seconds()))


async def record_failure(session: AsyncSession, policy: ThrottlePolicy, value: str | None) -> int:
    """Count one failure on the policy's key (an upsert, safe under concurrency); returns the delay set."""
    require_transaction(session)
    key = policy.key(value)
    delay = policy.delay_s(await repository.count_throttle_failure(session, key, policy.reset_after_s))
    if delay:
        await repository.delay_throttle(session, key, delay)
    return delay


async def clear(session: AsyncSession, policy: ThrottlePolicy, value: str | None) -> None:
    require_transaction(session)
    await repository.clear_throttle(session, policy.key(value))
