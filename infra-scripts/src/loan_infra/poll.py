"""One polling loop for everything that waits (tasks, deployments, invalidations).

We poll ourselves instead of using botocore waiters: the CloudFront invalidation waiter matches the
status string exactly ("Completed") and never finishes against emulators that say "COMPLETED";
the ECS `tasks_running` waiter misses tasks that stop between polls; and the `services_stable`
waiter reports success after a circuit-breaker rollback. Our checks say what they wait for.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from loan_infra.errors import InfraError

T = TypeVar("T")


class PollTimeoutError(InfraError):
    """The condition did not hold before the deadline."""


def poll_until(
    check: Callable[[], T | None],
    *,
    what: str,
    timeout_seconds: float,
    interval_seconds: float,
    on_wait: Callable[[], None] | None = None,
) -> T:
    """Call `check` until it returns something other than None, or raise PollTimeoutError naming `what`."""
    deadline = time.monotonic() + timeout_seconds
    while True:
        result = check()
        if result is not None:
            return result
        if time.monotonic() >= deadline:
            raise PollTimeoutError(f"timed out after {_seconds(timeout_seconds)} waiting for {what}")
        if on_wait is not None:
            on_wait()
        time.sleep(interval_seconds)


def _seconds(value: float) -> str:
    return f"{value:.1f}s" if value < 10 else f"{value:.0f}s"
