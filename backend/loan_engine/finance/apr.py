"""Annual percentage rate by Regulation Z, Appendix J (actuarial method), 12 CFR 1026.

Vocabulary (Appendix J (b)(3), (b)(7)): a *unit period* is the interval the APR is counted in
(a month for monthly loans); each advance and payment sits ``t`` whole unit periods plus a fraction
``f`` of a unit period after the start of the term. The general equation (b)(8) balances the
advances against the payments, each discounted by ``(1 + f·i)(1 + i)^t`` — compound interest over
whole unit periods, simple interest over the fraction ((b)(5), (b)(6)). The APR is the unit-period
rate ``i`` times the number of unit periods in a year ((b)(1)).

All arithmetic is Decimal at 38 significant digits; nothing is rounded until the caller rounds the
APR for display.
"""

from __future__ import annotations

import decimal
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Final

from loan_engine.finance.calendar import add_months, is_month_end
from loan_engine.finance.errors import FinanceInputError, WorkLimitError
from loan_engine.finance.money import finance_context

__all__ = [
    "MAX_FLOWS",
    "MAX_TERM_EVALUATIONS",
    "AprResult",
    "DatedFlow",
    "Flow",
    "Stream",
    "Unit",
    "UnitPeriod",
    "apr_from_dates",
    "apr_from_flows",
    "apr_from_streams",
    "apr_within_tolerance",
    "choose_unit_period",
    "is_regular",
    "place",
    "solve_unit_rate",
    "streams_of",
]

MAX_FLOWS: Final = 2400
# The most work one APR may take: evaluations of one term of the equation in Decimal (one stream of equal
# flows at one rate), summed over every iteration of the solver. From the float starting point (at most 30
# float iterations, about a tenth of the cost each) Newton's method needs one or two Decimal iterations,
# and at most about ten from a poor start, even over MAX_FLOWS distinct flows; bisection, the fallback when
# Newton fails, needs about 110 iterations and so fits only small inputs (up to about 270 streams).
MAX_TERM_EVALUATIONS: Final = 30_000
_PREC: Final = 38  # two libmpdec words
_CTX: Final = finance_context(_PREC)
_ZERO: Final = Decimal(0)
_ONE: Final = Decimal(1)
_HUNDRED: Final = Decimal(100)
_TOLERANCE: Final = Decimal("1e-30")
_LAST_STEP: Final = Decimal("1e-16")
_MAX_UNIT_RATE: Final = Decimal(1000)  # 100,000 % per unit period: beyond it nothing amortizes


class Unit(StrEnum):
    """Standard intervals of time (Appendix J (b)(3)(iii)), plus a run of days."""

    DAY = "day"
    WEEK = "week"
    SEMIMONTH = "semimonth"
    MONTH = "month"
    YEAR = "year"


_MAX_COUNT: Final = {Unit.DAY: 365, Unit.WEEK: 52, Unit.SEMIMONTH: 1, Unit.MONTH: 12, Unit.YEAR: 1}


@dataclass(frozen=True, slots=True)
class UnitPeriod:
    """A unit period: ``count`` * ``unit`` (12 months is normalised to one year)."""

    unit: Unit
    count: int = 1

    def __post_init__(self) -> None:
        if isinstance(self.count, bool) or not 1 <= self.count <= _MAX_COUNT[self.unit]:
            raise FinanceInputError("unit_period.count", f"{self.count} is out of range for {self.unit}")
        if self.unit is Unit.MONTH and self.count == 12:
            object.__setattr__(self, "unit", Unit.YEAR)
            object.__setattr__(self, "count", 1)

    @property
    def per_year(self) -> Decimal:
        """Unit periods per year (b)(5): 365/days, 52/weeks, 24 semimonths, 12/months, 1 year."""
        return _per_year(self.unit, self.count)

    @property
    def approx_days(self) -> Decimal:
        """Average length in days, used only to compare intervals for (b)(4)(i)(B)."""
        with decimal.localcontext(_CTX):
            return Decimal(365) / self.per_year


@lru_cache(maxsize=512)
def _per_year(unit: Unit, count: int) -> Decimal:
    base = {Unit.DAY: 365, Unit.WEEK: 52, Unit.SEMIMONTH: 24, Unit.MONTH: 12, Unit.YEAR: 1}[unit]
    if unit is Unit.SEMIMONTH or unit is Unit.YEAR:
        return Decimal(base)
    with decimal.localcontext(_CTX):
        return Decimal(base) / count


@dataclass(frozen=True, slots=True)
class Flow:
    """An advance or payment placed in time: ``periods`` (t) whole unit periods plus ``fraction`` (f)."""

    amount: Decimal
    periods: int
    fraction: Decimal = _ZERO


@dataclass(frozen=True, slots=True)
class DatedFlow:
    """An advance or payment on a calendar date."""

    amount: Decimal
    on: date


@dataclass(frozen=True, slots=True)
class AprResult:
    """The APR in percent (full precision) and how every flow was placed."""

    apr: Decimal
    unit_rate: Decimal
    unit_period: UnitPeriod
    advance_streams: tuple[Stream, ...]
    payment_streams: tuple[Stream, ...]

    @property
    def regular(self) -> bool:
        """Regular transaction per 1026.22(a)(2) (decides the 1/8 vs 1/4 point tolerance)."""
        return is_regular(self.advance_streams, self.payment_streams)

    def advances(self) -> list[Flow]:
        """Every advance as placed (t, f)."""
        return [flow for stream in self.advance_streams for flow in stream.flows()]

    def payments(self) -> list[Flow]:
        """Every payment as placed (t, f)."""
        return [flow for stream in self.payment_streams for flow in stream.flows()]


# --- placing dates in unit periods: Appendix J (b)(5) -------------------------------------------


def _months_back(start: date, on: date, anchor_day: int | None) -> tuple[int, int]:
    """Whole months measured back from ``on`` without passing ``start``, and the days left over.

    Months are equal (b)(3)(iv): counted from a day of one month to the same day of another. When
    ``on`` is a month end, ``anchor_day`` (the day the series is scheduled on, e.g. 30 or 31) is the
    day measured to, so a series on the 30th counts 28 February → 30 January as one month.
    """
    day = on.day
    if anchor_day is not None and anchor_day > day and is_month_end(on):
        day = anchor_day
    months = (on.year - start.year) * 12 + on.month - start.month
    boundary = add_months(on, -months, day)
    if boundary < start:
        months -= 1
        boundary = add_months(on, -months, day)
    if months < 0:
        return 0, (on - start).days
    return months, (boundary - start).days


def place(start: date, on: date, unit_period: UnitPeriod, anchor_day: int | None = None) -> Flow:
    """Place a date relative to the start of the term as ``t`` unit periods plus fraction ``f``.

    Appendix J (b)(5): (ii)/(iii) months and semimonths count 30 days per whole month measured back
    from the later date, plus the remaining days, divided by 30 * months or by 15; (iv) days and
    weeks divide the actual days; (v) years count whole years back, then the remaining whole months
    / 12, or else the remaining days / 365. The returned ``Flow`` has amount 0.
    """
    if on < start:
        raise FinanceInputError("on", "is before the start of the term")
    unit, count = unit_period.unit, unit_period.count
    if unit is Unit.DAY or unit is Unit.WEEK:
        length = count if unit is Unit.DAY else 7 * count
        whole, rest = divmod((on - start).days, length)
        return Flow(_ZERO, whole, _ratio(rest, length))
    months, days = _months_back(start, on, anchor_day)
    if unit is Unit.YEAR:
        years = months // 12
        left_months = months - 12 * years
        if days == 0:
            return Flow(_ZERO, years, _ratio(left_months, 12))
        boundary = add_months(on, -12 * years, anchor_day if is_month_end(on) else None)
        return Flow(_ZERO, years, _ratio((boundary - start).days, 365))
    length = 15 if unit is Unit.SEMIMONTH else 30 * count
    whole, rest = divmod(30 * months + days, length)
    return Flow(_ZERO, whole, _ratio(rest, length))


def _ratio(numerator: int, denominator: int) -> Decimal:
    if numerator == 0:
        return _ZERO
    with decimal.localcontext(_CTX):
        return Decimal(numerator) / Decimal(denominator)


# --- choosing the unit period: Appendix J (b)(4) ------------------------------------------------


def _classify(d1: date, d2: date, anchor_day: int | None) -> UnitPeriod | None:
    """The interval from d1 to d2 as a unit period, or ``None`` when it exceeds a year."""
    months, days = _months_back(d1, d2, anchor_day)
    if days == 0 and 1 <= months <= 12:
        return UnitPeriod(Unit.MONTH, months)
    span = (d2 - d1).days
    if span > 365 or span <= 0:
        return None
    if span % 7 == 0 and span <= 364:
        return UnitPeriod(Unit.WEEK, span // 7)
    if 13 <= span <= 17:
        return UnitPeriod(Unit.SEMIMONTH)
    return UnitPeriod(Unit.DAY, span)


_STANDARD: Final = (
    UnitPeriod(Unit.DAY),
    *(UnitPeriod(Unit.WEEK, n) for n in range(1, 53)),
    UnitPeriod(Unit.SEMIMONTH),
    *(UnitPeriod(Unit.MONTH, n) for n in range(1, 12)),
    UnitPeriod(Unit.YEAR),
)


def _nearest_standard(average_days: Decimal) -> UnitPeriod:
    """(b)(4)(i)(B): the standard interval nearest the average period; at the midpoint, the lower."""
    ranked = sorted(_STANDARD, key=lambda u: (abs(u.approx_days - average_days), u.approx_days))
    return ranked[0]


def _intervals(start: date, dates: Sequence[date]) -> list[tuple[date, date]]:
    later = sorted(d for d in set(dates) if d > start)
    return list(zip([start, *later], later, strict=False))


def _series_anchor(dates: Sequence[date]) -> int | None:
    return max((d.day for d in dates), default=None)


def choose_unit_period(start: date, advances: Sequence[date], payments: Sequence[date]) -> UnitPeriod:
    """Choose the unit period by Appendix J (b)(4).

    (ii) one advance and one payment: the term itself, at most a year (whole months → that many
    months; otherwise that many days). (i) otherwise: the common period (one that occurs more than
    once) that occurs most often, the smaller on a tie (A); with no common period, the standard
    interval nearest the average period, the lower at the midpoint (B). Periods run between
    advances, between payments, and from the start of the term to the first of each (b)(3)(i).
    A 14-day period inside a semimonthly series counts as a semimonth, not as two weeks.
    """
    anchor = _series_anchor(payments)
    if len(advances) == 1 and len(payments) == 1:
        return _single_payment_unit(start, payments[0], anchor)
    spans = _intervals(start, payments) + _intervals(start, advances)
    kinds = [_classify(d1, d2, anchor) for d1, d2 in spans]
    counts = Counter(kind for kind in kinds if kind is not None)
    semimonth, two_weeks = UnitPeriod(Unit.SEMIMONTH), UnitPeriod(Unit.WEEK, 2)
    if semimonth in counts and two_weeks in counts:
        counts[semimonth] += counts.pop(two_weeks)
    common = [(n, kind) for kind, n in counts.items() if n > 1]
    if common:
        return min(common, key=lambda item: (-item[0], item[1].approx_days))[1]
    if not spans:
        return UnitPeriod(Unit.MONTH)
    with decimal.localcontext(_CTX):
        average = Decimal(sum((d2 - d1).days for d1, d2 in spans)) / len(spans)
    return _nearest_standard(average)


def _single_payment_unit(start: date, paid: date, anchor: int | None) -> UnitPeriod:
    """(b)(4)(ii) with (b)(5)(vi)-(vii): the term, not exceeding one year."""
    months, days = _months_back(start, paid, anchor)
    if months >= 12:
        return UnitPeriod(Unit.YEAR)
    if days == 0 and months > 0:
        return UnitPeriod(Unit.MONTH, months)
    return UnitPeriod(Unit.DAY, max(1, (paid - start).days))


# --- solving the general equation: Appendix J (b)(8)-(9) ----------------------------------------


@dataclass(frozen=True, slots=True)
class Stream:
    """``count`` equal flows of ``amount`` at ``periods``, ``periods + 1``, … with one ``fraction``."""

    amount: Decimal
    periods: int
    fraction: Decimal
    count: int

    def flows(self) -> list[Flow]:
        """The individual flows of the stream."""
        return [Flow(self.amount, self.periods + k, self.fraction) for k in range(self.count)]


def streams_of(flows: Sequence[Flow], field: str = "payments") -> list[Stream]:
    """Group runs of equal amounts at consecutive whole periods with the same fraction.

    Validates as it goes (amount > 0, t >= 0, 0 <= f < 1); only a run's first flow needs checking.
    """
    out: list[Stream] = []
    amount, start, fraction, run = _ZERO, -2, _ZERO, 0
    for index, flow in enumerate(flows):
        value = flow.amount
        if flow.periods == start + run and (value is amount or value == amount) and flow.fraction == fraction:
            run += 1
            continue
        _check_flow(flow, f"{field}.{index}")
        if run:
            out.append(Stream(amount, start, fraction, run))
        amount, start, fraction, run = value, flow.periods, flow.fraction, 1
    if run:
        out.append(Stream(amount, start, fraction, run))
    return out


def _check_flow(flow: Flow, where: str) -> None:
    amount = flow.amount
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
        raise FinanceInputError(f"{where}.amount", "must be greater than zero")
    if isinstance(flow.periods, bool) or not isinstance(flow.periods, int) or flow.periods < 0:
        raise FinanceInputError(f"{where}.periods", "must be a whole number >= 0")
    if not isinstance(flow.fraction, Decimal) or not 0 <= flow.fraction < 1:
        raise FinanceInputError(f"{where}.fraction", "must be >= 0 and < 1")


class _Budget:
    """Counts the terms of the equation the solver evaluates and stops it at MAX_TERM_EVALUATIONS."""

    __slots__ = ("left",)

    def __init__(self) -> None:
        self.left = MAX_TERM_EVALUATIONS

    def spend(self, terms: int) -> None:
        self.left -= terms
        if self.left < 0:
            raise WorkLimitError("payments", MAX_TERM_EVALUATIONS, "evaluations of a flow (flows x iterations)")


def _value(streams: Sequence[Stream], i: Decimal) -> tuple[Decimal, Decimal]:
    """Present value of the streams at unit-period rate ``i`` and its derivative d/di.

    A stream of m equal amounts a at t0, t0+1, … with fraction f is worth
    ``a · v^t0 · (1 - v^m)/(1 - v) / (1 + f·i)`` with ``v = 1/(1+i)``; the derivative comes from
    the logarithmic derivative ``-t0·v - f/(1+f·i) + m·v^(m+1)/(1-v^m) - v/i``.
    """
    v = _ONE / (_ONE + i)
    total = _ZERO
    slope = _ZERO
    for stream in streams:
        t0, fraction, run = stream.periods, stream.fraction, stream.count
        simple = _ONE + fraction * i
        pv = stream.amount * v**t0 / simple
        log_slope = -t0 * v - fraction / simple
        if run > 1:
            vm = v**run
            pv *= (_ONE - vm) / (i * v)
            log_slope += run * vm * v / (_ONE - vm) - v / i
        total += pv
        slope += pv * log_slope
    return total, slope


class _Equation:
    """The general equation (b)(8), payments less advances, as a function of ``i``; every evaluation is
    charged to the budget."""

    __slots__ = ("advances", "budget", "payments", "terms")

    def __init__(self, advances: Sequence[Stream], payments: Sequence[Stream]) -> None:
        self.advances = advances
        self.payments = payments
        self.terms = len(advances) + len(payments)
        self.budget = _Budget()

    def __call__(self, i: Decimal) -> tuple[Decimal, Decimal]:
        self.budget.spend(self.terms)
        paid, paid_slope = _value(self.payments, i)
        lent, lent_slope = _value(self.advances, i)
        return paid - lent, paid_slope - lent_slope


def _total(streams: Sequence[Stream]) -> Decimal:
    return sum((s.amount * s.count for s in streams), _ZERO)


def _time_weight(streams: Sequence[Stream]) -> Decimal:
    """Σ amount * (t + f) over the flows of the streams."""
    return sum(
        (s.amount * (s.count * (s.periods + s.fraction) + s.count * (s.count - 1) // 2) for s in streams),
        _ZERO,
    )


def _first_guess(advances: Sequence[Stream], payments: Sequence[Stream]) -> Decimal:
    """First-order root of the general equation: (Σ payments - Σ advances) / Σ amount·time."""
    excess = _total(payments) - _total(advances)
    weight = _time_weight(payments) - _time_weight(advances)
    if weight <= 0 or excess <= 0:
        return Decimal("0.01")
    return excess / weight


def _float_value(streams: Sequence[tuple[float, int, float, int]], i: float) -> tuple[float, float]:
    v = 1.0 / (1.0 + i)
    total = slope = 0.0
    for amount, t0, fraction, run in streams:
        simple = 1.0 + fraction * i
        pv = amount * v**t0 / simple
        log_slope = -t0 * v - fraction / simple
        if run > 1:
            vm = v**run
            pv *= (1.0 - vm) / (i * v)
            log_slope += run * vm * v / (1.0 - vm) - v / i
        total += pv
        slope += pv * log_slope
    return total, slope


def _float_guess(equation: _Equation, guess: Decimal) -> Decimal:
    """A starting point for the Decimal iteration, found by a few binary-float Newton steps.

    Only the starting point: the Decimal iteration that follows decides every digit of the
    result, so a poor float guess costs iterations, never accuracy. Returns ``guess`` unchanged
    when the float iteration misbehaves. At most 30 iterations, so at most 30 * MAX_FLOWS float terms.
    """
    # One list: payments count positive and advances negative, so one pass gives the equation's value.
    flows = [(float(s.amount), s.periods, float(s.fraction), s.count) for s in equation.payments]
    flows += [(-float(s.amount), s.periods, float(s.fraction), s.count) for s in equation.advances]
    i = float(guess)
    try:
        for _ in range(30):
            value, slope = _float_value(flows, i)
            if slope >= 0:
                return guess
            step = value / slope
            i -= step
            if not 0 < i < float(_MAX_UNIT_RATE):
                return guess
            # Quadratic convergence: after a step this small the error is far below float's resolution,
            # and one more step settles its last digits (waiting for a step of 1e-15 meets rounding noise).
            if abs(step) <= 1e-12 * i:
                value, slope = _float_value(flows, i)
                i -= value / slope
                return Decimal(repr(i)) if 0 < i < float(_MAX_UNIT_RATE) else guess
    except (OverflowError, ZeroDivisionError):
        return guess
    return guess


def _newton(equation: _Equation, guess: Decimal) -> Decimal | None:
    """Newton's method; stops once a step is below 1e-16, since convergence is quadratic: the
    error left after such a step is (1e-16)^2 times the ratio G''/2G' (about the duration in unit
    periods, a few hundred at most), i.e. below 1e-29 of a unit period."""
    i = guess
    for _ in range(60):
        if i <= 0 or i > _MAX_UNIT_RATE:
            return None
        value, slope = equation(i)
        if slope >= 0:
            return None
        step = value / slope
        i -= step
        if abs(step) <= _LAST_STEP:
            return i if i > 0 else None
    return None


def _bisect(equation: _Equation) -> Decimal:
    """Bracketing fallback: the equation is positive at 0 (payments exceed advances)."""
    low, high = _ZERO, Decimal("0.01")
    while equation(high)[0] > 0:
        low, high = high, high * 2
        if high > _MAX_UNIT_RATE:
            raise FinanceInputError("payments", "the payments never amortize the advances")
    for _ in range(400):
        middle = (low + high) / 2
        if equation(middle)[0] > 0:
            low = middle
        else:
            high = middle
        if high - low <= _TOLERANCE:
            break
    return (low + high) / 2


def solve_unit_rate(advances: Sequence[Stream], payments: Sequence[Stream], guess: Decimal | None = None) -> Decimal:
    """Solve the general equation (b)(8) for the unit-period rate ``i`` (Newton, then bisection).

    Requires Σ payments ≥ Σ advances; returns exactly 0 when they are equal. Raises ``WorkLimitError``
    when the solver would evaluate more than MAX_TERM_EVALUATIONS terms.
    """
    with decimal.localcontext(_CTX):
        total_paid = _total(payments)
        total_lent = _total(advances)
        if total_paid < total_lent:
            raise FinanceInputError("payments", "the payments are less than the advances")
        if total_paid == total_lent:
            return _ZERO
        equation = _Equation(advances, payments)
        start = guess if guess is not None and guess > 0 else _first_guess(advances, payments)
        solved = _newton(equation, _float_guess(equation, start))
        return solved if solved is not None else _bisect(equation)


# --- public entry points ------------------------------------------------------------------------


def apr_from_streams(
    advances: Sequence[Stream],
    payments: Sequence[Stream],
    unit_period: UnitPeriod,
    guess: Decimal | None = None,
) -> AprResult:
    """APR (percent) of placed flows: unit-period rate * unit periods per year (b)(1)."""
    if not advances:
        raise FinanceInputError("advances", "at least one advance is required")
    if not payments:
        raise FinanceInputError("payments", "at least one payment is required")
    if sum(s.count for s in advances) + sum(s.count for s in payments) > MAX_FLOWS:
        raise FinanceInputError("payments", f"at most {MAX_FLOWS} flows in total")
    rate = solve_unit_rate(advances, payments, guess)
    with decimal.localcontext(_CTX):
        apr = rate * unit_period.per_year * _HUNDRED
    return AprResult(apr, rate, unit_period, tuple(advances), tuple(payments))


def apr_from_flows(
    advances: Sequence[Flow], payments: Sequence[Flow], unit_period: UnitPeriod, guess: Decimal | None = None
) -> AprResult:
    """APR (percent) of flows already placed in unit periods (t, f), e.g. from Appendix J tables."""
    if len(advances) + len(payments) > MAX_FLOWS:
        raise FinanceInputError("payments", f"at most {MAX_FLOWS} flows in total")
    return apr_from_streams(streams_of(advances, "advances"), streams_of(payments, "payments"), unit_period, guess)


def apr_from_dates(
    advances: Sequence[DatedFlow], payments: Sequence[DatedFlow], unit_period: UnitPeriod | None = None
) -> AprResult:
    """APR (percent) of dated flows; the term starts at the earliest advance (b)(2).

    The unit period is chosen by (b)(4) unless given; each date is placed by (b)(5).
    """
    if not advances:
        raise FinanceInputError("advances", "at least one advance is required")
    if not payments:
        raise FinanceInputError("payments", "at least one payment is required")
    start = min(a.on for a in advances)
    for index, payment in enumerate(payments):
        if payment.on < start:
            raise FinanceInputError(f"payments.{index}.on", "is before the first advance")
    pay_dates = [p.on for p in payments]
    unit = unit_period or choose_unit_period(start, [a.on for a in advances], pay_dates)
    anchor = _series_anchor(pay_dates)
    placed_adv = [_with_amount(place(start, a.on, unit, anchor), a.amount) for a in advances]
    placed_pay = [_with_amount(place(start, p.on, unit, anchor), p.amount) for p in payments]
    return apr_from_flows(placed_adv, placed_pay, unit)


def _with_amount(flow: Flow, amount: Decimal) -> Flow:
    return Flow(amount, flow.periods, flow.fraction)


def is_regular(advances: Sequence[Stream], payments: Sequence[Stream]) -> bool:
    """Regular transaction, 1026.22(a)(2): one advance, payments equal in amount and evenly spaced,
    except for an odd first period and an odd first or final payment (anything else is irregular,
    (a)(3))."""
    if len(advances) != 1 or advances[0].count != 1:
        return False
    ordered = sorted(payments, key=lambda s: (s.periods, s.fraction))
    fraction = ordered[0].fraction
    expected = ordered[0].periods
    for stream in ordered:
        if stream.fraction != fraction or stream.periods != expected:
            return False
        expected += stream.count
    inner = list(ordered)
    if len(inner) > 1 and inner[0].count == 1:
        inner.pop(0)
    if len(inner) > 1 and inner[-1].count == 1:
        inner.pop()
    return len(inner) <= 1


def apr_within_tolerance(disclosed: Decimal, computed: Decimal, *, regular: bool = True) -> bool:
    """Whether a disclosed APR is accurate per 1026.22(a)(2)-(3): within 1/8 of a percentage point
    of the actuarial APR for a regular transaction, 1/4 point for an irregular one."""
    limit = Decimal("0.125") if regular else Decimal("0.25")
    return abs(disclosed - computed) <= limit
