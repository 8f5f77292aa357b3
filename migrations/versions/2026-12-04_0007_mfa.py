"""The second factor of sign-in: TOTP authenticators (secret sealed under a per-row data key) and
one-time recovery codes (SHA-256 only); account tokens gain the two short-lived sign-in steps
(`mfa_challenge`, `mfa_enrolment`).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)
OLD_PURPOSES = "purpose IN ('password_reset', 'email_verification')"
NEW_PURPOSES = "purpose IN ('password_reset', 'email_verification', 'mfa_challenge', 'mfa_enrolment')"


def upgrade() -> None:
    op.create_table(
        "mfa_authenticators",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("secret_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", TZ, server_default=sa.text("now()"), nullable=False),
        sa.Column("confirmed_at", TZ, nullable=True),
        sa.Column("last_step", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_mfa_authenticators_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_mfa_authenticators")),
    )
    op.create_table(
        "mfa_recovery_codes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("code_hash", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", TZ, server_default=sa.text("now()"), nullable=False),
        sa.Column("used_at", TZ, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_mfa_recovery_codes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mfa_recovery_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_mfa_recovery_codes_code_hash")),
    )
    op.create_index(op.f("ix_mfa_recovery_codes_user_id"), "mfa_recovery_codes", ["user_id"], unique=False)
    op.drop_constraint(op.f("ck_account_tokens_purpose"), "account_tokens", type_="check")
    op.create_check_constraint(op.f("ck_account_tokens_purpose"), "account_tokens", NEW_PURPOSES)


def downgrade() -> None:
    op.execute("DELETE FROM account_tokens WHERE purpose IN ('mfa_challenge', 'mfa_enrolment')")
    op.drop_constraint(op.f("ck_account_tokens_purpose"), "account_tokens", type_="check")
    op.create_check_constraint(op.f("ck_account_tokens_purpose"), "account_tokens", OLD_PURPOSES)
    op.drop_index(op.f("ix_mfa_recovery_codes_user_id"), table_name="mfa_recovery_codes")
    op.drop_table("mfa_recovery_codes")
    op.drop_table("mfa_authenticators")
