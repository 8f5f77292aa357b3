"""The new loan's payment for the derived figures, priced by the quote engine's own annuity rule."""

from __future__ import annotations

import decimal
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Final

from loan_engine.finance.money import Currency, finance_context
from loan_engine.finance.schedule import level_payment
from loan_engine.policy.checks import PaymentFor
from loan_engine.policy.facts import ApplicationFacts

__all__ = ["payment_at_rate"]

_CTX: Final = finance_context()
_TWELVE: Final = Decimal(12)


def payment_at_rate(annual_rate: Decimal, cur: Currency) -> PaymentFor:
    """A ``PaymentFor`` pricing every application at ``annual_rate`` (a fraction: 0.1999 = 19.99 %).

    The level installment is ``finance.schedule.level_payment`` rounded half-up to the minor unit, as a
    quote rounds it; for a frequency other than monthly it is turned into its monthly equivalent
    (installment * periods a year / 12), since debt-to-income is a monthly ratio.
    """

    @lru_cache(maxsize=4_096)
    def installment(amount: Decimal, term: int, per_year: int) -> Decimal:
        with decimal.localcontext(_CTX):
            rate = annual_rate / per_year
            level = level_payment(amount, [rate] * term, constant=True)
            return level.quantize(cur.quantum, ROUND_HALF_UP)

    def payment_for(application: ApplicationFacts) -> Decimal:
        per_year = application.periods_per_year
        level = installment(application.requested_amount, application.term_periods, per_year)
        if per_year == 12:
            return level
        with decimal.localcontext(_CTX):
            return (level * per_year / _TWELVE).quantize(cur.quantum, ROUND_HALF_UP)

    return payment_for
