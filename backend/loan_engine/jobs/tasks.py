"""The jobs. Each is a thin shell over a feature's use case; the work and its rules live in the feature.

`mail.deliver_outbox` runs every 5 seconds (a periodic job: Procrastinate's periodic deferrer records
each tick in PostgreSQL, so any number of workers defer it once per tick) and delivers what is due.
"""

from __future__ import annotations

from typing import Any

import structlog
from procrastinate import Blueprint, JobContext

from loan_engine.jobs.runtime import WorkerRuntime
from loan_engine.mail.delivery import deliver_due

log = structlog.get_logger("loan_engine.jobs")
jobs = Blueprint()
MAIL_QUEUE = "mail"


@jobs.periodic(cron="* * * * * */5", periodic_id="outbox")
@jobs.task(name="mail.deliver_outbox", queue=MAIL_QUEUE, pass_context=True)
async def deliver_outbox(context: JobContext, timestamp: int) -> dict[str, Any]:
    runtime: WorkerRuntime = context.additional_context["runtime"]
    if runtime.transport is None:
        log.warning("mail_not_configured", detail="no SMTP_HOST: the outbox keeps its messages until one is set")
        return {"sent": 0}
    report = await deliver_due(runtime.sessionmaker, runtime.transport)
    if report.sent or report.retrying or report.failed or report.expired:
        log.info("outbox_delivered", tick=timestamp, **report.as_dict())
    return report.as_dict()
