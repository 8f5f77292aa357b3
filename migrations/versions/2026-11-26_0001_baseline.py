"""Baseline: the schema starts here; each feature adds its tables in later revisions.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing yet: Alembic records the version, which readiness checks against the head."""


def downgrade() -> None:
    """Nothing to undo."""
