from __future__ import annotations

from datetime import date
from decimal import Decimal

from loan_engine.finance.calendar import parse_frequency
from loan_engine.finance.disclosure import disclose, runs
from loan_engine.finance.money import Money
from loan_engine.finance.schedule import build_schedule
from loan_engine.finance.terms import Fee, LoanTerms, OddDaysInterest

D = Decimal


def usd(amount: str | int) -> Money:
    return Money.of(amount, "USD")


def loan(**overrides: object) -> LoanTerms:
    base: dict[str, object] = {
        "principal": D(250000),
        "annual_rate": D("0.065"),
        "term": 360,
        "start_date": date(2025, 1, 1),
    }
    base.update(overrides)
    return LoanTerms(**base)  # type: ignore[arg-type]


def test_fee_paid_at_closing_reduces_the_amount_financed() -> None:
    box = disclose(build_schedule(loan(fees=(Fee("origination", D(3000)),))))
    assert box.amount_financed == usd(247000)
    assert box.total_of_payments == usd("568861.58")  # 359 x 1,580.17 + 1,580.55
    assert box.finance_charge == usd("321861.58")  # interest 318,861.58 + fee 3,000
    assert box.amount_financed + box.finance_charge == box.total_of_payments
    assert box.apr.quantize(D("0.0001")) == D("6.6164")


def test_financed_fee_is_a_finance_charge_inside_the_note() -> None:
    box = disclose(build_schedule(loan(fees=(Fee("origination", D(3000), financed=True),))))
    assert box.amount_financed == usd(250000)
    assert box.prepaid_finance_charge == usd(3000)
    assert box.apr > D("6.6")


def test_no_fees_apr_is_the_note_rate() -> None:
    box = disclose(build_schedule(loan()))
    assert abs(box.apr - D("6.5")) < D("0.0001")
    assert box.apr_detail.regular


def test_prepaid_interest_is_a_prepaid_finance_charge() -> None:
    # Start 10 Apr, first payment 1 Jun: 21 odd days (10 Apr -> 1 May) by 30/360 and by the calendar.
    terms = loan(
        start_date=date(2025, 4, 10),
        first_payment_date=date(2025, 6, 1),
        odd_days_interest=OddDaysInterest.PREPAID,
    )
    box = disclose(build_schedule(terms))
    prepaid = usd("947.92")  # 250,000 * 0.065 * 21/360 = 947.916...
    assert box.prepaid_finance_charge == prepaid
    assert box.amount_financed == usd(250000) - prepaid
    # Interest for the odd days at the note rate, simple interest as in Appendix J (b)(5): the APR
    # stays the note rate.
    assert abs(box.apr - D("6.5")) < D("0.001")


def test_odd_days_counted_by_30_360_but_placed_by_actual_days() -> None:
    # Start 15 Jan, first payment 1 Mar: 30/360 charges 16 odd days, Appendix J places the first
    # payment 1 month + 17 actual days / 30 after the start, so the APR is a little under 6.5 %.
    terms = loan(start_date=date(2025, 1, 15), first_payment_date=date(2025, 3, 1))
    box = disclose(build_schedule(terms))
    assert box.apr_detail.payment_streams[0].fraction * 30 == 17
    assert D("6.49") < box.apr < D("6.5")


def test_short_loans_choose_the_unit_period_from_the_dates() -> None:
    one = disclose(build_schedule(loan(principal=D(1000), term=1)))
    assert abs(one.apr - D("6.5")) < D("0.01")
    two = disclose(build_schedule(loan(principal=D(1000), term=2, first_payment_date=date(2025, 2, 15))))
    assert two.finance_charge > usd(0)


def test_semimonthly_apr_counts_fifteen_day_semimonths() -> None:
    # 1st and 16th for two years: regular by Appendix J, APR within 1/8 point of the note rate.
    terms = loan(principal=D(20000), term=48, frequency=parse_frequency("semimonthly"))
    box = disclose(build_schedule(terms))
    assert box.apr_detail.unit_period.unit.value == "semimonth"
    assert box.apr_detail.regular
    assert abs(box.apr - D("6.5")) < D("0.125")


def test_installment_runs_are_found_by_value_even_when_not_contiguous() -> None:
    a, b = D("10.00"), D("12.00")
    # Equal values in separate objects form one run; a value that comes back starts a new one.
    assert runs((a, D("10.00"), b, a, D(0), a)) == [(0, 2), (2, 1), (3, 1), (4, 1), (5, 1)]
    assert runs((a,)) == [(0, 1)]


ORIGINATION = Fee("origination", D(3000))


def test_a_fee_that_is_not_a_finance_charge_paid_at_closing_changes_nothing_in_the_box() -> None:
    # Reg Z 1026.4(c)(7): an appraisal fee on a real-estate loan is not a finance charge.
    appraisal = Fee("appraisal", D(500), finance_charge=False)
    box = disclose(build_schedule(loan(fees=(ORIGINATION, appraisal))))
    assert box == disclose(build_schedule(loan(fees=(ORIGINATION,))))
    assert box.amount_financed == usd(247000)
    assert box.finance_charge == usd("321861.58")
    assert box.apr.quantize(D("0.0001")) == D("6.6164")


def test_a_financed_fee_that_is_not_a_finance_charge_is_lent_but_not_charged() -> None:
    # Worked example of docs/LOAN_MATH.md §6: the appraisal is added to the loan (250,500 repaid by
    # 359 x 1,583.33 + 1,583.88 = 569,999.35) and to the amount financed (1026.18(b)(2)); only the
    # origination fee is a prepaid finance charge.
    appraisal = Fee("appraisal", D(500), financed=True, finance_charge=False)
    schedule = build_schedule(loan(fees=(ORIGINATION, appraisal)))
    box = disclose(schedule)
    assert schedule.total_principal == usd(250500)
    assert schedule.regular_payment == usd("1583.33")
    assert box.total_of_payments == usd("569999.35")
    assert box.prepaid_finance_charge == usd(3000)
    assert box.amount_financed == usd(247500)  # 250,500 - 3,000
    assert box.finance_charge == usd("322499.35")  # interest 319,499.35 + origination 3,000
    assert box.apr.quantize(D("0.0001")) == D("6.6162")
    # The same appraisal as a finance charge: the amount financed falls by it and the APR rises.
    charged = disclose(build_schedule(loan(fees=(ORIGINATION, Fee("appraisal", D(500), financed=True)))))
    assert charged.amount_financed == usd(247000)
    assert charged.finance_charge == usd("322999.35")
    assert charged.apr.quantize(D("0.0001")) == D("6.6358")
