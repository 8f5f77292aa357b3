"""Regulation Z Appendix J: the worked examples of paragraph (c), unit periods, and edge cases.

Provenance of the example figures (inputs and printed APRs, two decimals): the official text of
Appendix J (c) could not be read here (the stored eCFR, CFPB, FDIC and Cornell pages stop before (c),
whose examples the CFR prints as page images). The (c)(1)-(c)(5)(i) rows are those of the test suite
of FSharp.Finance.Personal (tests/AprUsActuarialTests.fs); a second, independent transcription of the
2024 CFR PDF (govinfo, CFR-2024-title12-vol9-part1026-appJ) gives the same amounts, t, f and APRs for
all of them and the (c)(5)(ii)-(c)(6)(ii) rows below, and solving the (b)(8) equation by hand from
the inputs gives each printed APR. Check against the PDF when it can be reached.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from loan_engine.finance.apr import (
    MAX_FLOWS,
    MAX_TERM_EVALUATIONS,
    DatedFlow,
    Flow,
    Unit,
    UnitPeriod,
    apr_from_dates,
    apr_from_flows,
    apr_within_tolerance,
    choose_unit_period,
    place,
)
from loan_engine.finance.calendar import add_months
from loan_engine.finance.errors import FinanceInputError, WorkLimitError

D = Decimal

TWO_PLACES = D("0.01")


def monthly(first: date, n: int, step: int = 1) -> list[date]:
    return [add_months(first, k * step) for k in range(n)]


def weekly(first: date, n: int, step: int = 1) -> list[date]:
    return [first + timedelta(days=7 * step * k) for k in range(n)]


def semimonthly_1st_16th(first: date, n: int) -> list[date]:
    return [add_months(first, k // 2).replace(day=1 if k % 2 == 0 else 16) for k in range(n)]


def flows(*groups: tuple[str, list[date]]) -> list[DatedFlow]:
    return [DatedFlow(D(amount), on) for amount, dates in groups for on in dates]


APPENDIX_J_C = [
    # (c)(1) single advance, with or without an odd first period, otherwise regular
    ("(c)(1)(i) monthly", "5000", date(1978, 1, 10), flows(("230", monthly(date(1978, 2, 10), 24))), "9.69"),
    (
        "(c)(1)(ii) monthly, long first",
        "6000",
        date(1978, 2, 10),
        flows(("200", monthly(date(1978, 4, 1), 36))),
        "11.82",
    ),
    (
        "(c)(1)(iii) semimonthly, short first",
        "5000",
        date(1978, 2, 23),
        flows(("219.17", semimonthly_1st_16th(date(1978, 3, 1), 24))),
        "10.34",
    ),
    (
        "(c)(1)(iv) quarterly, long first",
        "10000",
        date(1978, 5, 23),
        flows(("385", monthly(date(1978, 10, 1), 40, 3))),
        "8.97",
    ),
    (
        "(c)(1)(v) weekly, long first",
        "500",
        date(1978, 3, 20),
        flows(("17.60", weekly(date(1978, 4, 21), 30))),
        "14.96",
    ),
    # (c)(2) odd first payment
    (
        "(c)(2)(i) monthly, odd first payment",
        "5000",
        date(1978, 1, 10),
        flows(("250", [date(1978, 2, 10)]), ("230", monthly(date(1978, 3, 10), 23))),
        "10.08",
    ),
    (
        "(c)(2)(ii) every 4 weeks, long first, odd first payment",
        "400",
        date(1978, 3, 18),
        flows(("39.50", [date(1978, 4, 20)]), ("38.31", weekly(date(1978, 5, 18), 11, 4))),
        "28.50",
    ),
    # (c)(3) odd final payment
    (
        "(c)(3)(i) monthly, odd final payment",
        "5000",
        date(1978, 1, 10),
        flows(("230", monthly(date(1978, 2, 10), 23)), ("280", [date(1980, 1, 10)])),
        "10.50",
    ),
    (
        "(c)(3)(ii) every 2 weeks, short first, odd final payment",
        "200",
        date(1978, 4, 3),
        flows(("9.50", weekly(date(1978, 4, 11), 19, 2)), ("30", [date(1978, 4, 11) + timedelta(days=266)])),
        "12.22",
    ),
    # (c)(4) odd first and final payments
    (
        "(c)(4)(i) monthly, odd first and final payments",
        "5000",
        date(1978, 1, 10),
        flows(("250", [date(1978, 2, 10)]), ("230", monthly(date(1978, 3, 10), 22)), ("280", [date(1980, 1, 10)])),
        "10.90",
    ),
    (
        "(c)(4)(ii) every 2 months, short first, odd first and final payments",
        "8000",
        date(1978, 1, 10),
        flows(("449.36", [date(1978, 3, 1)]), ("465", monthly(date(1978, 5, 1), 18, 2)), ("200", [date(1981, 5, 1)])),
        "7.30",
    ),
    # (c)(5) single advance, single payment, term under a year measured in days
    ("(c)(5)(i) single payment", "1000", date(1978, 1, 3), flows(("1080", [date(1978, 9, 15)])), "11.45"),
]


@pytest.mark.parametrize(
    ("label", "advance", "on", "payments", "printed"), APPENDIX_J_C, ids=[c[0] for c in APPENDIX_J_C]
)
def test_appendix_j_worked_examples(
    label: str, advance: str, on: date, payments: list[DatedFlow], printed: str
) -> None:
    result = apr_from_dates([DatedFlow(D(advance), on)], payments)
    assert result.apr.quantize(TWO_PLACES) == D(printed), label
    assert result.regular  # every (c)(1)-(c)(5) example is a regular transaction


def run(amount: str, count: int, first: int, fraction: Decimal) -> list[Flow]:
    """``count`` equal payments one unit period apart, the first at ``first`` periods + ``fraction``."""
    return [Flow(D(amount), first + k, fraction) for k in range(count)]


# (c)(5)(ii)-(iv) and (c)(6), stated in Appendix J's own terms: unit period, t and f.
APPENDIX_J_PLACED = [
    ("(c)(5)(ii) 6 months", "1000", run("1044", 1, 1, D(0)), UnitPeriod(Unit.MONTH, 6), "8.80"),
    ("(c)(5)(iii) 18 months", "1000", run("1135.19", 1, 1, D(6) / D(12)), UnitPeriod(Unit.YEAR), "8.76"),
    ("(c)(5)(iv) 2 years", "1000", run("1240", 1, 2, D(0)), UnitPeriod(Unit.YEAR), "11.36"),
    (
        "(c)(6)(i) skipped payments, every 4 weeks",
        "2135",
        run("100", 9, 0, D(26) / D(28))
        + run("100", 6, 10, D(12) / D(28))
        + run("100", 6, 16, D(26) / D(28))
        + run("100", 3, 23, D(12) / D(28)),
        UnitPeriod(Unit.WEEK, 4),
        "12.00",
    ),
    (
        "(c)(6)(ii) skipped and single payments, monthly",
        "7350",
        run("1000", 3, 6, D(12) / D(30))
        + run("2000", 1, 12, D(12) / D(30))
        + run("750", 3, 18, D(12) / D(30))
        + run("1000", 1, 22, D(29) / D(30)),
        UnitPeriod(Unit.MONTH),
        "10.22",
    ),
]


@pytest.mark.parametrize(
    ("label", "advance", "payments", "unit", "printed"), APPENDIX_J_PLACED, ids=[c[0] for c in APPENDIX_J_PLACED]
)
def test_appendix_j_examples_given_as_periods_and_fractions(
    label: str, advance: str, payments: list[Flow], unit: UnitPeriod, printed: str
) -> None:
    result = apr_from_flows([Flow(D(advance), 0)], payments, unit)
    assert result.apr.quantize(TWO_PLACES) == D(printed), label


def test_example_c1_ii_places_the_long_first_period_as_t_1_f_19_30() -> None:
    # 10 Feb -> 1 Apr: one whole month back from 1 Apr (1 Mar), then 19 days (10 Feb -> 1 Mar) / 30.
    placed = place(date(1978, 2, 10), date(1978, 4, 1), UnitPeriod(Unit.MONTH))
    assert placed.periods == 1
    assert placed.fraction * 30 == pytest.approx(19)


def test_example_c1_iv_quarterly_fraction_is_39_of_90_days() -> None:
    placed = place(date(1978, 5, 23), date(1978, 10, 1), UnitPeriod(Unit.MONTH, 3))
    assert placed.periods == 1
    assert placed.fraction * 90 == pytest.approx(39)


def test_example_c5_i_unit_period_is_the_term_in_days() -> None:
    unit = choose_unit_period(date(1978, 1, 3), [date(1978, 1, 3)], [date(1978, 9, 15)])
    assert unit == UnitPeriod(Unit.DAY, 255)
    # One unit period of 255 days, 365/255 per year: APR = 8 % * 365 / 255 = 11.4510 %
    result = apr_from_dates([DatedFlow(D(1000), date(1978, 1, 3))], [DatedFlow(D(1080), date(1978, 9, 15))])
    assert result.apr.quantize(D("0.0001")) == D("11.4510")


def test_single_payment_after_whole_months_uses_that_many_months() -> None:
    unit = choose_unit_period(date(2024, 1, 15), [date(2024, 1, 15)], [date(2024, 7, 15)])
    assert unit == UnitPeriod(Unit.MONTH, 6)
    assert unit.per_year == 2
    long_term = choose_unit_period(date(2024, 1, 15), [date(2024, 1, 15)], [date(2026, 3, 1)])
    assert long_term == UnitPeriod(Unit.YEAR)


def test_no_common_period_takes_the_nearest_standard_interval_to_the_average() -> None:
    start = date(2024, 1, 1)
    # Periods of 20 and 40 days average 30 days: nearest standard interval is a month (30.42 days).
    unit = choose_unit_period(start, [start], [date(2024, 1, 21), date(2024, 3, 1)])
    assert unit == UnitPeriod(Unit.MONTH)


def test_equal_frequency_common_periods_take_the_smaller() -> None:
    start = date(2024, 1, 1)
    payments = [date(2024, 1, 8), date(2024, 1, 15), date(2024, 2, 15), date(2024, 3, 15)]
    # periods: 7, 7 days (week x2) and two whole months (month x2): tie -> the week
    assert choose_unit_period(start, [start], payments) == UnitPeriod(Unit.WEEK)


def test_period_and_fraction_inputs_match_the_dated_form() -> None:
    # (c)(1)(ii) given directly as Appendix J t and f.
    advances = [Flow(D(6000), 0)]
    payments = [Flow(D(200), 1 + k, D(19) / D(30)) for k in range(36)]
    result = apr_from_flows(advances, payments, UnitPeriod(Unit.MONTH))
    assert result.apr.quantize(TWO_PLACES) == D("11.82")


def test_level_payment_apr_matches_the_reference_to_ten_places() -> None:
    # 247,000 financed, 360 payments of 1,580.17: 6.6164380522 % (12 x monthly IRR).
    result = apr_from_flows(
        [Flow(D(247000), 0)], [Flow(D("1580.17"), k) for k in range(1, 361)], UnitPeriod(Unit.MONTH)
    )
    assert result.apr.quantize(D("1e-10")) == D("6.6164380522")


def test_multiple_advances_recover_the_rate_that_built_the_flows() -> None:
    # Two advances (1,000 at t=0 and 1,000 at t=6) repaid by 12 payments at 1 % a month. The
    # payment P solves 1000 + 1000/1.01^6 = P * (1 - 1.01^-12) / 0.01; the APR must be 12 %.
    rate = D("0.01")
    present = D(1000) + D(1000) / (1 + rate) ** 6
    payment = present * rate / (1 - (1 + rate) ** -12)
    result = apr_from_flows(
        [Flow(D(1000), 0), Flow(D(1000), 6)],
        [Flow(payment, k) for k in range(1, 13)],
        UnitPeriod(Unit.MONTH),
    )
    assert abs(result.apr - D(12)) < D("1e-20")
    assert not result.regular  # multiple advances make the transaction irregular


def test_zero_finance_charge_gives_zero_apr() -> None:
    result = apr_from_flows([Flow(D(1200), 0)], [Flow(D(100), k) for k in range(1, 13)], UnitPeriod(Unit.MONTH))
    assert result.apr == 0


@pytest.mark.parametrize(
    ("advances", "payments", "field"),
    [
        ([], [Flow(D(1), 1)], "advances"),
        ([Flow(D(100), 0)], [], "payments"),
        ([Flow(D(100), 0)], [Flow(D(50), 1)], "payments"),  # can never amortize
        ([Flow(D(0), 0)], [Flow(D(50), 1)], "advances.0.amount"),
        ([Flow(D(100), 0)], [Flow(D(60), 1), Flow(D(-60), 2)], "payments.1.amount"),
        ([Flow(D(100), 0)], [Flow(D(110), 1, D(1))], "payments.0.fraction"),
        ([Flow(D(100), 0)], [Flow(D(1), k) for k in range(1, 3000)], "payments"),
    ],
)
def test_invalid_flows_name_the_field(advances: list[Flow], payments: list[Flow], field: str) -> None:
    with pytest.raises(FinanceInputError) as info:
        apr_from_flows(advances, payments, UnitPeriod(Unit.MONTH))
    assert info.value.field == field


def test_payment_before_the_first_advance_is_rejected() -> None:
    with pytest.raises(FinanceInputError) as info:
        apr_from_dates([DatedFlow(D(100), date(2024, 2, 1))], [DatedFlow(D(110), date(2024, 1, 1))])
    assert info.value.field == "payments.0.on"


def test_tolerance_is_an_eighth_point_regular_and_a_quarter_irregular() -> None:
    assert apr_within_tolerance(D("9.81"), D("9.6857"))
    assert not apr_within_tolerance(D("9.82"), D("9.6857"))
    assert apr_within_tolerance(D("9.93"), D("9.6857"), regular=False)
    assert not apr_within_tolerance(D("9.94"), D("9.6857"), regular=False)


def test_unit_period_normalises_twelve_months_to_a_year() -> None:
    assert UnitPeriod(Unit.MONTH, 12) == UnitPeriod(Unit.YEAR)
    with pytest.raises(FinanceInputError):
        UnitPeriod(Unit.WEEK, 53)


def _newton_fails(n: int) -> tuple[list[Flow], list[Flow]]:
    """Payments at periods 1-3, most advances at 200-299: at the first guess the late advances make the
    equation's slope positive, so Newton's method gives up and bisection (about 110 evaluations) runs."""
    advances = [Flow(D(1000), 0)] + [Flow(D(3) + D(k) / 1000, 200 + k % 100) for k in range(n - 1)]
    lent = sum((flow.amount for flow in advances), D(0))
    payments = [Flow((lent * D("1.05") / n).quantize(D("0.0001")) + D(k) / 10000, 1 + k % 3) for k in range(n)]
    return advances, payments


def test_the_solver_stops_at_its_work_bound() -> None:
    # 2,400 distinct flows whose root only bisection finds: about 110 x 2,400 evaluations, past the bound.
    advances, payments = _newton_fails(1200)
    with pytest.raises(WorkLimitError) as info:
        apr_from_flows(advances, payments, UnitPeriod(Unit.MONTH))
    assert info.value.field == "payments"
    assert info.value.limit == MAX_TERM_EVALUATIONS


def test_bisection_still_answers_small_inputs() -> None:
    advances, payments = _newton_fails(20)
    result = apr_from_flows(advances, payments, UnitPeriod(Unit.MONTH))
    # The root balances the equation: present value of the payments equals that of the advances.
    i = result.unit_rate
    paid = sum((p.amount / (1 + i) ** p.periods for p in payments), D(0))
    lent = sum((a.amount / (1 + i) ** a.periods for a in advances), D(0))
    value = paid - lent
    assert abs(value) < D("1e-20")


def test_the_largest_request_newton_solves_is_within_the_bound() -> None:
    # One advance and 2,399 payments of distinct amounts: no two alike, so every flow is its own term.
    payments = [Flow(D(500) + D(k) / 100, k + 1) for k in range(MAX_FLOWS - 1)]
    result = apr_from_flows([Flow(D(250000), 0)], payments, UnitPeriod(Unit.MONTH))
    assert D(0) < result.apr < D(10)
    assert len(result.payment_streams) == MAX_FLOWS - 1
