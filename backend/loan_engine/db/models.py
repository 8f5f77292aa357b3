"""Imports every feature's models so `Base.metadata` is complete (for Alembic and drift tests)."""

from __future__ import annotations

from loan_engine.db.base import Base

__all__ = ["Base"]
