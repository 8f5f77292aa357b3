"""Evaluating a checked model with zen-engine, and reading its answer strictly.

One ``ZenEngine`` per model, created with a static loader holding that one document: zen then compiles
the model once and evaluates it in about 20 µs. (A loader callback is called again on every
evaluation, and ``ZenDecision.evaluate`` recompiles, each about 8x slower; measured in bench_policy.)

zen hands numbers back to Python as floats, and a model can return anything. So the output is checked
before anything uses it: the decision is one of three words, every reason is a known code, a decline or
refer carries at least one reason, an approval carries a grade, and the maximum amount is a whole
number of currency units (converted to Decimal from the integer, never from a float's digits).
"""

from __future__ import annotations

import json
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final

import msgspec
import zen

from loan_engine.policy.facts import _ENCODER, MAX_MONEY, Facts, encode_facts
from loan_engine.policy.model import PolicyModel, _zen_message
from loan_engine.policy.reasons import REASONS, Reason, is_known, ranked

__all__ = ["CompiledPolicy", "Decision", "PolicyDecision", "PolicyEvaluationError"]

_KEY: Final = "policy"
_MAX_UNITS: Final = int(MAX_MONEY)
_TRACE: Final[zen.DecisionEvaluateOptions] = {"trace": True}
MAX_GRADE_LENGTH: Final = 8
_encode: Final = _ENCODER.encode
# The checked, ranked reasons of each list of codes a model has answered with (a model answers with few
# distinct lists, so the mapping is done once per list; bounded, and only lists of known codes enter).
_RANKED: dict[tuple[str, ...], tuple[Reason, ...]] = {}
_RANKED_LIMIT: Final = 4_096


class Decision(StrEnum):
    APPROVE = "approve"
    REFER = "refer"
    DECLINE = "decline"

    @property
    def rank(self) -> int:
        """Approve 2, refer 1, decline 0: how the monotonicity checks compare decisions."""
        return _RANK[self]


_RANK: Final = {Decision.APPROVE: 2, Decision.REFER: 1, Decision.DECLINE: 0}
_DECISIONS: Final = {d.value: d for d in Decision}


class PolicyDecision(msgspec.Struct, frozen=True, gc=False):
    """What a model decided: at most four ranked reasons, and the engine's trace when asked for.
    (``gc=False``: nothing a decision holds refers back to it, so the collector need not track it.)"""

    decision: Decision
    grade: str | None
    max_amount: Decimal | None
    reasons: tuple[Reason, ...]
    trace: dict[str, Any] | None = None

    @property
    def reason_codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)


class PolicyEvaluationError(Exception):
    """The model failed while evaluating, or answered something that is not a decision."""

    def __init__(self, message: str, node: str | None = None) -> None:
        super().__init__(f"{node}: {message}" if node else message)
        self.message = message
        self.node = node


class CompiledPolicy:
    """A model ready to evaluate (compiled once by zen-engine)."""

    def __init__(self, model: PolicyModel) -> None:
        self.model = model
        self._engine = zen.ZenEngine({"loader": {"type": "static", "content": {_KEY: model.document}}})
        self._evaluate = self._engine.evaluate

    def evaluate(self, facts: Facts, *, trace: bool = False) -> PolicyDecision:
        if trace:
            return self.evaluate_json(encode_facts(facts), trace=True)
        # The hot path (bench/bench_policy.py): one call into the engine, no keyword handling.
        try:
            response = self._evaluate(_KEY, _encode(facts))
        except RuntimeError as exc:
            raise self._failure(exc) from None
        return read_output(response["result"])

    def evaluate_json(self, context: bytes, *, trace: bool = False) -> PolicyDecision:
        """Evaluate facts already encoded by ``facts.encode_facts``."""
        try:
            response = self._engine.evaluate(_KEY, context, _TRACE) if trace else self._engine.evaluate(_KEY, context)
        except RuntimeError as exc:
            raise self._failure(exc) from None
        decision = read_output(response["result"])
        if trace:
            return PolicyDecision(
                decision.decision, decision.grade, decision.max_amount, decision.reasons, response["trace"]
            )
        return decision

    def _failure(self, exc: RuntimeError) -> PolicyEvaluationError:
        first = str(exc).splitlines()[0]
        try:
            detail = json.loads(first)
        except ValueError:
            return PolicyEvaluationError(first)
        node = self.model.node_names.get(str(detail.get("nodeId")), detail.get("nodeId"))
        return PolicyEvaluationError(_zen_message(exc), node)


def _reasons(codes: object) -> tuple[Reason, ...]:
    """The ranked reasons of a model's ``reasons`` output; raises unless it is a list of known codes."""
    if not codes:
        return ()
    if type(codes) is list:
        try:
            key = tuple(codes)
            found = _RANKED.get(key)
        except TypeError:  # an unhashable element (a list, an object): not a code
            found, key = None, ()
        if found is not None:
            return found
        if key and REASONS.keys() >= set(key):
            found = ranked(codes)
            if len(_RANKED) < _RANKED_LIMIT:
                _RANKED[key] = found
            return found
        unknown: object = [c for c in codes if not is_known(c)]
    else:
        unknown = codes
    raise PolicyEvaluationError(f"reasons must be known reason codes; unknown: {unknown!r}")


def read_output(result: object) -> PolicyDecision:
    """Check and convert a model's output document."""
    if type(result) is not dict:
        raise PolicyEvaluationError("the model's output is not an object")
    decision = _DECISIONS.get(result.get("decision"))  # type: ignore[arg-type]
    if decision is None:
        raise PolicyEvaluationError(f"decision must be approve, refer or decline, not {result.get('decision')!r}")
    reasons = _reasons(result.get("reasons"))
    if decision is not Decision.APPROVE and not reasons:
        raise PolicyEvaluationError(f"a {decision} must give at least one reason (Regulation B 1002.9(b)(2))")
    grade = result.get("grade")
    if grade is not None and (not isinstance(grade, str) or not 0 < len(grade) <= MAX_GRADE_LENGTH):
        raise PolicyEvaluationError(f"grade must be a short string, not {grade!r}")
    if decision is Decision.APPROVE and grade is None:
        raise PolicyEvaluationError("an approval must give a risk grade")
    return PolicyDecision(decision, grade, _max_amount(result.get("maxAmount")), reasons)


def _max_amount(value: object) -> Decimal | None:
    if value is None:
        return None
    if type(value) is int and 0 <= value <= _MAX_UNITS:
        return Decimal(value)
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:  # noqa: PLR0124 - NaN
        raise PolicyEvaluationError(f"maxAmount must be a number, not {value!r}")
    if value < 0 or value > MAX_MONEY or int(value) != value:
        raise PolicyEvaluationError(
            f"maxAmount must be a whole number of currency units from 0 to 10^12, not {value!r}"
        )
    return Decimal(int(value))
