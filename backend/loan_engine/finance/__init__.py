"""Pure loan math: money, calendars and day counts, schedules, Reg Z APR, disclosure, payoff.

No I/O, no framework imports, no database: ``Decimal``, ``Money`` and ``date`` in and out. Every
convention is explained, with worked examples, in docs/LOAN_MATH.md. The enums here (frequency names,
amortization, interest method, day count, rounding mode, odd-days interest, APR unit) are the only
definitions of those sets: the API schemas and the CLI use them directly.
"""

from loan_engine.finance.apr import (
    AprResult,
    DatedFlow,
    Flow,
    Stream,
    Unit,
    UnitPeriod,
    apr_from_dates,
    apr_from_flows,
    apr_within_tolerance,
    choose_unit_period,
)
from loan_engine.finance.calendar import Frequency, FrequencyName, FrequencyUnit, add_months, parse_frequency
from loan_engine.finance.daycount import DayCount, parse_day_count, year_fraction
from loan_engine.finance.disclosure import Disclosure, disclose
from loan_engine.finance.errors import CurrencyMismatchError, FinanceInputError, WorkLimitError
from loan_engine.finance.money import Currency, Money, RoundingMode, currency, quantize, to_decimal
from loan_engine.finance.payoff import Payment, Payoff, payoff
from loan_engine.finance.schedule import Installment, Schedule, build_schedule
from loan_engine.finance.terms import Amortization, Fee, InterestMethod, LoanTerms, OddDaysInterest

__all__ = [
    "Amortization",
    "AprResult",
    "Currency",
    "CurrencyMismatchError",
    "DatedFlow",
    "DayCount",
    "Disclosure",
    "Fee",
    "FinanceInputError",
    "Flow",
    "Frequency",
    "FrequencyName",
    "FrequencyUnit",
    "Installment",
    "InterestMethod",
    "LoanTerms",
    "Money",
    "OddDaysInterest",
    "Payment",
    "Payoff",
    "RoundingMode",
    "Schedule",
    "Stream",
    "Unit",
    "UnitPeriod",
    "WorkLimitError",
    "add_months",
    "apr_from_dates",
    "apr_from_flows",
    "apr_within_tolerance",
    "build_schedule",
    "choose_unit_period",
    "currency",
    "disclose",
    "parse_day_count",
    "parse_frequency",
    "payoff",
    "quantize",
    "to_decimal",
    "year_fraction",
]
