"""The peer for bench_health: a bare Litestar app answering /health/live with the same body."""

from __future__ import annotations

import msgspec
from litestar import Litestar, get


class Live(msgspec.Struct):
    status: str


_LIVE = Live(status="ok")


@get("/health/live")
async def live() -> Live:
    return _LIVE


app = Litestar(route_handlers=[live], debug=False)
