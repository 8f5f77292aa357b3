"""Loan products with versions, and credit policy versions per product; published product versions and
active policy versions are immutable, enforced by triggers for every role.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)
NOW = sa.text("now()")
JSONB = postgresql.JSONB(astext_type=sa.Text())


def _who(name: str, table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([name], ["users.id"], name=op.f(f"fk_{table}_{name}_users"), ondelete="SET NULL")


def upgrade() -> None:
    op.create_table(
        "products",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", TZ, server_default=NOW, nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.CheckConstraint("code ~ '^[A-Z][A-Z0-9-]{1,31}$'", name=op.f("ck_products_code")),
        _who("created_by", "products"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("code", name=op.f("uq_products_code")),
    )
    _versions(
        "product_versions",
        "('draft', 'published', 'retired')",
        [
            sa.Column("definition", JSONB, nullable=False),
            sa.Column("note", sa.Text(), server_default="", nullable=False),
            sa.Column("published_at", TZ, nullable=True),
            sa.Column("published_by", sa.Uuid(), nullable=True),
        ],
        ["published_by"],
    )
    op.create_index(
        "uq_product_versions_one_published",
        "product_versions",
        ["product_id"],
        unique=True,
        postgresql_where=sa.text("status = 'published'"),
    )
    _versions(
        "credit_policy_versions",
        "('draft', 'active', 'retired')",
        [
            sa.Column("name", sa.String(length=200), nullable=False),
            sa.Column("description", sa.Text(), server_default="", nullable=False),
            sa.Column("model", JSONB, nullable=False),
            sa.Column("test_cases", JSONB, server_default=sa.text("'[]'::jsonb"), nullable=False),
            sa.Column("activated_at", TZ, nullable=True),
            sa.Column("activated_by", sa.Uuid(), nullable=True),
        ],
        ["activated_by"],
    )
    op.create_index(
        "uq_credit_policy_versions_one_active",
        "credit_policy_versions",
        ["product_id"],
        unique=True,
        postgresql_where=sa.text("status = 'active'"),
    )
    _immutable("product_versions", "published", "definition, note")
    _immutable("credit_policy_versions", "active", "name, description, model, test_cases")


def _versions(table: str, statuses: str, columns: list[sa.Column[object]], people: list[str]) -> None:
    op.create_table(
        table,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="draft", nullable=False),
        *columns,
        sa.Column("created_at", TZ, server_default=NOW, nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("updated_at", TZ, server_default=NOW, nullable=False),
        sa.Column("retired_at", TZ, nullable=True),
        sa.CheckConstraint("version >= 1", name=op.f(f"ck_{table}_version_positive")),
        sa.CheckConstraint(f"status IN {statuses}", name=op.f(f"ck_{table}_status")),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f(f"fk_{table}_product_id_products"), ondelete="RESTRICT"
        ),
        _who("created_by", table),
        *(_who(name, table) for name in people),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("product_id", "version", name=op.f(f"uq_{table}_product_id_version")),
    )
    op.create_index(op.f(f"ix_{table}_product_id"), table, ["product_id"], unique=False)


def _immutable(table: str, live: str, content: str) -> None:
    """Once a version leaves draft its content never changes: the only change allowed is
    ``live -> retired`` (with the retirement time); a non-draft row is never deleted."""
    unchanged = " AND ".join(f"NEW.{c.strip()} IS NOT DISTINCT FROM OLD.{c.strip()}" for c in content.split(","))
    op.execute(
        f"""
        CREATE FUNCTION {table}_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                IF OLD.status <> 'draft' THEN
                    RAISE EXCEPTION '{table}: a % version cannot be deleted', OLD.status
                        USING ERRCODE = 'integrity_constraint_violation';
                END IF;
                RETURN OLD;
            END IF;
            IF OLD.status = 'draft' THEN
                RETURN NEW;
            END IF;
            IF OLD.status = '{live}' AND NEW.status = 'retired'
               AND NEW.product_id = OLD.product_id AND NEW.version = OLD.version AND {unchanged} THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION '{table}: a % version is immutable', OLD.status
                USING ERRCODE = 'integrity_constraint_violation';
        END
        $$
        """
    )
    op.execute(
        f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_immutable()"
    )


def downgrade() -> None:
    op.drop_table("credit_policy_versions")
    op.drop_table("product_versions")
    op.drop_table("products")
    op.execute("DROP FUNCTION credit_policy_versions_immutable()")
    op.execute("DROP FUNCTION product_versions_immutable()")
