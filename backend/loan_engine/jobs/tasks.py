"""The jobs. Each is a thin shell over a feature's use case; the work and its rules live in the feature.

`mail.deliver_outbox` runs every 5 seconds (a periodic job: Procrastinate's periodic deferrer records
each tick in PostgreSQL, so any number of workers defer it once per tick) and delivers what is due.
`applications.expire_offers` runs hourly and stores `expired` on approved applications whose offers have
lapsed (reads show them expired at once; this makes the state queryable and records the funnel step).

The package sits just under `app` and `cli` in the layers (pyproject.toml): it composes features, and
no feature imports it.
"""

from __future__ import annotations

from typing import Any

import structlog
from procrastinate import Blueprint, JobContext

from loan_engine.applications.service import expire_offers
from loan_engine.jobs.runtime import WorkerRuntime
from loan_engine.mail.delivery import deliver_due

log = structlog.get_logger("loan_engine.jobs")
MAIL_QUEUE = "mail"
BATCH_QUEUE = "batch"


async def deliver_outbox(context: JobContext, timestamp: int) -> dict[str, Any]:
    runtime: WorkerRuntime = context.additional_context["runtime"]
    if runtime.transport is None:
        log.warning("mail_not_configured", detail="no SMTP_HOST: the outbox keeps its messages until one is set")
        return {"sent": 0}
    report = await deliver_due(runtime.sessionmaker, runtime.transport)
    if report.sent or report.retrying or report.failed or report.expired:
        log.info("outbox_delivered", tick=timestamp, **report.as_dict())
    return report.as_dict()


async def expire_lapsed_offers(context: JobContext, timestamp: int) -> dict[str, Any]:
    runtime: WorkerRuntime = context.additional_context["runtime"]
    async with runtime.sessionmaker() as session:
        expired = await expire_offers(session)
    if expired:
        log.info("offers_expired", tick=timestamp, expired=expired)
    return {"expired": expired}


def blueprint() -> Blueprint:
    """The tasks and their schedules, new for each Procrastinate app: an app that adopts a blueprint renames
    its tasks in place (adds the namespace), so a shared module-level one breaks the second app a process
    builds (tests build several)."""
    tasks = Blueprint()
    outbox = tasks.task(name="mail.deliver_outbox", queue=MAIL_QUEUE, pass_context=True)(deliver_outbox)
    tasks.periodic(cron="* * * * * */5", periodic_id="outbox")(outbox)
    expiry = tasks.task(name="applications.expire_offers", queue=BATCH_QUEUE, pass_context=True)(expire_lapsed_offers)
    tasks.periodic(cron="17 * * * *", periodic_id="offer-expiry")(expiry)
    return tasks
