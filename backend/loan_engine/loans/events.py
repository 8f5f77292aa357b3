"""Audit event types of loans (subject: the loan id; details: seq, amount, value date, reason)."""

from __future__ import annotations

from loan_engine.audit.events import EventType, event_type
from loan_engine.finance.replay import EventKind

LOAN_BOOKED = event_type("loan.booked", "A loan was booked on a published product version; details.principal, …")
LOAN_DISBURSED = event_type("loan.disbursed", "A loan was disbursed (it is active); details.amount, details.valueDate")
PAYMENT_POSTED = event_type("loan.payment.posted", "A payment was posted; details.seq, amount, valueDate, split")
PAYMENT_REVERSED = event_type(
    "loan.payment.reversed", "A payment was reversed (returned/NSF, with the returned-payment fee); details.reverses"
)
FEE_CHARGED = event_type("loan.fee.charged", "A fee was charged to a loan; details.amount, details.reason")
FEE_WAIVED = event_type("loan.fee.waived", "Fees were waived; details.amount, details.reason")
INTEREST_WAIVED = event_type("loan.interest.waived", "Interest was waived; details.amount, details.reason")
WRITTEN_OFF = event_type("loan.written_off", "A loan was charged off; details.split (what was written off)")
RECOVERY_POSTED = event_type("loan.recovery.posted", "Money was recovered on a charged-off loan; details.amount")
REFUND_POSTED = event_type("loan.refund.posted", "A credit balance was refunded to the borrower; details.amount")
LOAN_CANCELLED = event_type("loan.cancelled", "An approved loan was cancelled before disbursement")

BY_KIND: dict[EventKind, EventType] = {
    EventKind.DISBURSEMENT: LOAN_DISBURSED,
    EventKind.PAYMENT: PAYMENT_POSTED,
    EventKind.PAYMENT_REVERSAL: PAYMENT_REVERSED,
    EventKind.FEE_CHARGE: FEE_CHARGED,
    EventKind.FEE_WAIVER: FEE_WAIVED,
    EventKind.INTEREST_WAIVER: INTEREST_WAIVED,
    EventKind.WRITE_OFF: WRITTEN_OFF,
    EventKind.RECOVERY: RECOVERY_POSTED,
    EventKind.REFUND: REFUND_POSTED,
    EventKind.CANCELLATION: LOAN_CANCELLED,
}
