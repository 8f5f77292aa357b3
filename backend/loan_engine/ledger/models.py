"""Tables of the ledger. Journals and their legs are append-only and every journal balances: PostgreSQL
enforces both (migration 0004: a deferred constraint trigger per journal, and UPDATE/DELETE/TRUNCATE
triggers that raise for every role); the service never relies on its own care alone."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from loan_engine.db.base import Base

TZ = DateTime(timezone=True)
AMOUNT = Numeric(20, 4)


class LedgerAccount(Base):
    """One account of the chart (seeded by migration 0004, reinserted by the tests after truncation)."""

    __tablename__ = "ledger_accounts"
    __table_args__ = (
        CheckConstraint("code ~ '^[0-9]{4}$'", name="code"),
        CheckConstraint("kind IN ('asset', 'liability', 'income', 'expense')", name="kind"),
        CheckConstraint("normal_side IN ('debit', 'credit')", name="normal_side"),
        {"info": {"reference_data": True}},
    )

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    normal_side: Mapped[str] = mapped_column(String(6))


class Journal(Base):
    """A balanced set of legs posted together. ``loan_id``/``transaction_seq`` name the loan transaction
    whose effect it posts; ``kind`` is that transaction's kind, or ``adjustment`` (a replay's difference)."""

    __tablename__ = "journals"
    __table_args__ = (
        ForeignKeyConstraint(
            ["loan_id", "transaction_seq"],
            ["loan_transactions.loan_id", "loan_transactions.seq"],
            name="fk_journals_loan_id_loan_transactions",
        ),
        Index("ix_journals_loan_id_id", "loan_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    loan_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("loans.id", ondelete="RESTRICT"))
    transaction_seq: Mapped[int | None] = mapped_column(Integer)
    caused_by_seq: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    value_date: Mapped[date] = mapped_column(Date)
    posted_at: Mapped[datetime] = mapped_column(TZ, server_default=func.now())
    reverses_journal_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("journals.id"))
    reference: Mapped[str | None] = mapped_column(String(160))
    memo: Mapped[str] = mapped_column(Text, server_default="")


class JournalLeg(Base):
    """One debit or credit of a journal: a positive amount on an account, for a loan (its subledger)."""

    __tablename__ = "journal_legs"
    __table_args__ = (
        CheckConstraint("side IN ('debit', 'credit')", name="side"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("currency ~ '^[A-Z]{3}$'", name="currency"),
        Index("ix_journal_legs_loan_id_account_code", "loan_id", "account_code"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    journal_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("journals.id", ondelete="RESTRICT"), index=True)
    account_code: Mapped[str] = mapped_column(String(4), ForeignKey("ledger_accounts.code", ondelete="RESTRICT"))
    loan_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("loans.id", ondelete="RESTRICT"))
    side: Mapped[str] = mapped_column(String(6))
    amount: Mapped[Decimal] = mapped_column(AMOUNT)
    currency: Mapped[str] = mapped_column(String(3))
