"""Long computations run in a worker thread, never on the event loop (issue 12).

The quote and APR math is pure CPU. Run on the event loop, one long request would hold up every other
request of the worker, its health checks included, for as long as it computes. So a request whose
estimated work (``service.quote_work``, ``service.apr_work``: installments, flows) is above a threshold
runs in a thread through ``anyio.to_thread.run_sync``; a short one runs inline, because the hop to a
thread and back costs more than a short computation (bench/results/quotes_http.json).

A thread running Python holds the GIL, but CPython hands it over every ``sys.getswitchinterval()``
(5 ms) when another thread asks for it, so the loop keeps answering with at most a few milliseconds'
delay instead of waiting for the whole computation (bench/results/apr_worst.json). At most
``MAX_THREADS`` computations run at once per worker: with the GIL more threads would not compute faster,
only make each request slower; the requests beyond them wait for a thread without blocking the loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import Final, TypeVar

import anyio
import anyio.to_thread

__all__ = ["MAX_THREADS", "run_math"]

T = TypeVar("T")

MAX_THREADS: Final = 1

# One limiter per event loop (tests run several loops; a worker runs one).
_limiter: tuple[asyncio.AbstractEventLoop, anyio.CapacityLimiter] | None = None


def _threads() -> anyio.CapacityLimiter:
    global _limiter  # noqa: PLW0603 - created lazily: a limiter needs a running event loop
    loop = asyncio.get_running_loop()
    if _limiter is None or _limiter[0] is not loop:
        _limiter = (loop, anyio.CapacityLimiter(MAX_THREADS))
    return _limiter[1]


async def run_math(work: int, inline_up_to: int, fn: Callable[..., T], *args: object) -> T:
    """``fn(*args)``: inline when ``work`` is at most ``inline_up_to``, else in a worker thread."""
    if work <= inline_up_to:
        return fn(*args)
    return await anyio.to_thread.run_sync(partial(fn, *args), limiter=_threads())
