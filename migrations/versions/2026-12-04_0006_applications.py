"""Applications and their funnel events: draft sections as JSONB, the tax id and date of birth sealed
under a per-record data key (wrapped by the key-encryption key), the credit report, the decision with
its trace, offers, the underwriter's claim (who and when, together) and review.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = "('draft', 'submitted', 'approved', 'referred', 'declined', 'accepted', 'expired', 'withdrawn', 'booked')"
CHANNELS = "('web', 'api', 'staff')"
TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("borrower_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("product_code", sa.String(length=32), nullable=True),
        sa.Column("amount", sa.Numeric(20, 4), nullable=True),
        sa.Column("term_periods", sa.Integer(), nullable=True),
        sa.Column("frequency", sa.String(length=16), nullable=True),
        sa.Column("identity", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("income", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("housing", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("consents", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("data_key_wrapped", sa.LargeBinary(), nullable=True),
        sa.Column("key_id", sa.String(length=64), nullable=True),
        sa.Column("tax_id_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("birth_date_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("tax_id_last4", sa.String(length=4), nullable=True),
        sa.Column("credit_report", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("decision", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("offers", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("accepted_offer", sa.Integer(), nullable=True),
        sa.Column("loan_id", sa.Uuid(), nullable=True),
        sa.Column("assignee_id", sa.Uuid(), nullable=True),
        sa.Column("claimed_at", TZ, nullable=True),
        sa.Column("review", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("submitted_at", TZ, nullable=True),
        sa.Column("decided_at", TZ, nullable=True),
        sa.Column("expires_at", TZ, nullable=True),
        sa.Column("created_at", TZ, server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", TZ, server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(f"status IN {STATUSES}", name=op.f("ck_applications_status")),
        sa.CheckConstraint(f"channel IN {CHANNELS}", name=op.f("ck_applications_channel")),
        sa.CheckConstraint("amount IS NULL OR amount > 0", name=op.f("ck_applications_amount_positive")),
        sa.CheckConstraint("(assignee_id IS NULL) = (claimed_at IS NULL)", name=op.f("ck_applications_claim_complete")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
    )
    op.create_index("ix_applications_borrower_created", "applications", ["borrower_id", "created_at"])
    op.create_index("ix_applications_status_created", "applications", ["status", "created_at"])
    op.create_index(op.f("ix_applications_client_id"), "applications", ["client_id"])
    op.create_table(
        "application_funnel_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("step", sa.String(length=24), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("at", TZ, server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(f"channel IN {CHANNELS}", name=op.f("ck_application_funnel_events_channel")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_funnel_events")),
    )
    op.create_index(
        op.f("ix_application_funnel_events_application_id"), "application_funnel_events", ["application_id"]
    )
    op.create_index("ix_application_funnel_events_step_at", "application_funnel_events", ["step", "at"])


def downgrade() -> None:
    op.drop_table("application_funnel_events")
    op.drop_table("applications")
