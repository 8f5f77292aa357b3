"""Policy files on the wire: amounts are decimal strings, reason codes are known, every fact is encoded."""

from __future__ import annotations

import json

import msgspec
import pytest

from loan_engine.policy.document import read_policy_document
from loan_engine.policy.facts import FACT_PATHS, Facts, derive, encode_facts
from loan_engine.policy.schemas import PolicyDocument


def shipped_json(shipped: PolicyDocument) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(msgspec.json.encode(shipped))
    return loaded


def test_an_amount_sent_as_a_number_is_refused(shipped: PolicyDocument) -> None:
    document = shipped_json(shipped)
    document["testCases"][0]["facts"]["application"]["monthlyIncome"] = 6000  # type: ignore[index]
    with pytest.raises(msgspec.ValidationError, match=r"Expected `str`, got `int` - at `\$.testCases\[0\]"):
        read_policy_document(json.dumps(document).encode())


def test_an_unknown_reason_code_in_an_expectation_is_refused(shipped: PolicyDocument) -> None:
    document = shipped_json(shipped)
    document["testCases"][0]["expect"]["reasons"] = ["NOT_A_REASON"]  # type: ignore[index]
    with pytest.raises(msgspec.ValidationError, match="NOT_A_REASON"):
        read_policy_document(json.dumps(document).encode())


def test_the_engine_receives_every_fact_a_model_may_read(shipped: PolicyDocument) -> None:
    facts = shipped.cases()[0].facts
    document = json.loads(encode_facts(Facts(facts.application, facts.credit, derive(facts.application, 480))))  # type: ignore[arg-type]
    for path in FACT_PATHS:
        group, name = path.split(".")
        assert name in document[group], path
    assert document["application"]["monthlyIncome"] == 6000  # a JSON number for the engine
