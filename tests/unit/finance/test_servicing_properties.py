"""Invariants of servicing over generated loans and histories (hypothesis)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from loan_engine.finance.allocation import AllocationRules, Component, OverpaymentRule
from loan_engine.finance.daycount import DayCount
from loan_engine.finance.errors import FinanceInputError
from loan_engine.finance.replay import (
    Effect,
    Event,
    EventKind,
    LoanContract,
    LoanState,
    LoanStatus,
    apply,
    book,
    payoff_quote,
    post,
    replay,
)
from loan_engine.finance.schedule import build_schedule
from loan_engine.finance.terms import Amortization, InterestMethod, LoanTerms

PROFILE = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
D = Decimal
START = date(2026, 1, 10)
cents = st.integers(min_value=1, max_value=400_00).map(lambda c: Decimal(c).scaleb(-2))
orders = st.permutations(list(Component)).map(tuple)


@st.composite
def contracts(draw: st.DrawFn) -> LoanContract:
    terms = LoanTerms(
        principal=Decimal(draw(st.integers(min_value=500_00, max_value=20_000_00))).scaleb(-2),
        annual_rate=Decimal(draw(st.integers(min_value=0, max_value=3000))).scaleb(-4),
        term=draw(st.integers(min_value=2, max_value=24)),
        start_date=START,
        amortization=draw(
            st.sampled_from([Amortization.LEVEL_PAYMENT, Amortization.LEVEL_PRINCIPAL, Amortization.INTEREST_ONLY])
        ),
        interest_method=draw(st.sampled_from(list(InterestMethod))),
        day_count=draw(st.sampled_from(list(DayCount))),
    )
    rules = AllocationRules(draw(orders), draw(orders), draw(st.sampled_from(list(OverpaymentRule))))
    return LoanContract(terms, rules, returned_payment_fee=draw(st.sampled_from([D("0.00"), D("25.00")])))


@st.composite
def histories(draw: st.DrawFn, c: LoanContract) -> list[Event]:
    """A disbursement first, then payments, fees, waivers and reversals in a random arrival order."""
    days = st.integers(min_value=0, max_value=31 * c.terms.term + 60).map(lambda n: START + timedelta(days=n))
    regular = max(c.schedule.regular_payment.amount, D("1.00"))  # interest-only at 0 %: 0.00
    amounts = st.one_of(cents, st.sampled_from([regular, regular * 2, regular * 5]))
    events = [Event(EventKind.DISBURSEMENT, START, c.net_proceeds, 0)]
    for seq in range(1, draw(st.integers(min_value=1, max_value=14)) + 1):
        kind = draw(st.sampled_from([EventKind.PAYMENT] * 4 + [EventKind.FEE_CHARGE, EventKind.INTEREST_WAIVER]))
        amount = (
            draw(amounts) if kind is EventKind.PAYMENT else draw(st.sampled_from([D("0.01"), D("1.00"), D("15.00")]))
        )
        events.append(Event(kind, draw(days), amount, seq))
    payments = [e for e in events if e.kind is EventKind.PAYMENT]
    for payment in draw(st.lists(st.sampled_from(payments), unique=True, max_size=2)) if payments else []:
        later = payment.value_date + timedelta(days=draw(st.integers(min_value=0, max_value=40)))
        events.append(Event(EventKind.PAYMENT_REVERSAL, later, payment.amount, len(events), reverses=payment.seq))
    return events


def post_in_arrival_order(c: LoanContract, events: Sequence[Event]) -> tuple[LoanState, tuple[Effect, ...]]:
    """Post one event at a time, as a service would: apply when it comes last, replay when backdated."""
    state = book(c)
    history: list[Event] = []
    effects: tuple[Effect, ...] = ()
    for event in sorted(events, key=lambda e: e.seq):
        posted = post(c, state, history, event)
        state = posted.state
        history.append(event)
        effects = posted.effects if posted.replayed else (*effects, *posted.effects)
    return state, effects


def valid(c: LoanContract, events: Sequence[Event]) -> tuple[LoanState, tuple[Effect, ...]]:
    try:
        return post_in_arrival_order(c, events)
    except FinanceInputError:
        assume(False)
        raise


@PROFILE
@given(data=st.data(), c=contracts())
def test_arrival_order_does_not_change_the_outcome(data: st.DataObject, c: LoanContract) -> None:
    events = data.draw(histories(c))
    posted = valid(c, events)
    shuffled = data.draw(st.permutations(events))
    assert replay(c, shuffled) == posted
    assert replay(c, sorted(events, key=lambda e: (e.value_date, e.seq))) == posted


def _sum(effects: Sequence[Effect], kinds: set[EventKind], part: str) -> Decimal:
    return sum((getattr(e.split, part) for e in effects if e.kind in kinds), D(0))


@PROFILE
@given(data=st.data(), c=contracts())
def test_every_cent_is_in_exactly_one_place(data: st.DataObject, c: LoanContract) -> None:
    events = data.draw(histories(c))
    state, effects = valid(c, events)
    amounts = {e.seq: e.amount for e in events}
    for effect in effects:
        if effect.kind is EventKind.PAYMENT:
            assert effect.split.total == amounts[effect.seq]
        for part in (effect.split.principal, effect.split.interest, effect.split.fees, effect.split.excess):
            assert part >= 0
            assert part == part.quantize(c.terms.currency.quantum)
    pay, rev = {EventKind.PAYMENT}, {EventKind.PAYMENT_REVERSAL}
    lent = _sum(effects, {EventKind.DISBURSEMENT}, "principal")
    assert state.principal_outstanding == lent - _sum(effects, pay, "principal") + _sum(effects, rev, "principal")
    accrued = sum((e.accrued for e in effects), D(0))
    waived = _sum(effects, {EventKind.INTEREST_WAIVER}, "interest")
    assert (
        state.interest_outstanding == accrued - _sum(effects, pay, "interest") + _sum(effects, rev, "interest") - waived
    )
    charged = sum((e.fee_charged for e in effects), D(0))
    assert state.fees_outstanding == charged - _sum(effects, pay, "fees") + _sum(effects, rev, "fees")
    assert state.credit_balance == _sum(effects, pay, "excess") - _sum(effects, rev, "excess")
    rows = state.installments
    assert state.principal_outstanding == sum((r.principal_outstanding for r in rows), D(0))
    assert state.fees_outstanding == sum((r.fees_outstanding for r in rows), D(0))
    assert all(r.principal_paid <= r.principal_due and r.interest_paid <= r.interest_due for r in rows)


@PROFILE
@given(data=st.data(), c=contracts())
def test_the_payoff_quote_paid_on_its_date_closes_the_loan(data: st.DataObject, c: LoanContract) -> None:
    state, _ = valid(c, data.draw(histories(c)))
    assume(state.status is LoanStatus.ACTIVE)
    on = state.last_value_date + timedelta(days=data.draw(st.integers(min_value=0, max_value=400)))
    quote = payoff_quote(c, state, on)
    assert quote.total.amount == quote.principal.amount + quote.accrued_interest.amount + quote.fees.amount
    closed, effect = apply(c, state, Event(EventKind.PAYMENT, on, quote.total.amount, 10_000))
    assert closed.status is LoanStatus.PAID_OFF
    assert closed.total_outstanding == 0
    assert closed.credit_balance == 0
    assert effect.split.excess == 0
    assert all(row.is_paid for row in closed.installments)
    if quote.total.amount > c.terms.currency.quantum:
        short, _ = apply(c, state, Event(EventKind.PAYMENT, on, quote.total.amount - c.terms.currency.quantum, 10_000))
        assert short.status is LoanStatus.ACTIVE


@PROFILE
@given(c=contracts())
def test_the_booked_schedule_is_the_quote_schedule(c: LoanContract) -> None:
    quote = build_schedule(c.terms)
    booked = book(c).installments
    assert [(r.number, r.due_date, r.principal_due, r.interest_due, r.fees_due) for r in booked] == [
        (r.number, r.due_date, r.principal, r.interest, r.fees) for r in quote.installments()
    ]
    assert sum((r.principal_due for r in booked), D(0)) == c.terms.loan_amount
