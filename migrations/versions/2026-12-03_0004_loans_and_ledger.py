"""Booked loans and the double-entry ledger: loans with typed balance columns, their installments (a
stored ``outstanding``, indexed by due date where something is owed), their append-only transactions, the
chart of accounts (seeded here), journals and legs that PostgreSQL keeps balanced (a deferred constraint
trigger per journal) and append-only (triggers for every role, grants revoked from PUBLIC), and the
idempotency keys of money-moving requests.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sa.String(length=80), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.LargeBinary(), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="completed", nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=False),
        sa.Column("response_body", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("status IN ('completed')", name=op.f("ck_idempotency_keys_status")),
        sa.CheckConstraint("response_status BETWEEN 100 AND 599", name=op.f("ck_idempotency_keys_response_status")),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_index(op.f("ix_idempotency_keys_created_at"), "idempotency_keys", ["created_at"], unique=False)
    op.create_table(
        "ledger_accounts",
        sa.Column("code", sa.String(length=4), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("normal_side", sa.String(length=6), nullable=False),
        sa.CheckConstraint("code ~ '^[0-9]{4}$'", name=op.f("ck_ledger_accounts_code")),
        sa.CheckConstraint("kind IN ('asset', 'liability', 'income', 'expense')", name=op.f("ck_ledger_accounts_kind")),
        sa.CheckConstraint("normal_side IN ('debit', 'credit')", name=op.f("ck_ledger_accounts_normal_side")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_ledger_accounts")),
        sa.UniqueConstraint("role", name=op.f("uq_ledger_accounts_role")),
    )
    op.create_table(
        "loans",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("product_version_id", sa.Uuid(), nullable=False),
        sa.Column("product_code", sa.String(length=32), nullable=False),
        sa.Column("borrower_id", sa.Uuid(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("principal", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("annual_rate", sa.Numeric(precision=12, scale=8), nullable=False),
        sa.Column("frequency", sa.String(length=16), nullable=False),
        sa.Column("term_periods", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(length=8), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("first_payment_date", sa.Date(), nullable=False),
        sa.Column("maturity_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="approved", nullable=False),
        sa.Column("contract", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "principal_outstanding", sa.Numeric(precision=20, scale=4), server_default=sa.text("0"), nullable=False
        ),
        sa.Column(
            "interest_outstanding", sa.Numeric(precision=20, scale=4), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("fees_outstanding", sa.Numeric(precision=20, scale=4), server_default=sa.text("0"), nullable=False),
        sa.Column("credit_balance", sa.Numeric(precision=20, scale=4), server_default=sa.text("0"), nullable=False),
        sa.Column("written_off", sa.Numeric(precision=20, scale=4), server_default=sa.text("0"), nullable=False),
        sa.Column("recovered", sa.Numeric(precision=20, scale=4), server_default=sa.text("0"), nullable=False),
        sa.Column("disbursed_on", sa.Date(), nullable=True),
        sa.Column("accrued_through", sa.Date(), nullable=True),
        sa.Column("last_value_date", sa.Date(), nullable=True),
        sa.Column("accrual_basis", sa.Numeric(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "interest_recognized", sa.Numeric(precision=20, scale=4), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("last_seq", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "status IN ('approved', 'active', 'paid_off', 'overpaid', 'charged_off', 'cancelled')",
            name=op.f("ck_loans_status"),
        ),
        sa.CheckConstraint("principal > 0", name=op.f("ck_loans_principal_positive")),
        sa.CheckConstraint(
            "principal_outstanding >= 0 AND interest_outstanding >= 0 AND fees_outstanding >= 0 "
            "AND credit_balance >= 0 AND written_off >= 0 AND recovered >= 0",
            name=op.f("ck_loans_balances_not_negative"),
        ),
        sa.CheckConstraint("term_periods >= 1", name=op.f("ck_loans_term_positive")),
        sa.ForeignKeyConstraint(
            ["borrower_id"], ["users.id"], name=op.f("fk_loans_borrower_id_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["product_version_id"],
            ["product_versions.id"],
            name=op.f("fk_loans_product_version_id_product_versions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loans")),
    )
    op.create_index("ix_loans_borrower_id_created_at", "loans", ["borrower_id", "created_at"], unique=False)
    op.create_index("ix_loans_created_at_id", "loans", ["created_at", "id"], unique=False)
    op.create_index("ix_loans_status", "loans", ["status"], unique=False)
    op.create_table(
        "loan_installments",
        sa.Column("loan_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("principal_due", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("interest_due", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("fees_due", sa.Numeric(precision=20, scale=4), server_default=sa.text("0"), nullable=False),
        sa.Column("principal_paid", sa.Numeric(precision=20, scale=4), server_default=sa.text("0"), nullable=False),
        sa.Column("interest_paid", sa.Numeric(precision=20, scale=4), server_default=sa.text("0"), nullable=False),
        sa.Column("fees_paid", sa.Numeric(precision=20, scale=4), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "outstanding",
            sa.Numeric(precision=20, scale=4),
            sa.Computed(
                "principal_due + interest_due + fees_due - principal_paid - interest_paid - fees_paid", persisted=True
            ),
            nullable=False,
        ),
        sa.CheckConstraint("number >= 1", name=op.f("ck_loan_installments_number_positive")),
        sa.CheckConstraint(
            "principal_paid >= 0 AND interest_paid >= 0 AND fees_paid >= 0 "
            "AND principal_paid <= principal_due AND interest_paid <= interest_due AND fees_paid <= fees_due",
            name=op.f("ck_loan_installments_paid_within_due"),
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.id"], name=op.f("fk_loan_installments_loan_id_loans"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("loan_id", "number", name=op.f("pk_loan_installments")),
    )
    op.create_index(
        "ix_loan_installments_due_date_open",
        "loan_installments",
        ["due_date"],
        unique=False,
        postgresql_where=sa.text("outstanding > 0"),
    )
    op.create_table(
        "loan_transactions",
        sa.Column("loan_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("value_date", sa.Date(), nullable=False),
        sa.Column("booked_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("amount", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("reverses_seq", sa.Integer(), nullable=True),
        sa.Column("principal", sa.Numeric(precision=20, scale=4), server_default=sa.text("0"), nullable=False),
        sa.Column("interest", sa.Numeric(precision=20, scale=4), server_default=sa.text("0"), nullable=False),
        sa.Column("fees", sa.Numeric(precision=20, scale=4), server_default=sa.text("0"), nullable=False),
        sa.Column("excess", sa.Numeric(precision=20, scale=4), server_default=sa.text("0"), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("request_id", sa.String(length=128), nullable=True),
        sa.CheckConstraint("channel IN ('web', 'api', 'staff', 'batch')", name=op.f("ck_loan_transactions_channel")),
        sa.CheckConstraint(
            "kind IN ('disbursement', 'payment', 'payment_reversal', 'fee_charge', 'fee_waiver', 'interest_waiver', "
            "'write_off', 'recovery', 'refund', 'cancellation')",
            name=op.f("ck_loan_transactions_kind"),
        ),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_loan_transactions_amount_not_negative")),
        sa.CheckConstraint("seq >= 1", name=op.f("ck_loan_transactions_seq_positive")),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.id"], name=op.f("fk_loan_transactions_loan_id_loans"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("loan_id", "seq", name=op.f("pk_loan_transactions")),
    )
    op.create_index("ix_loan_transactions_booked_at", "loan_transactions", ["booked_at"], unique=False)
    op.create_index(
        "ix_loan_transactions_loan_id_value_date", "loan_transactions", ["loan_id", "value_date"], unique=False
    )
    op.create_table(
        "journals",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("loan_id", sa.Uuid(), nullable=True),
        sa.Column("transaction_seq", sa.Integer(), nullable=True),
        sa.Column("caused_by_seq", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("value_date", sa.Date(), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("reverses_journal_id", sa.BigInteger(), nullable=True),
        sa.Column("reference", sa.String(length=160), nullable=True),
        sa.Column("memo", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["loan_id", "transaction_seq"],
            ["loan_transactions.loan_id", "loan_transactions.seq"],
            name="fk_journals_loan_id_loan_transactions",
        ),
        sa.ForeignKeyConstraint(["loan_id"], ["loans.id"], name=op.f("fk_journals_loan_id_loans"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(
            ["reverses_journal_id"], ["journals.id"], name=op.f("fk_journals_reverses_journal_id_journals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journals")),
    )
    op.create_index("ix_journals_loan_id_id", "journals", ["loan_id", "id"], unique=False)
    op.create_table(
        "journal_legs",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("journal_id", sa.BigInteger(), nullable=False),
        sa.Column("account_code", sa.String(length=4), nullable=False),
        sa.Column("loan_id", sa.Uuid(), nullable=True),
        sa.Column("side", sa.String(length=6), nullable=False),
        sa.Column("amount", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.CheckConstraint("currency ~ '^[A-Z]{3}$'", name=op.f("ck_journal_legs_currency")),
        sa.CheckConstraint("side IN ('debit', 'credit')", name=op.f("ck_journal_legs_side")),
        sa.CheckConstraint("amount > 0", name=op.f("ck_journal_legs_amount_positive")),
        sa.ForeignKeyConstraint(
            ["account_code"],
            ["ledger_accounts.code"],
            name=op.f("fk_journal_legs_account_code_ledger_accounts"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["journal_id"], ["journals.id"], name=op.f("fk_journal_legs_journal_id_journals"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.id"], name=op.f("fk_journal_legs_loan_id_loans"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_legs")),
    )
    op.create_index(op.f("ix_journal_legs_journal_id"), "journal_legs", ["journal_id"], unique=False)
    op.create_index("ix_journal_legs_loan_id_account_code", "journal_legs", ["loan_id", "account_code"], unique=False)
    _seed_chart()
    _balanced_journals()
    for table in APPEND_ONLY:
        _append_only(table)


# The chart of accounts (docs/LEDGER.md): code, role (what the code calls it), name, kind, normal side.
CHART = (
    ("1000", "cash", "Cash and clearing", "asset", "debit"),
    ("1100", "principal_receivable", "Loan principal receivable", "asset", "debit"),
    ("1200", "interest_receivable", "Interest receivable", "asset", "debit"),
    ("1300", "fee_receivable", "Fee receivable", "asset", "debit"),
    ("2000", "borrower_credit", "Credit balances owed to borrowers", "liability", "credit"),
    ("2900", "suspense", "Suspense", "liability", "credit"),
    ("4000", "interest_income", "Interest income", "income", "credit"),
    ("4100", "fee_income", "Fee income", "income", "credit"),
    ("4200", "recoveries", "Recoveries on charged-off loans", "income", "credit"),
    ("5000", "charge_off_expense", "Charge-off expense", "expense", "debit"),
)
APPEND_ONLY = ("loan_transactions", "journals", "journal_legs")


def _seed_chart() -> None:
    accounts = sa.table(
        "ledger_accounts",
        sa.column("code", sa.String),
        sa.column("role", sa.String),
        sa.column("name", sa.String),
        sa.column("kind", sa.String),
        sa.column("normal_side", sa.String),
    )
    op.bulk_insert(
        accounts,
        [dict(zip(("code", "role", "name", "kind", "normal_side"), row, strict=True)) for row in CHART],
    )


def _balanced_journals() -> None:
    """A journal balances (per currency, debits equal credits) and has at least two legs, checked at
    COMMIT by a deferred constraint trigger on journals and on journal_legs, so the legs of a journal may
    be inserted one by one within the transaction but an unbalanced journal can never be committed."""
    op.execute(
        """
        CREATE FUNCTION journal_must_balance() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            journal bigint;
            legs integer;
            off record;
        BEGIN
            IF TG_TABLE_NAME = 'journals' THEN  -- each branch is planned only when it runs
                journal := NEW.id;
            ELSE
                journal := NEW.journal_id;
            END IF;
            SELECT count(*) INTO legs FROM journal_legs WHERE journal_id = journal;
            IF legs < 2 THEN
                RAISE EXCEPTION 'journal % has % legs; a journal needs at least two', journal, legs
                    USING ERRCODE = 'check_violation';
            END IF;
            SELECT currency,
                   sum(amount) FILTER (WHERE side = 'debit') AS debits,
                   sum(amount) FILTER (WHERE side = 'credit') AS credits
              INTO off
              FROM journal_legs WHERE journal_id = journal
             GROUP BY currency
            HAVING coalesce(sum(amount) FILTER (WHERE side = 'debit'), 0)
                   <> coalesce(sum(amount) FILTER (WHERE side = 'credit'), 0)
             LIMIT 1;
            IF FOUND THEN
                RAISE EXCEPTION 'journal % does not balance in %: debits %, credits %',
                    journal, off.currency, coalesce(off.debits, 0), coalesce(off.credits, 0)
                    USING ERRCODE = 'check_violation';
            END IF;
            RETURN NULL;
        END
        $$
        """
    )
    for table in ("journals", "journal_legs"):
        op.execute(
            f"CREATE CONSTRAINT TRIGGER {table}_balanced AFTER INSERT ON {table} "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION journal_must_balance()"
        )


def _append_only(table: str) -> None:
    """Rows can be inserted and read, never changed or removed, for every role (the owner included);
    corrections are new rows (reversing and adjustment journals)."""
    op.execute(
        f"""
        CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '{table} is append-only: % is not allowed', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END
        $$
        """
    )
    op.execute(
        f"CREATE TRIGGER {table}_no_update_or_delete BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
    )
    op.execute(
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()"
    )
    op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM PUBLIC")


def downgrade() -> None:
    op.drop_index("ix_journal_legs_loan_id_account_code", table_name="journal_legs")
    op.drop_index(op.f("ix_journal_legs_journal_id"), table_name="journal_legs")
    op.drop_table("journal_legs")
    op.drop_index("ix_journals_loan_id_id", table_name="journals")
    op.drop_table("journals")
    op.drop_index("ix_loan_transactions_booked_at", table_name="loan_transactions")
    op.drop_table("loan_transactions")
    op.drop_index(
        "ix_loan_installments_due_date_open",
        table_name="loan_installments",
        postgresql_where=sa.text("outstanding > 0"),
    )
    op.drop_table("loan_installments")
    op.drop_index("ix_loans_status", table_name="loans")
    op.drop_index("ix_loans_created_at_id", table_name="loans")
    op.drop_index("ix_loans_borrower_id_created_at", table_name="loans")
    op.drop_table("loans")
    op.drop_table("ledger_accounts")
    op.drop_index(op.f("ix_idempotency_keys_created_at"), table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
    for table in APPEND_ONLY:
        op.execute(f"DROP FUNCTION {table}_append_only()")
    op.execute("DROP FUNCTION journal_must_balance()")
