"""The postings of every loan transaction type: what each ``finance.replay.Effect`` debits and credits
(docs/LEDGER.md has the same rules as a table). Signed amounts per role, debit positive.

Every effect may first recognize interest (``accrued``: daily accrual to its date, periodic installments
falling due, interest paid ahead; negative when a payoff gives back unearned interest), posted
Dr interest receivable / Cr interest income, and charge a fee (``fee_charged``: a fee charge, a returned
payment's fee), posted Dr fee receivable / Cr fee income. Then its own action:

* disbursement: Dr principal receivable (the loan amount); Cr cash (net proceeds), Cr interest income
  (prepaid interest), Cr fee income (fees at closing, financed or withheld).
* payment: Dr cash; Cr principal, interest and fee receivable (the split), Cr borrower credit (excess).
* payment reversal: the mirror of its payment's split (Cr cash, Dr the receivables and borrower credit).
* fee waiver: Dr fee income, Cr fee receivable. Interest waiver: Dr interest income, Cr interest receivable.
* write-off: Dr charge-off expense; Cr principal, interest and fee receivable (everything outstanding).
* recovery: Dr cash, Cr recoveries. Refund: Dr borrower credit, Cr cash.

So, per loan, principal receivable = principal outstanding, interest receivable = interest outstanding,
fee receivable = fees outstanding, borrower credit = credit balance, charge-off expense = written off,
recoveries = recovered: what ``ledger.service.check`` verifies.
"""

from __future__ import annotations

from decimal import Decimal

from loan_engine.finance.allocation import Split
from loan_engine.finance.replay import Effect, EventKind
from loan_engine.ledger.accounts import AccountRole, Posting

__all__ = ["posting_for"]

R = AccountRole


def _receipt(split: Split, sign: int) -> list[tuple[AccountRole, Decimal]]:
    """A payment's legs (sign 1) or its reversal's (sign -1)."""
    return [
        (R.CASH, sign * split.total),
        (R.PRINCIPAL_RECEIVABLE, -sign * split.principal),
        (R.INTEREST_RECEIVABLE, -sign * split.interest),
        (R.FEE_RECEIVABLE, -sign * split.fees),
        (R.BORROWER_CREDIT, -sign * split.excess),
    ]


def posting_for(effect: Effect) -> Posting:
    """The ledger posting of one effect (empty for a cancellation, which moves no money)."""
    s = effect.split
    pairs: list[tuple[AccountRole, Decimal]] = [
        (R.INTEREST_RECEIVABLE, effect.accrued),
        (R.INTEREST_INCOME, -effect.accrued),
        (R.FEE_RECEIVABLE, effect.fee_charged),
        (R.FEE_INCOME, -effect.fee_charged),
    ]
    kind = effect.kind
    if kind is EventKind.DISBURSEMENT:
        pairs += [
            (R.PRINCIPAL_RECEIVABLE, s.principal),
            (R.CASH, -(s.principal - s.interest - s.fees)),
            (R.INTEREST_INCOME, -s.interest),
            (R.FEE_INCOME, -s.fees),
        ]
    elif kind is EventKind.PAYMENT:
        pairs += _receipt(s, 1)
    elif kind is EventKind.PAYMENT_REVERSAL:
        pairs += _receipt(s, -1)
    elif kind is EventKind.FEE_WAIVER:
        pairs += [(R.FEE_INCOME, s.fees), (R.FEE_RECEIVABLE, -s.fees)]
    elif kind is EventKind.INTEREST_WAIVER:
        pairs += [(R.INTEREST_INCOME, s.interest), (R.INTEREST_RECEIVABLE, -s.interest)]
    elif kind is EventKind.WRITE_OFF:
        pairs += [
            (R.CHARGE_OFF_EXPENSE, s.principal + s.interest + s.fees),
            (R.PRINCIPAL_RECEIVABLE, -s.principal),
            (R.INTEREST_RECEIVABLE, -s.interest),
            (R.FEE_RECEIVABLE, -s.fees),
        ]
    elif kind is EventKind.RECOVERY:
        pairs += [(R.CASH, s.excess), (R.RECOVERIES, -s.excess)]
    elif kind is EventKind.REFUND:
        pairs += [(R.BORROWER_CREDIT, s.excess), (R.CASH, -s.excess)]
    return Posting.of(pairs)
