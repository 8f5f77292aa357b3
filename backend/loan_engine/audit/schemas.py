"""Audit trail responses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from loan_engine.api.types import ApiStruct


class AuditEventRead(ApiStruct):
    id: int
    occurred_at: datetime
    event: str
    outcome: str
    actor_type: str
    actor_id: str | None
    subject_type: str | None
    subject_id: str | None
    source_address: str | None
    request_id: str | None
    details: dict[str, Any]


class AuditPage(ApiStruct):
    """Newest first. `nextCursor` is the `cursor` of the next (older) page; null on the last page."""

    items: list[AuditEventRead]
    next_cursor: str | None
