"""Credit policy evaluation: Loan Engine's decision path against calling zen-engine directly.

    python bench/bench_policy.py          # writes bench/results/policy.json and prints a table

The shipped consumer policy on 1,000 sampled applicants (checks.sample_fact_set, fixed seed), one core.

* ``zen_direct``: ``ZenEngine.evaluate`` on the same model with each applicant's facts already built and
  encoded (derived figures included): the engine alone.
* ``ours``: what a decision costs us: the payment from the quote engine's annuity rule, the derived
  figures, encoding, evaluation, and the checked, ranked output (``checks.evaluate_fact_set``).
  ``ours_cold_payment`` clears the payment cache before every decision (every applicant a new
  amount and term); ``ours`` keeps it, as a running service does for repeated amounts and terms.
* ``decision_evaluate`` and ``callback_loader``: the two other ways zen offers, for the record.

The passes are interleaved (one of each per round, ROUNDS rounds) so that load from other processes on a
shared machine falls on both sides alike; each figure is the median over the rounds, and the ratio is the
median of the per-round ratios (ours and zen timed back to back). ``best`` gives the fastest pass of each
(for the record only: on a shared machine a single pass can be disturbed either way).
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path

import zen

from loan_engine.finance.money import currency
from loan_engine.policy.affordability import payment_at_rate
from loan_engine.policy.checks import evaluate_fact_set, sample_fact_set
from loan_engine.policy.document import default_policy
from loan_engine.policy.engine import CompiledPolicy
from loan_engine.policy.facts import Facts, derive, encode_facts
from loan_engine.policy.model import parse_model

RESULTS = Path(__file__).resolve().parent / "results" / "policy.json"
APPLICANTS = 1_000
ROUNDS = 21
TARGET_PER_S = 10_000
TARGET_RATIO = 0.80
STRESS_RATE = Decimal("0.2499")


def timed(run: Callable[[], None], count: int) -> float:
    """Decisions per second of one pass of ``run`` (``count`` decisions)."""
    start = time.perf_counter()
    run()
    return count / (time.perf_counter() - start)


def interleaved(passes: dict[str, tuple[Callable[[], None], int]]) -> dict[str, list[float]]:
    """ROUNDS rounds, each running every pass once, in order: the rates of each pass, round by round."""
    rates: dict[str, list[float]] = {name: [] for name in passes}
    for _ in range(ROUNDS):
        for name, (run, count) in passes.items():
            rates[name].append(timed(run, count))
    return rates


def main() -> None:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    document = default_policy()
    model = parse_model(document.model)
    policy = CompiledPolicy(model)
    usd = currency("USD")
    payment_for = payment_at_rate(STRESS_RATE, usd)
    rng = random.Random(7)
    applicants = [sample_fact_set(rng) for _ in range(APPLICANTS)]
    encoded = [
        encode_facts(Facts(a.application, a.credit, derive(a.application, payment_for(a.application))))
        for a in applicants
    ]
    engine = zen.ZenEngine({"loader": {"type": "static", "content": {"policy": model.document}}})
    decision = zen.ZenEngine().create_decision(model.content)
    content = model.content
    callback = zen.ZenEngine({"loader": lambda key: content})

    def zen_direct() -> None:
        for context in encoded:
            engine.evaluate("policy", context)

    def ours() -> None:
        for applicant in applicants:
            evaluate_fact_set(policy, applicant, payment_for)

    def ours_cold() -> None:
        for applicant in applicants:
            fresh = payment_at_rate(STRESS_RATE, usd)  # a new, empty payment cache
            evaluate_fact_set(policy, applicant, fresh)

    def decision_evaluate() -> None:
        for context in encoded[:200]:
            decision.evaluate(context)

    def callback_loader() -> None:
        for context in encoded[:200]:
            callback.evaluate("policy", context)

    ours()  # warm the payment cache and zen's compiled model
    zen_direct()
    runs = interleaved(
        {
            "zen_direct": (zen_direct, APPLICANTS),
            "ours": (ours, APPLICANTS),
            "ours_cold_payment": (ours_cold, APPLICANTS),
            "zen_decision_evaluate": (decision_evaluate, 200),
            "zen_callback_loader": (callback_loader, 200),
        }
    )
    rates = {name: statistics.median(values) for name, values in runs.items()}

    def ratio(name: str) -> float:
        return statistics.median(ours_rate / zen for ours_rate, zen in zip(runs[name], runs["zen_direct"], strict=True))

    results = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "method": (
            f"{ROUNDS} interleaved rounds over {APPLICANTS} sampled applicants, one core; decisions per second "
            "(median of the rounds); ratios are the median of the per-round ratios"
        ),
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "versions": {"zen-engine": version("zen-engine")},
        "policy": document.name,
        "decisions_per_second": {k: round(v) for k, v in rates.items()},
        "best_decisions_per_second": {k: round(max(v)) for k, v in runs.items()},
        "ratios": {
            "ours_over_zen_direct": round(ratio("ours"), 3),
            "ours_cold_payment_over_zen_direct": round(ratio("ours_cold_payment"), 3),
        },
        "targets": {"decisions_per_second": TARGET_PER_S, "ratio_to_zen_direct": TARGET_RATIO},
        "load_average_1m": os.getloadavg()[0],
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    for name, value in results["decisions_per_second"].items():
        print(f"{name:28} {value:>10,} /s")
    for name, value in results["ratios"].items():
        print(f"{name:40} {value:.3f}")


if __name__ == "__main__":
    main()
