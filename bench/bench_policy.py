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
REPEATS = 7
TARGET_PER_S = 10_000
TARGET_RATIO = 0.80
STRESS_RATE = Decimal("0.2499")


def rate_per_s(run: Callable[[], None], count: int) -> float:
    """Median decisions per second over REPEATS passes of ``run`` (each ``count`` decisions)."""
    rates = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        run()
        rates.append(count / (time.perf_counter() - start))
    return statistics.median(rates)


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
    rates = {
        "zen_direct": rate_per_s(zen_direct, APPLICANTS),
        "ours": rate_per_s(ours, APPLICANTS),
        "ours_cold_payment": rate_per_s(ours_cold, APPLICANTS),
        "zen_decision_evaluate": rate_per_s(decision_evaluate, 200),
        "zen_callback_loader": rate_per_s(callback_loader, 200),
    }
    results = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "method": f"median of {REPEATS} passes over {APPLICANTS} sampled applicants, one core, decisions per second",
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "versions": {"zen-engine": version("zen-engine")},
        "policy": document.name,
        "decisions_per_second": {k: round(v) for k, v in rates.items()},
        "ratios": {
            "ours_over_zen_direct": round(rates["ours"] / rates["zen_direct"], 3),
            "ours_cold_payment_over_zen_direct": round(rates["ours_cold_payment"] / rates["zen_direct"], 3),
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
