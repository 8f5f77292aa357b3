"""Tables of applications: the application (its sections as JSONB, the sensitive fields sealed with a data
key of its own), and the append-only funnel events reporting reads.

The tax id and date of birth are never stored in clear: ``*_sealed`` hold AES-GCM ciphertexts under the
record's data key, and ``data_key_wrapped`` is that key wrapped by the key-encryption key from settings
(``loan_engine.crypto``). ``tax_id_last4`` is what the masked view shows.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, Index, Integer, LargeBinary, Numeric, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from loan_engine.db.base import Base

TZ = DateTime(timezone=True)
STATUSES = "('draft', 'submitted', 'approved', 'referred', 'declined', 'accepted', 'expired', 'withdrawn', 'booked')"
CHANNELS = "('web', 'api', 'staff')"


class Application(Base):
    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES}", name="status"),
        CheckConstraint(f"channel IN {CHANNELS}", name="channel"),
        CheckConstraint("amount IS NULL OR amount > 0", name="amount_positive"),
        # one underwriter at a time: a claim names who and when, together or not at all
        CheckConstraint("(assignee_id IS NULL) = (claimed_at IS NULL)", name="claim_complete"),
        Index("ix_applications_borrower_created", "borrower_id", "created_at"),
        Index("ix_applications_status_created", "status", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    borrower_id: Mapped[uuid.UUID] = mapped_column(index=False)
    client_id: Mapped[uuid.UUID | None] = mapped_column(index=True)  # the API client that submitted it
    channel: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16))
    product_code: Mapped[str | None] = mapped_column(String(32))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(20, 4))
    term_periods: Mapped[int | None] = mapped_column(Integer)
    frequency: Mapped[str | None] = mapped_column(String(16))
    identity: Mapped[dict[str, Any] | None] = mapped_column(JSONB)  # name and address (not the sealed fields)
    income: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    housing: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    consents: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    data_key_wrapped: Mapped[bytes | None] = mapped_column(LargeBinary)
    key_id: Mapped[str | None] = mapped_column(String(64))
    tax_id_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    birth_date_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    tax_id_last4: Mapped[str | None] = mapped_column(String(4))
    credit_report: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    decision: Mapped[dict[str, Any] | None] = mapped_column(JSONB)  # outcome, reasons, the whole trace
    offers: Mapped[list[Any] | None] = mapped_column(JSONB)
    accepted_offer: Mapped[int | None] = mapped_column(Integer)
    loan_id: Mapped[uuid.UUID | None] = mapped_column()
    assignee_id: Mapped[uuid.UUID | None] = mapped_column()
    claimed_at: Mapped[datetime | None] = mapped_column(TZ)
    review: Mapped[dict[str, Any] | None] = mapped_column(JSONB)  # the underwriter's action, note, override
    submitted_at: Mapped[datetime | None] = mapped_column(TZ)
    decided_at: Mapped[datetime | None] = mapped_column(TZ)
    expires_at: Mapped[datetime | None] = mapped_column(TZ)
    created_at: Mapped[datetime] = mapped_column(TZ, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(TZ, server_default=func.now())


class FunnelEvent(Base):
    """One step of an application's way through the funnel (started, submitted, each decision, accepted,
    booked …), with when and through which channel: what origination reporting reads."""

    __tablename__ = "application_funnel_events"
    __table_args__ = (
        CheckConstraint(f"channel IN {CHANNELS}", name="channel"),
        Index("ix_application_funnel_events_step_at", "step", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    application_id: Mapped[uuid.UUID] = mapped_column(index=True)
    step: Mapped[str] = mapped_column(String(24))
    channel: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(TZ, server_default=func.now())
