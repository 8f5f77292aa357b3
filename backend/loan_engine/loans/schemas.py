"""Wire types of the loan routes."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

import msgspec

from loan_engine.api.types import Amount, ApiStruct, Percent
from loan_engine.finance.replay import EventKind, LoanStatus
from loan_engine.products.schemas import Grade, ProductCode, ProductFrequency

Reason = Annotated[str, msgspec.Meta(max_length=500)]


class Channel(StrEnum):
    """Where a transaction came from: the borrower's web app, an API client (a payment processor), staff,
    or a batch job (close of business)."""

    WEB = "web"
    API = "api"
    STAFF = "staff"
    BATCH = "batch"


class TransactionKind(StrEnum):
    """What ``POST /api/loans/{id}/transactions`` posts (a disbursement has its own route)."""

    PAYMENT = EventKind.PAYMENT.value
    PAYMENT_REVERSAL = EventKind.PAYMENT_REVERSAL.value
    FEE_CHARGE = EventKind.FEE_CHARGE.value
    FEE_WAIVER = EventKind.FEE_WAIVER.value
    INTEREST_WAIVER = EventKind.INTEREST_WAIVER.value
    WRITE_OFF = EventKind.WRITE_OFF.value
    RECOVERY = EventKind.RECOVERY.value
    REFUND = EventKind.REFUND.value
    CANCELLATION = EventKind.CANCELLATION.value


class LoanCreate(ApiStruct):
    """Book a loan on the published version of ``productCode``. The rate is the product's grid rate for
    ``grade`` and the term; ``annualRate``, when sent, must equal it (a check, never an override)."""

    borrower_id: uuid.UUID
    product_code: ProductCode
    principal: Amount
    term_periods: Annotated[int, msgspec.Meta(ge=1, le=1_200)]
    frequency: ProductFrequency
    grade: Grade
    start_date: datetime.date
    first_payment_date: datetime.date | None = None
    annual_rate: Percent | None = None


class DisbursementCreate(ApiStruct):
    """Disburse the loan in full on its start date (the net proceeds: principal less fees withheld and
    prepaid interest)."""

    value_date: datetime.date | None = None
    reason: Reason = ""


class TransactionCreate(ApiStruct):
    """A servicing transaction. ``amount`` is omitted (or "0") for a write-off and a cancellation;
    ``reversesSeq`` names the payment a ``payment_reversal`` undoes (its amount is that payment's)."""

    kind: TransactionKind
    value_date: datetime.date
    amount: Amount = "0"
    reason: Reason = ""
    reverses_seq: Annotated[int, msgspec.Meta(ge=1)] | None = None


class TransactionRead(ApiStruct):
    seq: int
    kind: str
    value_date: datetime.date
    booked_at: datetime.datetime
    amount: Decimal
    channel: Channel
    reason: str
    reverses_seq: int | None
    principal: Decimal
    interest: Decimal
    fees: Decimal
    excess: Decimal


class InstallmentRead(ApiStruct):
    number: int
    due_date: datetime.date
    principal_due: Decimal
    interest_due: Decimal
    fees_due: Decimal
    principal_paid: Decimal
    interest_paid: Decimal
    fees_paid: Decimal
    outstanding: Decimal


class NextPayment(ApiStruct):
    due_date: datetime.date
    amount: Decimal


class LoanSummary(ApiStruct):
    id: uuid.UUID
    borrower_id: uuid.UUID
    product_code: str
    currency: str
    principal: Decimal
    annual_rate: Decimal  # percent
    frequency: str
    term_periods: int
    grade: str
    start_date: datetime.date
    first_payment_date: datetime.date
    maturity_date: datetime.date
    status: LoanStatus
    principal_outstanding: Decimal
    interest_outstanding: Decimal
    fees_outstanding: Decimal
    total_outstanding: Decimal
    credit_balance: Decimal
    written_off: Decimal
    recovered: Decimal
    disbursed_on: datetime.date | None
    last_value_date: datetime.date | None
    created_at: datetime.datetime
    next_payment: NextPayment | None


class LoanRead(ApiStruct):
    """A loan: its summary, its schedule with what was paid against each installment, its last 20
    transactions (newest first), and the kinds of transaction the caller may post on it now (its status
    and the caller's role decide; ``disbursement`` goes through its own route)."""

    loan: LoanSummary
    schedule: list[InstallmentRead]
    recent_transactions: list[TransactionRead]
    allowed_kinds: list[str]


class LoanPage(ApiStruct):
    items: list[LoanSummary]
    next_cursor: str | None


class TransactionPage(ApiStruct):
    items: list[TransactionRead]
    next_cursor: str | None


class PostingResult(ApiStruct):
    """What a posted transaction did: the transaction as applied, whether the history was replayed
    (backdated or reversal), how many adjustment journals that posted, and the loan afterwards."""

    transaction: TransactionRead
    replayed: bool
    adjustments: int
    loan: LoanSummary


class PayoffRead(ApiStruct):
    """The amount that pays the loan off on ``date`` (from the code path that posts the payoff)."""

    date: datetime.date
    principal: Decimal
    interest: Decimal
    fees: Decimal
    credit: Decimal
    total: Decimal
    per_diem: Decimal
