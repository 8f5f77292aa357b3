"""Queries of applications (the caller holds the transaction).

Submitting reads and writes the application through ``db.driver`` (its SQL below, sent by asyncpg), as
an ``ApplicationRecord`` instead of a mapped object: a decision is the hottest write of the feature, and
the ORM's load, change tracking and flush cost about a millisecond of CPU per submit, most of it. The
other use cases are rare and stay on the ORM.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.applications.models import Application, FunnelEvent
from loan_engine.db.driver import driver


@dataclass(slots=True)
class ApplicationRecord:
    """An application row read by the driver: the columns of ``Application``
    (tests/unit/applications/test_record.py keeps the two in step). Changing it writes nothing; the
    repository's statements do."""

    id: uuid.UUID
    borrower_id: uuid.UUID
    client_id: uuid.UUID | None
    channel: str
    status: str
    product_code: str | None
    amount: Decimal | None
    term_periods: int | None
    frequency: str | None
    identity: dict[str, Any] | None
    income: dict[str, Any] | None
    housing: dict[str, Any] | None
    consents: dict[str, Any] | None
    data_key_wrapped: bytes | None
    key_id: str | None
    tax_id_sealed: bytes | None
    birth_date_sealed: bytes | None
    tax_id_last4: str | None
    credit_report: dict[str, Any] | None
    decision: dict[str, Any] | None
    offers: list[Any] | None
    accepted_offer: int | None
    loan_id: uuid.UUID | None
    assignee_id: uuid.UUID | None
    claimed_at: datetime | None
    review: dict[str, Any] | None
    submitted_at: datetime | None
    decided_at: datetime | None
    expires_at: datetime | None
    created_at: datetime
    updated_at: datetime


# JSONB columns arrive decoded (SQLAlchemy's asyncpg dialect sets the codec on each connection) and are
# sent as JSON text (``$n::jsonb``).
_LOCKED: Final = (  # the record's fields, in its order: a row is the record's arguments
    f"SELECT {', '.join(field.name for field in fields(ApplicationRecord))} "  # noqa: S608 - the record's names
    "FROM applications WHERE id = $1 FOR UPDATE"
)
# One statement for any number of steps; the ids (which order an application's steps) follow the array.
_FUNNEL: Final = (
    "INSERT INTO application_funnel_events (application_id, step, channel) "
    "SELECT $1::uuid, step, $3 FROM unnest($2::text[]) WITH ORDINALITY AS steps (step, n) ORDER BY n"
)
# The decision and its funnel steps in one round trip: the UPDATE runs as a data-modifying CTE, and the
# steps are inserted only for the row it updated.
_DECIDED: Final = (
    "WITH decided AS (UPDATE applications SET status = $2, credit_report = $3::jsonb, decision = $4::jsonb, "
    "offers = $5::jsonb, submitted_at = $6, decided_at = $7, updated_at = $8, expires_at = $9 "
    "WHERE id = $1 RETURNING id) "
    "INSERT INTO application_funnel_events (application_id, step, channel) "
    "SELECT decided.id, step, $11 FROM decided, unnest($10::text[]) WITH ORDINALITY AS steps (step, n) ORDER BY n"
)


async def add(session: AsyncSession, row: Application) -> None:
    session.add(row)
    await session.flush()


async def get(session: AsyncSession, application_id: uuid.UUID, *, for_update: bool = False) -> Application | None:
    query = select(Application).where(Application.id == application_id)
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def locked(session: AsyncSession, application_id: uuid.UUID) -> ApplicationRecord | None:
    """The application, locked ``FOR UPDATE`` until the transaction ends (None when there is none)."""
    row = await (await driver(session)).fetchrow(_LOCKED, application_id)
    return None if row is None else ApplicationRecord(*row.values())


async def decided(
    session: AsyncSession,
    row: ApplicationRecord,
    *,
    credit_report: str,
    decision: str,
    offers: str,
    channel: str,
    steps: Sequence[str],
) -> None:
    """Store a decision and record its funnel ``steps``, in one statement: ``row``'s status and times,
    and the JSON texts given (the caller encoded them once; ``row`` keeps the decoded values its
    response is built from)."""
    times = (row.submitted_at, row.decided_at, row.updated_at, row.expires_at)
    await (await driver(session)).execute(
        _DECIDED, row.id, row.status, credit_report, decision, offers, *times, list(steps), channel
    )


async def funnel(session: AsyncSession, application_id: uuid.UUID, channel: str, *steps: str) -> None:
    """Record the application's funnel steps, in order, in one statement."""
    await (await driver(session)).execute(_FUNNEL, application_id, list(steps), channel)


async def funnel_steps(session: AsyncSession, application_id: uuid.UUID) -> Sequence[FunnelEvent]:
    query = select(FunnelEvent).where(FunnelEvent.application_id == application_id).order_by(FunnelEvent.id)
    return (await session.execute(query)).scalars().all()


async def claim(
    session: AsyncSession, application_id: uuid.UUID, underwriter: uuid.UUID, statuses: tuple[str, ...], now: datetime
) -> bool:
    """Take the application for ``underwriter`` in one conditional UPDATE: of two underwriters claiming at
    once, PostgreSQL lets exactly one row change (the other sees it taken)."""
    result = await session.execute(
        update(Application)
        .where(
            Application.id == application_id,
            Application.assignee_id.is_(None),
            Application.status.in_(statuses),
        )
        .values(assignee_id=underwriter, claimed_at=now, updated_at=now)
        .returning(Application.id)
    )
    return result.scalar_one_or_none() is not None


async def expire_due(session: AsyncSession, now: datetime) -> int:
    """Every approved application whose offers have lapsed becomes ``expired``, with its funnel row, in
    two set-based statements (safe to re-run: an expired one is no longer approved)."""
    expired = (
        await session.execute(
            update(Application)
            .where(Application.status == "approved", Application.expires_at <= now)
            .values(status="expired", updated_at=now)
            .returning(Application.id, Application.channel)
        )
    ).all()
    if expired:
        await session.execute(
            insert(FunnelEvent), [{"application_id": i, "step": "expired", "channel": c, "at": now} for i, c in expired]
        )
    return len(expired)


async def page(
    session: AsyncSession,
    *,
    borrower_id: uuid.UUID | None,
    client_id: uuid.UUID | None,
    status: str | None,
    product_code: str | None,
    assignee: uuid.UUID | None,
    unassigned: bool,
    created_before: datetime | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> Sequence[Application]:
    query = select(Application)
    if borrower_id is not None:
        query = query.where(Application.borrower_id == borrower_id)
    if client_id is not None:
        query = query.where(Application.client_id == client_id)
    if status is not None:
        query = query.where(Application.status == status)
    if product_code is not None:
        query = query.where(Application.product_code == product_code)
    if assignee is not None:
        query = query.where(Application.assignee_id == assignee)
    if unassigned:
        query = query.where(Application.assignee_id.is_(None))
    if created_before is not None:
        query = query.where(Application.created_at <= created_before)
    if after is not None:
        at, last = after
        query = query.where(or_(Application.created_at < at, and_(Application.created_at == at, Application.id < last)))
    query = query.order_by(Application.created_at.desc(), Application.id.desc()).limit(limit + 1)
    return (await session.execute(query)).scalars().all()
