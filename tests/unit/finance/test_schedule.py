"""Schedules: published payments, hand-checkable odd-period cases, and an independent peer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from amortization.schedule import amortization_schedule

from loan_engine.finance.calendar import parse_frequency
from loan_engine.finance.daycount import DayCount
from loan_engine.finance.errors import FinanceInputError
from loan_engine.finance.money import Money, RoundingMode, currency
from loan_engine.finance.schedule import build_schedule
from loan_engine.finance.terms import Amortization, Fee, InterestMethod, LoanTerms, OddDaysInterest

D = Decimal


def usd(amount: str | int) -> Money:
    return Money.of(amount, "USD")


START = date(2025, 1, 1)


def terms(**overrides: object) -> LoanTerms:
    base: dict[str, object] = {
        "principal": D(200000),
        "annual_rate": D("0.065"),
        "term": 360,
        "start_date": START,
    }
    base.update(overrides)
    return LoanTerms(**base)  # type: ignore[arg-type]


def test_standard_mortgage_payment_200k_6_5_percent_30_years() -> None:
    schedule = build_schedule(terms())
    assert schedule.regular_payment == usd("1264.14")
    assert schedule.payments[0] == D("1264.14")
    assert schedule.interest[0] == D("1083.33")  # 200,000 * 0.065 / 12 = 1,083.333...
    assert schedule.principal[0] == D("180.81")
    assert schedule.balances[0] == D("199819.19")


def test_250k_schedule_matches_the_reference_figures() -> None:
    schedule = build_schedule(terms(principal=D(250000)))
    assert schedule.regular_payment == usd("1580.17")
    assert schedule.payments[-1] == D("1580.55")  # the last installment absorbs the residual
    assert schedule.total_interest == usd("318861.58")


@pytest.mark.parametrize(("principal", "rate", "n"), [(250000, "0.065", 360), (18500, "0.0799", 60)])
def test_agrees_with_the_amortization_package_to_the_cent(principal: int, rate: str, n: int) -> None:
    ours = build_schedule(terms(principal=D(principal), annual_rate=D(rate), term=n))
    peer = list(amortization_schedule(principal, float(rate), n))
    cent = D("0.01")
    for k, row in enumerate(peer):
        assert ours.interest[k] == D(repr(row.interest)).quantize(cent), k
        assert ours.payments[k] == D(repr(row.amount)).quantize(cent), k
        assert ours.balances[k] == D(repr(row.balance)).quantize(cent), k


def test_exact_ties_round_like_exact_arithmetic() -> None:
    # One month on 1,212.00 at 6.5 %: 1212 * 0.065 / 12 = 6.565 exactly, a tie at the half cent.
    # A 28-digit rate (0.00541666...67) would make it 6.56500...04 and round it up under half-even.
    even = build_schedule(terms(principal=D("1212.00"), term=1, rounding=RoundingMode.HALF_EVEN))
    assert even.interest[0] == D("6.56")
    up = build_schedule(terms(principal=D("1212.00"), term=1, rounding=RoundingMode.HALF_UP))
    assert up.interest[0] == D("6.57")


def test_level_principal() -> None:
    schedule = build_schedule(terms(principal=D(1200), annual_rate=D("0.12"), term=12, amortization="level-principal"))
    assert schedule.principal == (D(100),) * 12
    assert schedule.interest[0] == D("12.00")  # 1,200 * 1 %
    assert schedule.interest[1] == D("11.00")  # 1,100 * 1 %
    assert schedule.payments[-1] == D("101.00")


def test_interest_only_with_balloon() -> None:
    schedule = build_schedule(terms(principal=D(100000), annual_rate=D("0.06"), term=60, amortization="interest-only"))
    assert set(schedule.payments[:-1]) == {D("500.00")}
    assert schedule.payments[-1] == D("100500.00")
    assert schedule.principal[-1] == D(100000)


def test_balloon_with_longer_amortization_term() -> None:
    # Payment of a 30-year loan, balance due after 7 years.
    schedule = build_schedule(
        terms(principal=D(200000), term=84, amortization=Amortization.BALLOON, amortization_term=360)
    )
    assert schedule.regular_payment == usd("1264.14")
    assert len(schedule) == 84
    assert schedule.principal[-1] > D(170000)
    assert schedule.balances[-1] == 0


def test_balloon_with_stated_balloon_amount() -> None:
    schedule = build_schedule(
        terms(principal=D(100000), annual_rate=D("0.06"), term=60, amortization="balloon", balloon_amount=D(50000))
    )
    # The installment leaves about 50,000 owed; the last one pays it plus a month's interest.
    assert abs(schedule.principal[-1] - D(50000)) < schedule.regular_payment.amount
    assert schedule.total_principal == usd(100000)


def test_long_odd_first_period_adds_odd_days_interest_to_the_first_installment() -> None:
    # Start 15 Jan, first payment 1 Mar: regular period 1 Feb - 1 Mar, 16 odd days (30/360: 15 Jan->1 Feb).
    schedule = build_schedule(terms(start_date=date(2025, 1, 15), first_payment_date=date(2025, 3, 1)))
    odd = D("577.78")  # 200,000 * 0.065 * 16/360 = 577.777...
    assert schedule.payments[0] == D("1264.14") + odd
    assert schedule.interest[0] == D("1083.33") + odd
    assert not schedule.prepaid_interest


def test_long_odd_first_period_as_prepaid_interest() -> None:
    schedule = build_schedule(
        terms(
            start_date=date(2025, 1, 15),
            first_payment_date=date(2025, 3, 1),
            odd_days_interest=OddDaysInterest.PREPAID,
        )
    )
    assert schedule.prepaid_interest == usd("577.78")
    assert schedule.payments[0] == D("1264.14")


def test_short_odd_first_period_reduces_the_first_installment() -> None:
    # Start 20 Jan, first payment 15 Feb: regular period starts 15 Jan, 5 days before the start.
    schedule = build_schedule(terms(start_date=date(2025, 1, 20), first_payment_date=date(2025, 2, 15)))
    assert schedule.payments[0] == D("1264.14") - D("180.56")  # 200,000 * 0.065 * 5/360 = 180.555...


def test_daily_interest_uses_the_days_between_due_dates() -> None:
    schedule = build_schedule(
        terms(
            principal=D(10000),
            annual_rate=D("0.0730"),
            term=12,
            interest_method=InterestMethod.DAILY,
            day_count=DayCount.ACTUAL_365_FIXED,
        )
    )
    # February 2025 has 28 days: interest for 1 Feb -> 1 Mar is balance * 0.073 * 28/365.
    balance_after_first = schedule.balances[0]
    expected = (balance_after_first * D("0.073") * 28 / 365).quantize(D("0.01"))
    assert schedule.interest[1] == expected
    assert schedule.interest[0] == D("62.00")  # 10,000 * 0.073 * 31/365 = 62.00 (January)


def test_zero_rate() -> None:
    schedule = build_schedule(terms(principal=D(1000), annual_rate=D(0), term=3))
    assert schedule.payments == (D("333.33"), D("333.33"), D("333.34"))
    assert schedule.total_interest == usd(0)


def test_currency_without_minor_unit() -> None:
    schedule = build_schedule(terms(principal=D(1000000), annual_rate=D("0.015"), term=12, currency=currency("JPY")))
    assert all(p == p.to_integral_value() for p in schedule.payments)
    assert schedule.total_principal == Money.of(1000000, "JPY")


def test_three_decimal_currency() -> None:
    schedule = build_schedule(terms(principal=D("1000.000"), annual_rate=D("0.05"), term=12, currency=currency("BHD")))
    assert schedule.interest[0] == D("4.167")  # 1000 * 0.05 / 12 = 4.1666...


def test_installment_rounded_up_to_whole_units() -> None:
    schedule = build_schedule(terms(installment_multiple=D(1), rounding=RoundingMode.UP))
    assert schedule.regular_payment == usd(1265)
    assert schedule.total_principal == usd(200000)
    assert schedule.payments[-1] < D(1265)  # paying a little more each month leaves less at the end


def test_fees_financed_are_added_to_the_loan_amount() -> None:
    financed = build_schedule(terms(fees=(Fee("origination", D(2000), financed=True),)))
    assert financed.total_principal == usd(202000)
    at_closing = build_schedule(terms(fees=(Fee("origination", D(2000)),)))
    assert at_closing.total_principal == usd(200000)


def test_weekly_and_semimonthly_schedules_end_at_zero() -> None:
    for name in ("weekly", "biweekly", "semimonthly", "quarterly", "every-10-days"):
        schedule = build_schedule(terms(principal=D(5000), term=26, frequency=parse_frequency(name)))
        assert schedule.balances[-1] == 0
        assert schedule.total_principal == usd(5000)


def test_rows_are_numbered_from_one_with_due_dates() -> None:
    rows = list(build_schedule(terms(term=3, principal=D(3000))).installments())
    assert [r.number for r in rows] == [1, 2, 3]
    assert [r.due_date for r in rows] == [date(2025, 2, 1), date(2025, 3, 1), date(2025, 4, 1)]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"principal": D(0)}, "principal"),
        ({"principal": D("-5")}, "principal"),
        ({"principal": D("100.001")}, "principal"),
        ({"annual_rate": D("1.01")}, "annual_rate"),
        ({"annual_rate": D("-0.01")}, "annual_rate"),
        ({"term": 0}, "term"),
        ({"term": 1201}, "term"),
        ({"first_payment_date": date(2024, 12, 31)}, "first_payment_date"),
        ({"balloon_amount": D(100)}, "balloon_amount"),
        ({"amortization": Amortization.BALLOON}, "balloon_amount"),
        ({"amortization": Amortization.BALLOON, "amortization_term": 100}, "amortization_term"),
        ({"fees": (Fee("x", D(200000)),)}, "fees"),
        ({"fees": (Fee("x", D(0)),)}, "fees.0.amount"),
        ({"installment_multiple": D("0.001")}, "installment_multiple"),
    ],
)
def test_invalid_terms_name_the_field(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(FinanceInputError) as info:
        terms(**overrides)
    assert info.value.field == field


def test_float_principal_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        terms(principal=200000.0)


def test_an_installment_that_never_amortizes_is_rejected() -> None:
    # ~30 % a year for 284 annual installments rounded to 0.05: the rounding shortfall compounds
    # 1.3^284 (about 10^32) times, so the balance grows instead of falling.
    loan = terms(
        principal=D("2135.94"),
        annual_rate=D("0.29973"),
        term=284,
        frequency=parse_frequency("annual"),
        interest_method=InterestMethod.DAILY,
        rounding=RoundingMode.HALF_EVEN,
        installment_multiple=D("0.05"),
    )
    with pytest.raises(FinanceInputError) as info:
        build_schedule(loan)
    assert info.value.field == "term"
