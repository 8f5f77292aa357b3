"""Credit policy versions: a decision model with its test cases, per product. Active and retired
versions are immutable (trigger in migration 0003); exactly one version per product is active."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from loan_engine.db.base import Base

TZ = DateTime(timezone=True)


class PolicyVersion(Base):
    __tablename__ = "credit_policy_versions"
    __table_args__ = (
        UniqueConstraint("product_id", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("status IN ('draft', 'active', 'retired')", name="status"),
        Index(
            "uq_credit_policy_versions_one_active",
            "product_id",
            unique=True,
            postgresql_where=text("status = 'active'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="RESTRICT"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), server_default="draft")
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, server_default="")
    model: Mapped[dict[str, Any]] = mapped_column(JSONB)
    test_cases: Mapped[list[Any]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    created_at: Mapped[datetime] = mapped_column(TZ, server_default=func.now())
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(TZ, server_default=func.now())
    activated_at: Mapped[datetime | None] = mapped_column(TZ)
    activated_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    retired_at: Mapped[datetime | None] = mapped_column(TZ)
