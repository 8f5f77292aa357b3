"""Servicing benchmarks: replay of a loan's history, one payment on the fast path, a payoff quote.

    python bench/bench_servicing.py       # writes bench/results/servicing.json and prints a table

Each figure is the median (and best) over ``REPEATS`` timeit repeats of the per-call time, in
milliseconds. The history: a disbursement, 90 monthly payments (a few days early; every tenth 500.00
more than due, an overpayment that re-amortizes), 4 late fees, 3 returned payments and a fee
waiver: 99 events, about 7.5 years, on a 360-installment loan and on a 36-installment one, for
periodic and daily interest and both overpayment rules. No targets: the figures are for the reader.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import timeit
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from loan_engine.finance.allocation import AllocationRules, Component, OverpaymentRule
from loan_engine.finance.daycount import DayCount
from loan_engine.finance.replay import Event, EventKind, LoanContract, payoff_quote, post, replay
from loan_engine.finance.terms import InterestMethod, LoanTerms

REPEATS = 7
RESULTS = Path(__file__).resolve().parent / "results" / "servicing.json"
START = date(2026, 1, 1)
RULES = (Component.FEES, Component.INTEREST, Component.PRINCIPAL)


def contract(term: int, method: InterestMethod, rule: OverpaymentRule) -> LoanContract:
    principal = Decimal("250000.00") if term == 360 else Decimal("25000.00")
    terms = LoanTerms(
        principal=principal,
        annual_rate=Decimal("0.065"),
        term=term,
        start_date=START,
        interest_method=method,
        day_count=DayCount.ACTUAL_365_FIXED,
    )
    return LoanContract(terms, AllocationRules(RULES, RULES, rule), returned_payment_fee=Decimal("25.00"))


def history(c: LoanContract) -> list[Event]:
    regular = c.schedule.regular_payment.amount
    dues = c.schedule.due_dates
    months = min(90, len(dues) - 6)
    events = [Event(EventKind.DISBURSEMENT, START, c.net_proceeds, 0)]
    for k in range(months):
        extra = Decimal("500.00") if k % 10 == 0 else Decimal(0)
        events.append(Event(EventKind.PAYMENT, dues[k] - timedelta(days=k % 5), regular + extra, len(events)))
    for k in (5, 25, 45, 65):
        if k < months:
            events.append(Event(EventKind.FEE_CHARGE, dues[k] + timedelta(days=16), Decimal("15.00"), len(events)))
    for k in (3, 30, 60):
        if k < months:
            paid = events[k + 1]
            reversal = Event(
                EventKind.PAYMENT_REVERSAL, dues[k] + timedelta(days=3), paid.amount, len(events), paid.seq
            )
            events.append(reversal)
    events.append(Event(EventKind.FEE_WAIVER, dues[5] + timedelta(days=16), Decimal("15.00"), len(events)))
    return events


def timed_ms(fn: Callable[[], object]) -> tuple[float, float]:
    timer = timeit.Timer(fn)
    number = max(timer.autorange()[0], 1)
    runs = [run / number * 1e3 for run in timer.repeat(repeat=REPEATS, number=number)]
    return statistics.median(runs), min(runs)


def _load() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def main() -> None:
    rows: dict[str, dict[str, float | int]] = {}
    for term in (360, 36):
        for method in InterestMethod:
            for rule in OverpaymentRule:
                c = contract(term, method, rule)
                events = history(c)
                state, _ = replay(c, events)
                on = state.last_value_date + timedelta(days=20)
                payment = Event(EventKind.PAYMENT, on, c.schedule.regular_payment.amount, len(events))
                name = f"{term}x_{method}_{rule}"
                replay_ms = timed_ms(lambda c=c, events=events: replay(c, events))
                post_ms = timed_ms(lambda c=c, s=state, e=events, p=payment: post(c, s, e, p))
                quote_ms = timed_ms(lambda c=c, s=state, on=on: payoff_quote(c, s, on))
                rows[name] = {
                    "events": len(events),
                    "installments": len(state.installments),
                    "replay_median_ms": round(replay_ms[0], 3),
                    "replay_best_ms": round(replay_ms[1], 3),
                    "post_one_payment_median_ms": round(post_ms[0], 3),
                    "payoff_quote_median_ms": round(quote_ms[0], 3),
                }
    result = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "method": f"timeit autorange, median and best of {REPEATS} repeats, milliseconds per call",
        "machine": {"python": sys.version.split()[0], "platform": platform.platform()},
        "load_average_1m": _load(),
        "history": "disbursement, monthly payments (every tenth +500.00), 4 late fees, 3 reversals, 1 fee waiver",
        "cases": rows,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"{'case':<36} {'events':>6} {'replay ms':>10} {'post ms':>8} {'payoff ms':>10}")
    for name, row in rows.items():
        print(
            f"{name:<36} {row['events']:>6} {row['replay_median_ms']:>10.2f} "
            f"{row['post_one_payment_median_ms']:>8.3f} {row['payoff_quote_median_ms']:>10.3f}"
        )
    print(f"-> {RESULTS}")


if __name__ == "__main__":
    main()
