"""A model is refused with every problem named by node and place, before zen-engine ever runs it."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from loan_engine.policy.model import ModelProblem, PolicyModelError, parse_model
from loan_engine.policy.schemas import PolicyDocument


def problems(document: object) -> list[ModelProblem]:
    with pytest.raises(PolicyModelError) as caught:
        parse_model(document)
    return caught.value.problems


def node(doc: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(n for n in doc["nodes"] if n["name"] == name)
    return found


@pytest.fixture
def model(shipped: PolicyDocument) -> dict[str, Any]:
    return copy.deepcopy(shipped.model)


def test_the_shipped_model_is_accepted_and_lists_the_facts_it_reads(model: dict[str, Any]) -> None:
    parsed = parse_model(model)
    assert {"credit.score", "derived.debtToIncome", "application.requestedAmount"} <= parsed.reads
    assert parsed.node_names["rules"] == "Declines and referrals"


def test_a_misspelt_fact_names_the_node_the_column_and_the_likely_fact(model: dict[str, Any]) -> None:
    table = node(model, "Declines and referrals")
    index = next(i for i, c in enumerate(table["content"]["inputs"]) if c["field"] == "credit.score")
    table["content"]["inputs"][index]["field"] = "credit.scor"
    [problem] = problems(model)
    assert problem.node == "Declines and referrals"
    assert problem.path == f"nodes.2.content.inputs.{index}.field"
    assert "'credit.scor'" in problem.message
    assert "credit.score" in problem.message


def test_an_expression_reading_an_unknown_name_is_refused(model: dict[str, Any]) -> None:
    decide = node(model, "Decision")
    decide["content"]["expressions"][0]["value"] = "applicant.income > 0 ? 'approve' : 'decline'"
    [problem] = problems(model)
    assert problem.node == "Decision"
    assert problem.path.endswith("expressions.0.value")
    assert "'applicant.income'" in problem.message


def test_a_cell_that_does_not_parse_is_refused_not_silently_false(model: dict[str, Any]) -> None:
    table = node(model, "Declines and referrals")
    rule = table["content"]["rules"][2]
    rule["rules-bk"] = "<<< 84"
    [problem] = problems(model)
    assert problem.path == "nodes.2.content.rules.2.rules-bk"
    assert "does not parse" in problem.message


def test_strings_and_function_names_are_not_read_as_facts(model: dict[str, Any]) -> None:
    decide = node(model, "Decision")
    decide["content"]["expressions"].append(
        {"id": "x", "key": "note", "value": "upper('credit.nothing') + string(round(application.monthlyIncome))"}
    )
    parse_model(model)


def test_a_function_node_is_refused(model: dict[str, Any]) -> None:
    model["nodes"].append({"id": "js", "name": "Script", "type": "functionNode", "content": {"source": "x"}})
    found = problems(model)
    assert any(p.node == "Script" and "JavaScript" in p.message for p in found)


def test_a_cycle_is_refused(model: dict[str, Any]) -> None:
    model["edges"].append({"id": "back", "type": "edge", "sourceId": "decide", "targetId": "afford"})
    found = problems(model)
    assert any("cycle" in p.message for p in found)


def test_a_node_off_the_path_is_refused(model: dict[str, Any]) -> None:
    model["nodes"].append({"id": "lost", "name": "Lost", "type": "expressionNode", "content": {"expressions": []}})
    found = problems(model)
    assert [p.node for p in found] == ["Lost"]


def test_an_output_that_never_gets_a_decision_is_refused(model: dict[str, Any]) -> None:
    decide = node(model, "Decision")
    decide["content"]["expressions"] = [e for e in decide["content"]["expressions"] if e["key"] != "decision"]
    found = problems(model)
    assert any("'decision'" in p.message for p in found)


def test_an_edge_to_nowhere_is_refused(model: dict[str, Any]) -> None:
    model["edges"].append({"id": "e", "type": "edge", "sourceId": "facts", "targetId": "ghost"})
    [problem] = problems(model)
    assert problem.path == f"edges.{len(model['edges']) - 1}.targetId"


@pytest.mark.parametrize("document", [None, [], {"nodes": 3, "edges": []}, {"nodes": [{}], "edges": []}])
def test_documents_of_the_wrong_shape_are_refused(document: object) -> None:
    assert problems(document)
