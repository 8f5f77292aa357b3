"""Tables of loan products and their versions. A version's definition is JSONB in its wire form; a
published or retired version is immutable, enforced by a trigger (migration 0003), not only by the
service."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from loan_engine.db.base import Base

TZ = DateTime(timezone=True)


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (CheckConstraint("code ~ '^[A-Z][A-Z0-9-]{1,31}$'", name="code"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    currency: Mapped[str] = mapped_column(String(3))
    description: Mapped[str] = mapped_column(Text, server_default="")
    created_at: Mapped[datetime] = mapped_column(TZ, server_default=func.now())
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ProductVersion(Base):
    """One version of a product: draft (editable) -> published (offered, immutable) -> retired."""

    __tablename__ = "product_versions"
    __table_args__ = (
        UniqueConstraint("product_id", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("status IN ('draft', 'published', 'retired')", name="status"),
        # Exactly one version of a product is offered to new applications.
        Index(
            "uq_product_versions_one_published",
            "product_id",
            unique=True,
            postgresql_where=text("status = 'published'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="RESTRICT"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), server_default="draft")
    definition: Mapped[dict[str, Any]] = mapped_column(JSONB)
    note: Mapped[str] = mapped_column(Text, server_default="")
    created_at: Mapped[datetime] = mapped_column(TZ, server_default=func.now())
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(TZ, server_default=func.now())
    published_at: Mapped[datetime | None] = mapped_column(TZ)
    published_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    retired_at: Mapped[datetime | None] = mapped_column(TZ)
