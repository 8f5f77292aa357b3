"""GET /health/live (no database: the ALB target check) and GET /health/ready."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Response, get
from litestar.datastructures import State

from loan_engine.errors import problem
from loan_engine.health.service import check_readiness

RETRY_AFTER_S = "5"


class Live(msgspec.Struct):
    status: str


class Ready(msgspec.Struct, rename="camel"):
    status: str
    database: str
    migrations: str
    revision: str | None


_LIVE = Live(status="ok")


class HealthController(Controller):
    path = "/health"
    tags = ["health"]

    @get("/live", operation_id="Live", summary="The process is up (never touches the database)")
    async def live(self) -> Live:
        return _LIVE

    @get(
        "/ready",
        operation_id="Ready",
        summary="Database reachable and migrations at head; 503 with the reason otherwise",
        cache_control=None,
    )
    async def ready(self, state: State) -> Response[Any]:
        result = await check_readiness(state.engine, state.migration_heads)
        if result.ready:
            return Response(Ready("ok", result.database, result.migrations, result.revision))
        return problem(
            503,
            "not-ready",
            "Not ready",
            "The service cannot serve requests yet",
            headers={"Retry-After": RETRY_AFTER_S},
            checks={"database": result.database, "migrations": result.migrations},
            revision=result.revision,
        )
