"""Payoff figures checked by hand: 10,000 at 12 % over 12 months, 30/360, payment 888.49."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from loan_engine.finance.daycount import DayCount
from loan_engine.finance.errors import FinanceInputError
from loan_engine.finance.money import Money
from loan_engine.finance.payoff import Payment, payoff
from loan_engine.finance.schedule import Schedule, build_schedule
from loan_engine.finance.terms import LoanTerms

D = Decimal


def usd(amount: str | int) -> Money:
    return Money.of(amount, "USD")


@pytest.fixture
def schedule() -> Schedule:
    terms = LoanTerms(principal=D(10000), annual_rate=D("0.12"), term=12, start_date=date(2025, 1, 1))
    built = build_schedule(terms)
    assert built.regular_payment == usd("888.49")
    assert built.balances[0] == D("9211.51")
    return built


def test_payoff_mid_period_after_one_payment(schedule: Schedule) -> None:
    quote = payoff(schedule, date(2025, 2, 16), [Payment(date(2025, 2, 1), usd("888.49"))])
    assert quote.principal == usd("9211.51")
    assert quote.accrued_interest == usd("46.06")  # 9,211.51 * 0.12 * 15/360 = 46.0576
    assert quote.total == usd("9257.57")
    assert quote.per_diem == usd("3.07")  # 9,211.51 * 0.12 / 360 = 3.0705
    assert quote.installments_paid == 1


def test_payoff_before_any_payment_accrues_from_the_start(schedule: Schedule) -> None:
    quote = payoff(schedule, date(2025, 1, 11))
    assert quote.accrued_interest == usd("33.33")  # 10,000 * 0.12 * 10/360
    assert quote.total == usd("10033.33")


def test_partial_payment_is_credited(schedule: Schedule) -> None:
    quote = payoff(schedule, date(2025, 2, 16), [Payment(date(2025, 2, 1), usd(1000))])
    assert quote.credit == usd("111.51")
    assert quote.total == usd("9146.06")


def test_installment_paid_ahead_refunds_unearned_interest(schedule: Schedule) -> None:
    paid = [Payment(date(2025, 2, 1), usd("888.49")), Payment(date(2025, 2, 10), usd("888.49"))]
    quote = payoff(schedule, date(2025, 2, 16), paid)
    assert quote.principal == usd("8415.14")
    assert quote.accrued_interest == usd("-42.08")  # 8,415.14 * 0.12 * -15/360
    assert quote.total == usd("8373.06")


def test_payments_after_the_payoff_date_are_ignored_and_fees_added(schedule: Schedule) -> None:
    quote = payoff(schedule, date(2025, 1, 11), [Payment(date(2025, 2, 1), usd("888.49"))], fees_due=usd(25))
    assert quote.total == usd("10058.33")


def test_fully_paid_loan_owes_only_fees(schedule: Schedule) -> None:
    paid = [Payment(d, usd(str(p))) for d, p in zip(schedule.due_dates, schedule.payments, strict=True)]
    quote = payoff(schedule, date(2026, 2, 1), paid)
    assert quote.total == usd(0)
    assert quote.installments_paid == 12


def test_per_diem_uses_366_in_a_leap_year_for_actual_actual() -> None:
    terms = LoanTerms(
        principal=D(36600),
        annual_rate=D("0.10"),
        term=12,
        start_date=date(2024, 1, 1),
        day_count=DayCount.ACTUAL_ACTUAL_ISDA,
    )
    assert payoff(build_schedule(terms), date(2024, 1, 2)).per_diem == usd("10.00")


def test_payoff_before_start_is_rejected(schedule: Schedule) -> None:
    with pytest.raises(FinanceInputError) as info:
        payoff(schedule, date(2024, 12, 31))
    assert info.value.field == "on"
