"""Tables of booked loans: the loan with its balances in typed columns, its installments (what was due
and what was paid against each, ``outstanding`` computed by PostgreSQL), and its append-only transactions.

Close of business (a later issue) ages and accrues in set-based SQL over these columns; the Python
posting code writes the same columns from the same rules (loans/service.py), and tests compare the two.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Computed,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from loan_engine.db.base import Base

TZ = DateTime(timezone=True)
AMOUNT = Numeric(20, 4)
ZERO = text("0")

LOAN_STATUSES = "('approved', 'active', 'paid_off', 'overpaid', 'charged_off', 'cancelled')"
TRANSACTION_KINDS = (
    "('disbursement', 'payment', 'payment_reversal', 'fee_charge', 'fee_waiver', 'interest_waiver', "
    "'write_off', 'recovery', 'refund', 'cancellation')"
)


# What is still owed on an installment: the one definition, for Python (loans/service.py) and SQL alike.
OUTSTANDING = "principal_due + interest_due + fees_due - principal_paid - interest_paid - fees_paid"


class Loan(Base):
    __tablename__ = "loans"
    __table_args__ = (
        CheckConstraint(f"status IN {LOAN_STATUSES}", name="status"),
        CheckConstraint("principal > 0", name="principal_positive"),
        CheckConstraint("term_periods >= 1", name="term_positive"),
        CheckConstraint(
            "principal_outstanding >= 0 AND interest_outstanding >= 0 AND fees_outstanding >= 0 "
            "AND credit_balance >= 0 AND written_off >= 0 AND recovered >= 0",
            name="balances_not_negative",
        ),
        Index("ix_loans_created_at_id", "created_at", "id"),
        Index("ix_loans_borrower_id_created_at", "borrower_id", "created_at"),
        Index("ix_loans_status", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    product_version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("product_versions.id", ondelete="RESTRICT"))
    product_code: Mapped[str] = mapped_column(String(32))
    borrower_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    currency: Mapped[str] = mapped_column(String(3))
    principal: Mapped[Decimal] = mapped_column(AMOUNT)
    annual_rate: Mapped[Decimal] = mapped_column(Numeric(12, 8))
    frequency: Mapped[str] = mapped_column(String(16))
    term_periods: Mapped[int] = mapped_column(Integer)
    grade: Mapped[str] = mapped_column(String(8))
    start_date: Mapped[date] = mapped_column(Date)
    first_payment_date: Mapped[date] = mapped_column(Date)
    maturity_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), server_default="approved")
    contract: Mapped[dict[str, Any]] = mapped_column(JSONB)
    principal_outstanding: Mapped[Decimal] = mapped_column(AMOUNT, server_default=ZERO)
    interest_outstanding: Mapped[Decimal] = mapped_column(AMOUNT, server_default=ZERO)
    fees_outstanding: Mapped[Decimal] = mapped_column(AMOUNT, server_default=ZERO)
    credit_balance: Mapped[Decimal] = mapped_column(AMOUNT, server_default=ZERO)
    written_off: Mapped[Decimal] = mapped_column(AMOUNT, server_default=ZERO)
    recovered: Mapped[Decimal] = mapped_column(AMOUNT, server_default=ZERO)
    disbursed_on: Mapped[date | None] = mapped_column(Date)
    accrued_through: Mapped[date | None] = mapped_column(Date)
    last_value_date: Mapped[date | None] = mapped_column(Date)
    accrual_basis: Mapped[Decimal] = mapped_column(Numeric, server_default=ZERO)
    interest_recognized: Mapped[Decimal] = mapped_column(AMOUNT, server_default=ZERO)
    last_seq: Mapped[int] = mapped_column(Integer, server_default=ZERO)
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    created_at: Mapped[datetime] = mapped_column(TZ, server_default=func.now())
    created_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(TZ, server_default=func.now())


class LoanInstallment(Base):
    """One installment: what falls due and what has been paid against it; ``outstanding`` is stored and
    computed by PostgreSQL, indexed by due date where something is still owed (what close of business
    ages and accrues over)."""

    __tablename__ = "loan_installments"
    __table_args__ = (
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint(
            "principal_paid >= 0 AND interest_paid >= 0 AND fees_paid >= 0 "
            "AND principal_paid <= principal_due AND interest_paid <= interest_due AND fees_paid <= fees_due",
            name="paid_within_due",
        ),
        Index("ix_loan_installments_due_date_open", "due_date", postgresql_where=text("outstanding > 0")),
    )

    loan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("loans.id", ondelete="RESTRICT"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    due_date: Mapped[date] = mapped_column(Date)
    principal_due: Mapped[Decimal] = mapped_column(AMOUNT)
    interest_due: Mapped[Decimal] = mapped_column(AMOUNT)
    fees_due: Mapped[Decimal] = mapped_column(AMOUNT, server_default=ZERO)
    principal_paid: Mapped[Decimal] = mapped_column(AMOUNT, server_default=ZERO)
    interest_paid: Mapped[Decimal] = mapped_column(AMOUNT, server_default=ZERO)
    fees_paid: Mapped[Decimal] = mapped_column(AMOUNT, server_default=ZERO)
    outstanding: Mapped[Decimal] = mapped_column(
        AMOUNT,
        Computed(OUTSTANDING, persisted=True),
    )


class LoanTransaction(Base):
    """A servicing event as it was posted (append-only): kind, value date, booking time, amount, channel,
    reason, and the split it was applied with when posted. A later backdated event or reversal may change
    how it applies; that change is posted as adjustment journals, never by editing this row."""

    __tablename__ = "loan_transactions"
    __table_args__ = (
        CheckConstraint(f"kind IN {TRANSACTION_KINDS}", name="kind"),
        CheckConstraint("channel IN ('web', 'api', 'staff', 'batch')", name="channel"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("seq >= 1", name="seq_positive"),
        Index("ix_loan_transactions_booked_at", "booked_at"),
        Index("ix_loan_transactions_loan_id_value_date", "loan_id", "value_date"),
    )

    loan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("loans.id", ondelete="RESTRICT"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    value_date: Mapped[date] = mapped_column(Date)
    booked_at: Mapped[datetime] = mapped_column(TZ, server_default=func.now())
    amount: Mapped[Decimal] = mapped_column(AMOUNT)
    channel: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(Text, server_default="")
    reverses_seq: Mapped[int | None] = mapped_column(Integer)
    principal: Mapped[Decimal] = mapped_column(AMOUNT, server_default=ZERO)
    interest: Mapped[Decimal] = mapped_column(AMOUNT, server_default=ZERO)
    fees: Mapped[Decimal] = mapped_column(AMOUNT, server_default=ZERO)
    excess: Mapped[Decimal] = mapped_column(AMOUNT, server_default=ZERO)
    actor: Mapped[str] = mapped_column(String(80))
    request_id: Mapped[str | None] = mapped_column(String(128))
