"""Sign-in throttling shared by every API instance: counts and back-off live in PostgreSQL (the SQL is in
`repository.py`). Each function joins its caller's transaction.

After `free_failures` consecutive failures on a key, each further failure pushes the next allowed
attempt out by a doubling delay (1 s, 2 s, 4 s, …) up to a cap; the count starts again after a quiet
hour. Keys are `account:<email>` (unknown emails too, so throttling reveals nothing about which
accounts exist) and `source:<address>`. Attempts refused with 429 do not count, so an attacker cannot
push a victim's back-off past the cap: there is never a permanent lockout (NIST SP 800-63B 5.2.2).

An attempt is *reserved* before the credential is checked (`reserve`): under transaction-scoped advisory
locks on its keys (taken in one fixed order) the back-off is read and, if it allows the attempt, one
failure is counted on every key, all in one short transaction. Parallel guesses therefore queue on the
locks and each sees the count the previous one left, so no more attempts are checked than the policy
allows, however many arrive at once. An attempt that then succeeds gives its reservation back
(`give_back`: `clear` for the account, `refund` for the address); a crash between the two leaves it counted as a
failure, which errs on the safe side.
"""

from __future__ import annotations

import hashlib
import math
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.auth import repository
from loan_engine.auth.models import User
from loan_engine.db.transactions import require_transaction, transaction
from loan_engine.errors import AuthenticationError, RateLimitedError


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


def lock_id(key: str) -> int:
    """The advisory lock of a throttle key: a signed 32-bit digest (a collision only serializes two keys)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=4).digest(), "big", signed=True)


async def hold(session: AsyncSession, keys: Iterable[str]) -> None:
    """Take the keys' advisory locks until the transaction ends, in one order (no deadlock between two
    callers holding overlapping keys)."""
    require_transaction(session)
    for lock in sorted({lock_id(key) for key in keys}):
        await repository.lock_throttle_key(session, lock)


async def reserve(session: AsyncSession, attempts: Sequence[tuple[ThrottlePolicy, str | None]]) -> int:
    """Reserve one attempt before checking a credential: 0 when it may go ahead (one failure is counted on
    every key now, given back by `clear`/`refund` if the credential is right), otherwise the whole seconds
    to wait (nothing counted). The keys stay locked until the caller's transaction ends."""
    keys = [policy.key(value) for policy, value in attempts]
    await hold(session, keys)
    if wait := await retry_after_s(session, keys):
        return wait
    for policy, value in attempts:
        await record_failure(session, policy, value)
    return 0


async def refund(session: AsyncSession, policy: ThrottlePolicy, value: str | None) -> None:
    """Give back a reserved attempt that succeeded on a shared key (the address): one failure less, and no
    wait once the count is under the free failures again."""
    require_transaction(session)
    await repository.refund_throttle(session, policy.key(value), policy.free_failures)


async def clear(session: AsyncSession, policy: ThrottlePolicy, value: str | None) -> None:
    require_transaction(session)
    await repository.clear_throttle(session, policy.key(value))


async def give_back(session: AsyncSession, policy: ThrottlePolicy, value: str | None, source: str | None) -> None:
    """A reserved attempt succeeded (the credential was right): it is no failure on its own key (`clear`),
    nor on the source address's (`refund`)."""
    await clear(session, policy, value)
    await refund(session, SOURCE, source)


async def reserve_for_user(session: AsyncSession, user_id: uuid.UUID, email: str, source: str | None) -> User:
    """Reserve a signed-in person's password check (a password change, an email change) on the account's
    and the address's sign-in back-off, in its own transaction, and load them. 429 while backed off; 401
    when the account is gone. A wrong password then stays counted."""
    attempts = [(ACCOUNT, email), (SOURCE, source)]

    async def run() -> tuple[int, User | None]:
        wait = await reserve(session, attempts)
        return wait, None if wait else await repository.get_user(session, user_id)

    wait, user = await transaction(session, run)
    if wait:
        raise RateLimitedError(wait, "Too many failed attempts; try again later")
    if user is None:
        raise AuthenticationError("The account no longer exists")
    return user
