"""Wire types of applications: draft sections in, the masked application out, offers, notices, reviews."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

import msgspec

from loan_engine.api.types import Amount, ApiStruct
from loan_engine.policy.facts import EmploymentStatus
from loan_engine.products.schemas import ProductCode, ProductFrequency

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Line = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Note = Annotated[str, msgspec.Meta(max_length=2_000)]
TaxId = Annotated[
    str,
    msgspec.Meta(
        pattern="^[0-9]{3}-?[0-9]{2}-?[0-9]{4}$",
        description="A US SSN or ITIN, nine digits (dashes optional); stored encrypted, shown masked",
        examples=["123-45-6789"],
    ),
]
ReasonCode = Annotated[str, msgspec.Meta(pattern="^[A-Z_]{2,40}$")]


class ApplicationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REFERRED = "referred"
    DECLINED = "declined"
    ACCEPTED = "accepted"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    BOOKED = "booked"


class AppChannel(StrEnum):
    WEB = "web"
    API = "api"
    STAFF = "staff"


class LoanRequestIn(ApiStruct):
    product_code: ProductCode
    amount: Amount
    term_periods: Annotated[int, msgspec.Meta(ge=1, le=1_200)]
    frequency: ProductFrequency = ProductFrequency.MONTHLY


class AddressIn(ApiStruct):
    line1: Line
    city: Name
    region: Annotated[str, msgspec.Meta(min_length=2, max_length=40)]
    postal_code: Annotated[str, msgspec.Meta(pattern="^[0-9]{5}(-[0-9]{4})?$")]
    line2: Annotated[str, msgspec.Meta(max_length=200)] = ""
    months_at_address: Annotated[int, msgspec.Meta(ge=0, le=1_200)] = 0


class IdentityIn(ApiStruct):
    first_name: Name
    last_name: Name
    birth_date: dt.date
    tax_id: TaxId
    address: AddressIn


class IncomeIn(ApiStruct):
    monthly_income: Amount
    employment_status: EmploymentStatus
    months_employed: Annotated[int, msgspec.Meta(ge=0, le=1_200)] = 0
    employer: Annotated[str, msgspec.Meta(max_length=200)] = ""


class HousingIn(ApiStruct):
    housing: Literal["rent", "own", "mortgage", "family", "other"]
    housing_payment: Amount
    other_monthly_debts: Amount


class ConsentsIn(ApiStruct):
    """Both must be true to submit; the server stamps when each was given."""

    credit_report: bool
    electronic_disclosures: bool


class DraftSections(ApiStruct):
    """A step of the wizard: each section sent replaces the stored one; sections not sent are kept."""

    loan: LoanRequestIn | None = None
    identity: IdentityIn | None = None
    income: IncomeIn | None = None
    housing: HousingIn | None = None
    consents: ConsentsIn | None = None


class ApplicationCreate(DraftSections):
    """Start an application. Staff and API clients apply for a borrower (``borrowerId``); a borrower
    applies for themselves and sends none."""

    borrower_id: uuid.UUID | None = None


class IdentityOut(ApiStruct):
    first_name: str
    last_name: str
    birth_date_masked: str
    tax_id_masked: str
    address: AddressIn


class ConsentOut(ApiStruct):
    credit_report_at: dt.datetime | None
    electronic_disclosures_at: dt.datetime | None


class CreditReportOut(ApiStruct):
    bureau: str
    sandbox: bool
    persona: str | None
    pulled_at: dt.datetime
    score: int | None
    score_range: list[int]
    key_factors: list[str]
    facts: dict[str, Any]


class DecisionReason(ApiStruct):
    code: str
    text: str


class OfferOut(ApiStruct):
    """An offer and its Truth-in-Lending box (Reg Z 1026.18), all from the quote engine."""

    number: int
    amount: Decimal
    term_periods: int
    frequency: str
    grade: str
    annual_rate: Decimal
    payment: Decimal
    apr: Decimal
    finance_charge: Decimal
    amount_financed: Decimal
    total_of_payments: Decimal
    start_date: dt.date
    first_payment_date: dt.date
    counteroffer: bool
    # The Reg Z 1026.18(g) payment schedule: `termPeriods - 1` payments of `payment`, then this one (the
    # last installment absorbs the rounding). None on offers stored before these fields existed.
    final_payment: Decimal | None = None
    final_payment_date: dt.date | None = None


class TraceNode(ApiStruct):
    node: str
    kind: str
    output: Any
    duration: str | None


class ApplicationDecision(ApiStruct):
    outcome: Literal["approve", "refer", "decline"]
    by: Literal["policy", "underwriter"]
    policy_version: int | None
    policy_name: str | None
    grade: str | None
    max_amount: Decimal | None
    reasons: list[DecisionReason]
    duration_ms: Decimal
    decided_at: dt.datetime


class ReviewOut(ApiStruct):
    action: str
    note: str
    by: uuid.UUID
    at: dt.datetime
    confirmed_by: uuid.UUID | None = None
    confirmed_at: dt.datetime | None = None
    pending: bool = False


class ApplicationRead(ApiStruct):
    id: uuid.UUID
    status: ApplicationStatus
    channel: AppChannel
    borrower_id: uuid.UUID
    created_at: dt.datetime
    updated_at: dt.datetime
    loan: LoanRequestIn | None
    identity: IdentityOut | None
    income: IncomeIn | None
    housing: HousingIn | None
    consents: ConsentOut | None
    submitted_at: dt.datetime | None
    decision: ApplicationDecision | None
    offers: list[OfferOut]
    expires_at: dt.datetime | None
    accepted_offer: int | None
    loan_id: uuid.UUID | None
    assignee_id: uuid.UUID | None
    review: ReviewOut | None
    missing: list[str]


class ApplicationSummary(ApiStruct):
    id: uuid.UUID
    status: ApplicationStatus
    channel: AppChannel
    borrower_id: uuid.UUID
    product_code: str | None
    amount: Decimal | None
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    assignee_id: uuid.UUID | None
    applicant: str | None = None
    # Staff lists only: who holds the claim, by name and email.
    assignee_name: str | None = None
    # An underwriter's override of an automatic decline waits for a second person.
    override_pending: bool = False


class ApplicationPage(ApiStruct):
    items: list[ApplicationSummary]
    next_cursor: str | None


class StaffPerson(ApiStruct):
    id: uuid.UUID
    display_name: str
    email: str


class StaffView(ApiStruct):
    """What staff see beyond the borrower: the credit report, the decision trace, unmasked on request."""

    application: ApplicationRead
    credit_report: CreditReportOut | None
    facts: dict[str, Any] | None
    trace: list[TraceNode]
    policy_ms: Decimal | None = None
    quote_ms: Decimal | None = None
    # The staff the application names (its claimant, the reviewer, the confirmer), so pages show names.
    people: list[StaffPerson] = msgspec.field(default_factory=list)
    # The reason codes an underwriter may decline with, in Regulation B wording (at most four are sent).
    reason_choices: list[DecisionReason] = msgspec.field(default_factory=list)


class SensitiveRead(ApiStruct):
    tax_id: str
    birth_date: dt.date


class AcceptIn(ApiStruct):
    offer: Annotated[int, msgspec.Meta(ge=1, le=10)]
    esign_consent: bool
    signature_name: Name


class ReviewIn(ApiStruct):
    """An underwriter's action on a claimed application. ``decline`` needs reasons; ``counteroffer`` an
    amount and/or term; ``approve`` of an automatic decline is an override that a second person confirms."""

    action: Literal["approve", "decline", "counteroffer"]
    note: Note
    reasons: Annotated[list[ReasonCode], msgspec.Meta(max_length=4)] = msgspec.field(default_factory=list)
    amount: Amount | None = None
    term_periods: Annotated[int, msgspec.Meta(ge=1, le=1_200)] | None = None


class NoticeOut(ApiStruct):
    """An adverse action notice (Reg B 1002.9(a)(2), with the FCRA 615(a) score disclosure) or a
    counteroffer notice (1002.9(a)(1)(iv))."""

    kind: Literal["adverse-action", "counteroffer"]
    application_id: uuid.UUID
    date: dt.date
    applicant: str
    creditor: str
    action: str
    reasons: list[DecisionReason]
    counteroffer: OfferOut | None
    credit_score: int | None
    score_range: list[int]
    score_date: dt.date | None
    key_factors: list[str]
    bureau: str
    sandbox: bool
    ecoa_notice: str
    fcra_notice: str
