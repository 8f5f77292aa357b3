"""Servicing worked examples: the waterfall, overpayments, payoff, reversal, write-off, daily interest."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from loan_engine.finance.accrual import accrual_basis, interest_on_basis
from loan_engine.finance.allocation import AllocationRules, Component, Installment, OverpaymentRule, allocate
from loan_engine.finance.daycount import DayCount
from loan_engine.finance.errors import FinanceInputError
from loan_engine.finance.money import RoundingMode, currency
from loan_engine.finance.replay import (
    Event,
    EventKind,
    LoanContract,
    LoanState,
    LoanStatus,
    apply,
    book,
    order_key,
    payoff_quote,
    post,
    ranked_after,
    replay,
)
from loan_engine.finance.terms import InterestMethod, LoanTerms, OddDaysInterest
from loan_engine.products.schemas import OverpaymentRule as ProductOverpayment
from loan_engine.products.schemas import PaymentComponent

D = Decimal
START = date(2026, 1, 15)
FEES_FIRST = AllocationRules(
    (Component.FEES, Component.INTEREST, Component.PRINCIPAL),
    (Component.INTEREST, Component.PRINCIPAL, Component.FEES),
    OverpaymentRule.REDUCE_TERM,
)


def contract(
    *,
    method: InterestMethod = InterestMethod.PERIODIC,
    overpayment: OverpaymentRule = OverpaymentRule.REDUCE_TERM,
    day_count: DayCount = DayCount.THIRTY_360_US,
) -> LoanContract:
    """1,200.00 at 12 % over 12 months: 1 % a month, level payment 106.62, first interest 12.00."""
    terms = LoanTerms(
        principal=D("1200.00"),
        annual_rate=D("0.12"),
        term=12,
        start_date=START,
        interest_method=method,
        day_count=day_count,
    )
    return LoanContract(terms, replace(FEES_FIRST, overpayment=overpayment), returned_payment_fee=D("25.00"))


def active(c: LoanContract) -> LoanState:
    state, _ = apply(c, book(c), Event(EventKind.DISBURSEMENT, START, c.net_proceeds, 0))
    return state


def pay(c: LoanContract, state: LoanState, on: date, amount: str, seq: int = 1) -> LoanState:
    new, effect = apply(c, state, Event(EventKind.PAYMENT, on, D(amount), seq))
    assert effect.split.total == D(amount)
    return new


def test_the_wire_names_are_the_products() -> None:
    assert {c.value for c in Component} == {c.value for c in PaymentComponent}
    assert {r.value for r in OverpaymentRule} == {r.value for r in ProductOverpayment}
    rules = AllocationRules(("fees", "interest", "principal"), ("interest", "principal", "fees"), "reduce-payment")  # type: ignore[arg-type]
    assert rules.past_due[0] is Component.FEES
    assert rules.overpayment is OverpaymentRule.REDUCE_PAYMENT


def test_a_waterfall_must_name_every_component_once() -> None:
    with pytest.raises(FinanceInputError, match="past_due"):
        AllocationRules(
            (Component.FEES, Component.FEES, Component.PRINCIPAL), FEES_FIRST.current, OverpaymentRule.REDUCE_TERM
        )


def test_booking_gives_the_quote_schedule_and_disbursement_activates() -> None:
    c = contract()
    approved = book(c)
    assert approved.status is LoanStatus.APPROVED
    assert approved.principal_outstanding == 0
    assert [(r.due_date, r.principal_due, r.interest_due) for r in approved.installments] == [
        (r.due_date, r.principal, r.interest) for r in c.schedule.installments()
    ]
    state = active(c)
    assert state.status is LoanStatus.ACTIVE
    assert state.principal_outstanding == D("1200.00")
    assert state.installments[0].due == D("106.62")


def test_a_partial_payment_leaves_the_installment_partly_paid() -> None:
    c = contract()
    state = pay(c, active(c), date(2026, 2, 15), "50.00")
    first = state.installments[0]
    assert (first.interest_paid, first.principal_paid) == (D("12.00"), D("38.00"))
    assert first.outstanding == D("56.62")
    assert state.principal_outstanding == D("1162.00")
    assert state.interest_outstanding == D("0.00")


def test_past_due_first_then_current_in_their_orders() -> None:
    c = contract()
    state, charged = apply(c, active(c), Event(EventKind.FEE_CHARGE, date(2026, 2, 20), D("15.00"), 1))
    assert charged.fee_charged == D("15.00")
    # Installment 1 (due 15 Feb) is unpaid; the late fee sits on installment 2 (due 15 Mar), the current one on 1 Mar.
    state, effect = apply(c, state, Event(EventKind.PAYMENT, date(2026, 3, 1), D("150.00"), 2))
    first, second = state.installments[:2]
    assert first.is_paid  # 12.00 interest + 94.62 principal
    # 43.38 left for the current installment, interest first (11.05 = 1% of 1,105.38), then principal, then fees.
    assert (second.interest_paid, second.principal_paid, second.fees_paid) == (D("11.05"), D("32.33"), D("0.00"))
    assert effect.split.interest == D("23.05")
    assert effect.split.principal == D("126.95")
    assert effect.split.fees == D("0.00")
    assert state.fees_outstanding == D("15.00")


def test_a_past_due_fee_is_paid_before_interest() -> None:
    c = contract()
    state, _ = apply(c, active(c), Event(EventKind.FEE_CHARGE, date(2026, 2, 10), D("15.00"), 1))
    state, effect = apply(c, state, Event(EventKind.PAYMENT, date(2026, 2, 20), D("20.00"), 2))
    assert (effect.split.fees, effect.split.interest, effect.split.principal) == (D("15.00"), D("5.00"), D("0.00"))


def test_overpayment_reduce_term_keeps_the_payment_and_shortens_the_loan() -> None:
    c = contract(overpayment=OverpaymentRule.REDUCE_TERM)
    state = pay(c, active(c), date(2026, 2, 15), "606.62")
    # 500.00 beyond installment 1 goes to principal: 1,200.00 - 94.62 - 500.00 = 605.38 over the fewest
    # months whose payment is at most 106.62: 6 (104.46; 5 would need 124.73).
    assert state.principal_outstanding == D("605.38")
    assert len(state.installments) == 7
    assert state.installments[1].due == D("104.46")
    assert sum(r.principal_due for r in state.installments[1:]) == D("605.38")


def test_overpayment_reduce_payment_keeps_the_term_and_lowers_the_payment() -> None:
    c = contract(overpayment=OverpaymentRule.REDUCE_PAYMENT)
    state = pay(c, active(c), date(2026, 2, 15), "606.62")
    assert len(state.installments) == 12
    assert state.installments[1].due == D("58.39")  # 605.38 over 11 months at 1 %: 605.38 / 10.3676
    assert [r.due_date for r in state.installments] == [r.due_date for r in c.schedule.installments()]
    term = contract(overpayment=OverpaymentRule.REDUCE_TERM)
    shorter = pay(term, active(term), date(2026, 2, 15), "606.62")
    assert sum(r.interest_due for r in shorter.installments) < sum(r.interest_due for r in state.installments)


def test_payoff_quote_paid_on_its_date_closes_the_loan() -> None:
    c = contract()
    state = pay(c, active(c), date(2026, 2, 15), "106.62")
    quote = payoff_quote(c, state, date(2026, 3, 1))
    # 1,105.38 principal + 16 of 30 days of March's 11.05 interest (5.89), per diem 1,105.38 * 12 % / 360.
    assert (quote.principal.amount, quote.accrued_interest.amount, quote.total.amount) == (
        D("1105.38"),
        D("5.89"),
        D("1111.27"),
    )
    assert quote.per_diem.amount == D("0.37")
    closed = pay(c, state, date(2026, 3, 1), str(quote.total.amount), seq=2)
    assert closed.status is LoanStatus.PAID_OFF
    assert (closed.total_outstanding, closed.credit_balance) == (D(0), D(0))


def test_paying_more_than_the_payoff_leaves_a_credit_balance_to_refund() -> None:
    c = contract()
    quote = payoff_quote(c, active(c), date(2026, 1, 25))
    state = pay(c, active(c), date(2026, 1, 25), str(quote.total.amount + 10))
    assert state.status is LoanStatus.OVERPAID
    assert state.credit_balance == D("10.00")
    state, effect = apply(c, state, Event(EventKind.REFUND, date(2026, 1, 30), D("10.00"), 2))
    assert state.status is LoanStatus.PAID_OFF
    assert effect.split.excess == D("10.00")
    with pytest.raises(FinanceInputError, match="refund"):
        apply(c, state, Event(EventKind.REFUND, date(2026, 1, 31), D("1.00"), 3))


def test_a_reversal_restores_the_state_and_charges_the_returned_payment_fee() -> None:
    c = contract()
    disbursed = Event(EventKind.DISBURSEMENT, START, c.net_proceeds, 0)
    paid = Event(EventKind.PAYMENT, date(2026, 2, 15), D("106.62"), 1)
    later = Event(EventKind.PAYMENT, date(2026, 3, 15), D("106.62"), 2)
    returned = Event(EventKind.PAYMENT_REVERSAL, date(2026, 2, 20), D("106.62"), 3, reverses=1)
    state, effects = replay(c, [disbursed, paid, later, returned])
    without, _ = replay(c, [disbursed, later])
    fee = Event(EventKind.FEE_CHARGE, date(2026, 2, 20), D("25.00"), 3)
    with_fee, _ = replay(c, [disbursed, later, fee])
    assert state == with_fee
    assert state.fees_outstanding == without.fees_outstanding + D("25.00")
    by_seq = {e.seq: e for e in effects}
    assert by_seq[3].split == by_seq[1].split
    assert by_seq[3].fee_charged == D("25.00")
    # The later payment now pays the past-due installment 1 instead of installment 2.
    assert state.installments[0].is_paid
    assert not state.installments[1].is_paid


def test_post_applies_in_order_and_replays_backdated_events() -> None:
    c = contract()
    history = [Event(EventKind.DISBURSEMENT, START, c.net_proceeds, 0)]
    state = active(c)
    first = post(c, state, history, Event(EventKind.PAYMENT, date(2026, 3, 15), D("106.62"), 1))
    assert not first.replayed
    history.append(Event(EventKind.PAYMENT, date(2026, 3, 15), D("106.62"), 1))
    backdated = Event(EventKind.PAYMENT, date(2026, 2, 15), D("106.62"), 2)
    second = post(c, first.state, history, backdated)
    assert second.replayed
    assert [e.seq for e in second.effects] == [0, 2, 1]
    with pytest.raises(FinanceInputError, match="replay"):
        apply(c, first.state, backdated)


def test_write_off_then_recovery() -> None:
    c = contract()
    state = pay(c, active(c), date(2026, 2, 15), "106.62")
    state, effect = apply(c, state, Event(EventKind.WRITE_OFF, date(2026, 6, 1), D(0), 2))
    # Installments 2-4 (15 Mar - 15 May) have fallen due: their interest is owed and written off with the principal.
    owed = sum((r.interest_due for r in state.installments[1:4]), D(0))
    assert (effect.split.principal, effect.split.interest, effect.split.fees) == (D("1105.38"), owed, D("0.00"))
    assert owed == D("30.28")  # 11.05 + 10.10 + 9.13 on 1,105.38, 1,009.81, 913.29
    assert state.status is LoanStatus.CHARGED_OFF
    assert state.written_off == D("1105.38") + owed
    assert state.total_outstanding == 0
    state, effect = apply(c, state, Event(EventKind.RECOVERY, date(2026, 7, 1), D("300.00"), 3))
    assert state.recovered == D("300.00")
    assert effect.split.excess == D("300.00")
    with pytest.raises(FinanceInputError, match="payment"):
        apply(c, state, Event(EventKind.PAYMENT, date(2026, 7, 2), D("1.00"), 4))


def test_waivers_forgive_interest_and_fees() -> None:
    c = contract()
    state, _ = apply(c, active(c), Event(EventKind.FEE_CHARGE, date(2026, 2, 1), D("15.00"), 1))
    state, _ = apply(c, state, Event(EventKind.FEE_WAIVER, date(2026, 2, 2), D("15.00"), 2))
    assert state.fees_outstanding == 0
    state, effect = apply(c, state, Event(EventKind.INTEREST_WAIVER, date(2026, 2, 16), D("2.00"), 3))
    assert state.interest_outstanding == D("10.00")
    assert effect.accrued == D("12.00")  # installment 1 fell due on 15 Feb
    with pytest.raises(FinanceInputError, match="exceeds"):
        apply(c, state, Event(EventKind.INTEREST_WAIVER, date(2026, 2, 17), D("10.01"), 4))


def test_daily_interest_paying_early_costs_less_than_paying_late() -> None:
    c = contract(method=InterestMethod.DAILY, day_count=DayCount.ACTUAL_365_FIXED)
    payment = c.schedule.regular_payment.amount
    assert payment == D("106.59")
    early, paid_early = apply(c, active(c), Event(EventKind.PAYMENT, date(2026, 2, 5), payment, 1))
    late, paid_late = apply(c, active(c), Event(EventKind.PAYMENT, date(2026, 2, 25), payment, 1))
    # 5 Feb: 21 days' interest, 1,200.00 * 12 % * 21 / 365 = 8.28; the rest repays principal (3.95 of it
    # beyond installment 1's 94.36, re-amortized).
    assert (paid_early.split.interest, paid_early.split.principal) == (D("8.28"), D("98.31"))
    # 25 Feb: installment 1 is past due with its 31 days (12.23); 10 more days (3.95) accrue on installment 2.
    assert (paid_late.split.interest, paid_late.split.principal) == (D("12.23"), D("94.36"))
    assert late.installments[1].interest_due == D("3.95")
    assert payoff_quote(c, early, date(2026, 3, 15)).total < payoff_quote(c, late, date(2026, 3, 15)).total


def test_daily_interest_accrues_on_the_outstanding_principal_by_the_day_count() -> None:
    c = contract(method=InterestMethod.DAILY, day_count=DayCount.ACTUAL_365_FIXED)
    quote = payoff_quote(c, active(c), date(2026, 2, 5))
    assert quote.accrued_interest.amount == D("8.28")  # 1,200.00 * 0.12 * 21 / 365 = 8.2849...
    assert quote.total.amount == D("1208.28")


def test_the_daily_formula_does_not_depend_on_how_the_period_is_cut() -> None:
    usd, mode = currency("USD"), RoundingMode.HALF_UP
    whole = accrual_basis(D("1000.00"), date(2026, 1, 1), date(2026, 1, 31), DayCount.ACTUAL_365_FIXED)
    nightly = sum(
        (
            accrual_basis(D("1000.00"), date(2026, 1, day), date(2026, 1, day + 1), DayCount.ACTUAL_365_FIXED)
            for day in range(1, 31)
        ),
        D(0),
    )
    assert whole == nightly == D("30000.00")
    assert interest_on_basis(whole, D("0.05"), DayCount.ACTUAL_365_FIXED, usd, mode) == D("4.11")


def test_allocate_alone_splits_every_cent() -> None:
    rows = (
        Installment(1, date(2026, 2, 1), D("90.00"), D("10.00"), D("5.00")),
        Installment(2, date(2026, 3, 1), D("91.00"), D("9.00"), D("0.00")),
    )
    new, split = allocate(rows, D("250.00"), date(2026, 2, 15), FEES_FIRST)
    assert all(r.is_paid for r in new)
    assert (split.principal, split.interest, split.fees, split.excess) == (
        D("181.00"),
        D("19.00"),
        D("5.00"),
        D("45.00"),
    )
    assert split.total == D("250.00")


def test_a_backdated_payment_on_a_daily_loan_lowers_the_interest_after_it() -> None:
    c = contract(method=InterestMethod.DAILY, day_count=DayCount.ACTUAL_365_FIXED)
    disbursed = Event(EventKind.DISBURSEMENT, START, c.net_proceeds, 0)
    later = Event(EventKind.PAYMENT, date(2026, 3, 15), D("106.59"), 1)
    without, _ = replay(c, [disbursed, later])
    backdated = Event(EventKind.PAYMENT, date(2026, 2, 15), D("106.59"), 2)
    posted = post(c, without, [disbursed, later], backdated)
    assert posted.replayed
    by_seq = {e.seq: e for e in posted.effects}
    # Paid on 15 Feb, installment 1's 12.23 is settled and February's interest runs on 1,105.64: 10.18.
    assert by_seq[2].split.interest == D("12.23")
    assert by_seq[1].split.interest == D("10.18")
    assert posted.state.principal_outstanding < without.principal_outstanding


def test_a_returned_payment_on_a_daily_loan_puts_its_interest_back() -> None:
    c = contract(method=InterestMethod.DAILY, day_count=DayCount.ACTUAL_365_FIXED)
    disbursed = Event(EventKind.DISBURSEMENT, START, c.net_proceeds, 0)
    paid = Event(EventKind.PAYMENT, date(2026, 2, 15), D("106.59"), 1)
    returned = Event(EventKind.PAYMENT_REVERSAL, date(2026, 2, 18), D("106.59"), 2, reverses=1)
    state, effects = replay(c, [disbursed, paid, returned])
    # Three days after the due date: 31 days of interest on 1,200.00 (12.23) plus 3 on the same (1.18).
    assert state.principal_outstanding == D("1200.00")
    assert state.interest_outstanding == D("13.41")
    assert state.fees_outstanding == D("25.00")
    assert sum((e.accrued for e in effects), D(0)) == D("13.41")


@pytest.mark.parametrize(
    ("events", "field"),
    [
        ([Event(EventKind.PAYMENT, START, D("10.00"), 1)], "kind"),
        ([Event(EventKind.DISBURSEMENT, START, D("1199.00"), 1)], "amount"),
        ([Event(EventKind.DISBURSEMENT, date(2026, 1, 16), D("1200.00"), 1)], "value_date"),
        (
            [
                Event(EventKind.DISBURSEMENT, START, D("1200.00"), 0),
                Event(EventKind.FEE_CHARGE, date(2026, 2, 1), D("5.00"), 1),
                Event(EventKind.PAYMENT_REVERSAL, date(2026, 2, 2), D("5.00"), 2, reverses=1),
            ],
            "reverses",
        ),
        (
            [
                Event(EventKind.DISBURSEMENT, START, D("1200.00"), 0),
                Event(EventKind.PAYMENT, date(2026, 2, 1), D("5.00"), 0),
            ],
            "seq",
        ),
        (
            [
                Event(EventKind.DISBURSEMENT, START, D("1200.00"), 0),
                Event(EventKind.PAYMENT, date(2026, 2, 1), D("5.001"), 1),
            ],
            "amount",
        ),
        (
            [
                Event(EventKind.DISBURSEMENT, START, D("1200.00"), 0),
                Event(EventKind.PAYMENT, date(2026, 2, 1), D("5.00"), 1),
                Event(EventKind.PAYMENT_REVERSAL, date(2026, 1, 31), D("5.00"), 2, reverses=1),
            ],
            "reverses",
        ),
    ],
)
def test_impossible_histories_are_refused_naming_the_field(events: list[Event], field: str) -> None:
    with pytest.raises(FinanceInputError) as raised:
        replay(contract(), events)
    assert raised.value.field == field


def test_an_event_refuses_an_amount_that_does_not_fit_its_kind() -> None:
    with pytest.raises(FinanceInputError, match="must be 0"):
        Event(EventKind.WRITE_OFF, START, D("1.00"), 1)
    with pytest.raises(FinanceInputError, match="greater than zero"):
        Event(EventKind.PAYMENT, START, D("0.00"), 1)
    with pytest.raises(FinanceInputError, match="reverses"):
        Event(EventKind.PAYMENT_REVERSAL, START, D("1.00"), 1)
    with pytest.raises(TypeError):
        Event(EventKind.PAYMENT, START, 1.5, 1)  # type: ignore[arg-type]


def test_cancellation_before_disbursement() -> None:
    c = contract()
    state, _ = apply(c, book(c), Event(EventKind.CANCELLATION, START, D(0), 1))
    assert state.status is LoanStatus.CANCELLED
    assert state.total_outstanding == 0
    with pytest.raises(FinanceInputError, match="kind"):
        apply(c, state, Event(EventKind.DISBURSEMENT, START, c.net_proceeds, 2))


def test_prepaid_odd_days_interest_is_not_accrued_again_on_a_daily_loan() -> None:
    terms = LoanTerms(
        principal=D("1200.00"),
        annual_rate=D("0.12"),
        term=12,
        start_date=START,
        first_payment_date=date(2026, 3, 1),
        interest_method=InterestMethod.DAILY,
        day_count=DayCount.ACTUAL_365_FIXED,
        odd_days_interest=OddDaysInterest.PREPAID,
    )
    c = LoanContract(terms, FEES_FIRST)
    # 15 Jan - 1 Feb (17 days) is prepaid at closing: 1,200.00 * 12 % * 17 / 365 = 6.71, withheld.
    assert c.schedule.prepaid_interest.amount == D("6.71")
    assert c.net_proceeds == D("1193.29")
    state = active(c)
    assert payoff_quote(c, state, date(2026, 2, 1)).accrued_interest.amount == D("0.00")
    assert payoff_quote(c, state, date(2026, 2, 11)).accrued_interest.amount == D("3.95")  # 10 days


def test_a_payment_on_the_day_of_disbursement_pays_no_daily_interest() -> None:
    c = contract(method=InterestMethod.DAILY, day_count=DayCount.ACTUAL_365_FIXED)
    state, effect = apply(c, active(c), Event(EventKind.PAYMENT, START, D("100.00"), 1))
    assert (effect.split.interest, effect.split.principal) == (D("0.00"), D("100.00"))
    assert state.principal_outstanding == D("1100.00")
    assert payoff_quote(c, active(c), START).total.amount == D("1200.00")


def _any_event(kind: EventKind, day: date, seq: int) -> Event:
    """A valid event of ``kind`` (some kinds carry no amount, a reversal names what it reverses)."""
    reverses = 1 if kind is EventKind.PAYMENT_REVERSAL else None
    try:
        return Event(kind, day, D("1.00"), seq, reverses)
    except FinanceInputError:
        return Event(kind, day, D("0"), seq, reverses)


def test_ranked_after_names_exactly_the_kinds_a_same_day_event_replays_before() -> None:
    day = date(2026, 3, 1)
    for kind in EventKind:
        mine = _any_event(kind, day, 3)
        for other in EventKind:
            already = _any_event(other, day, 2)
            assert (order_key(already) > order_key(mine)) == (other in ranked_after(kind))
    assert EventKind.PAYMENT_REVERSAL in ranked_after(EventKind.PAYMENT)
    assert EventKind.FEE_CHARGE not in ranked_after(EventKind.PAYMENT)
