"""Parsing and checking a JSON Decision Model (GoRules JDM) before it is stored or evaluated.

zen-engine accepts much that a credit policy must not: a cell that does not parse is silently false, a
misspelt field is silently null, a function node runs JavaScript. So a model is checked here first, and
every problem names the node and the place in the document:

* the graph: one input node, one output node, every edge between known nodes, no cycles, every node
  on a path from input to output; only data nodes (decision tables, expressions, switches);
* every cell and expression compiles (zen's own compiler);
* every field a node reads is a fact the engine provides (``facts.FACT_PATHS``) or something an
  upstream node writes; the output node receives ``decision`` and ``reasons``.

Reading references out of expressions uses a small scanner (identifiers outside string literals, not
followed by ``(``); it knows zen's keywords, ``$`` (the current value or node output) and ``#`` (the
closure argument). It is deliberately strict: a reference it cannot place is an error, not a guess.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final

import zen

from loan_engine.policy.facts import FACT_PATHS

__all__ = ["MAX_NODES", "MAX_RULES", "ModelProblem", "PolicyModel", "PolicyModelError", "parse_model"]

MAX_NODES: Final = 200
MAX_EDGES: Final = 1_000
MAX_RULES: Final = 5_000
REQUIRED_OUTPUTS: Final = ("decision", "reasons")

_DATA_NODES: Final = frozenset({"decisionTableNode", "expressionNode", "switchNode"})
_REFUSED: Final = {
    "functionNode": "runs JavaScript; a credit policy must be data a reviewer can read, so it is not allowed",
    "decisionNode": "calls another model; keep a credit policy in one document",
    "customNode": "is not a node zen-engine evaluates without custom code",
}
_KEYWORDS: Final = frozenset({"and", "or", "not", "in", "true", "false", "null"})
_STRING: Final = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`(?:[^`\\]|\\.)*`")
_REFERENCE: Final = re.compile(r"(?<![\w.$#'\"])([A-Za-z_$#]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)(\s*\()?")


@dataclass(frozen=True, slots=True)
class ModelProblem:
    """One thing wrong with a model: where (a JSON path into the document), which node, and what."""

    path: str
    node: str | None
    message: str


class PolicyModelError(Exception):
    """A model that cannot be stored or evaluated; ``problems`` lists every reason found."""

    def __init__(self, problems: list[ModelProblem]) -> None:
        super().__init__("; ".join(f"{p.path}: {p.message}" for p in problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class PolicyModel:
    """A checked model: the document as zen-engine reads it, and the facts it reads."""

    document: dict[str, Any]
    reads: frozenset[str]
    node_names: dict[str, str] = field(default_factory=dict)

    @property
    def content(self) -> str:
        return json.dumps(self.document, separators=(",", ":"), sort_keys=True)


def parse_model(document: object) -> PolicyModel:
    """Check a JDM document (already decoded from JSON); raise ``PolicyModelError`` listing the problems."""
    checker = _Checker(document)
    return checker.run()


@dataclass(slots=True)
class _Node:
    index: int
    id: str
    name: str
    type: str
    content: dict[str, Any]

    @property
    def path(self) -> str:
        return f"nodes.{self.index}"

    @property
    def pass_through(self) -> bool:
        if self.type == "switchNode":
            return True
        return bool(self.content.get("passThrough", True))


class _Checker:
    def __init__(self, document: object) -> None:
        self.document = document
        self.problems: list[ModelProblem] = []
        self.reads: set[str] = set()

    def fail(self, path: str, node: _Node | None, message: str) -> None:
        self.problems.append(ModelProblem(path, node.name if node else None, message))

    def run(self) -> PolicyModel:
        nodes, edges = self._shape()
        if not self.problems:
            order = self._graph(nodes, edges)
            if not self.problems:
                self._references(nodes, edges, order)
        if self.problems:
            raise PolicyModelError(self.problems)
        assert isinstance(self.document, dict)
        return PolicyModel(self.document, frozenset(self.reads), {n.id: n.name for n in nodes})

    # --- shape ------------------------------------------------------------------------------------

    def _shape(self) -> tuple[list[_Node], list[tuple[str, str, str | None]]]:
        doc = self.document
        if not isinstance(doc, dict):
            self.fail("model", None, "must be a JSON object with nodes and edges")
            return [], []
        raw_nodes, raw_edges = doc.get("nodes"), doc.get("edges")
        if not isinstance(raw_nodes, list) or not 2 <= len(raw_nodes) <= MAX_NODES:
            self.fail("nodes", None, f"must be a list of 2 to {MAX_NODES} nodes")
            return [], []
        if not isinstance(raw_edges, list) or len(raw_edges) > MAX_EDGES:
            self.fail("edges", None, f"must be a list of at most {MAX_EDGES} edges")
            return [], []
        nodes = [node for index, raw in enumerate(raw_nodes) if (node := self._node(index, raw)) is not None]
        edges = [edge for index, raw in enumerate(raw_edges) if (edge := self._edge(index, raw)) is not None]
        return nodes, edges

    def _node(self, index: int, raw: object) -> _Node | None:
        path = f"nodes.{index}"
        if not isinstance(raw, dict):
            self.fail(path, None, "must be an object")
            return None
        node_id, name, kind = raw.get("id"), raw.get("name"), raw.get("type")
        if not isinstance(node_id, str) or not node_id or not isinstance(kind, str):
            self.fail(path, None, "needs a string id and type")
            return None
        label = name if isinstance(name, str) and name else node_id
        content = raw.get("content")
        node = _Node(index, node_id, label, kind, content if isinstance(content, dict) else {})
        if kind in _REFUSED:
            self.fail(f"{path}.type", node, f"a {kind} {_REFUSED[kind]}")
        elif kind not in _DATA_NODES | {"inputNode", "outputNode"}:
            self.fail(f"{path}.type", node, f"unknown node type {kind!r}")
        elif kind in _DATA_NODES and not isinstance(content, dict):
            self.fail(f"{path}.content", node, "must be an object")
        return node

    def _edge(self, index: int, raw: object) -> tuple[str, str, str | None] | None:
        if (
            not isinstance(raw, dict)
            or not isinstance(raw.get("sourceId"), str)
            or not isinstance(raw.get("targetId"), str)
        ):
            self.fail(f"edges.{index}", None, "needs a string sourceId and targetId")
            return None
        handle = raw.get("sourceHandle")
        return raw["sourceId"], raw["targetId"], handle if isinstance(handle, str) else None

    # --- graph ------------------------------------------------------------------------------------

    def _graph(self, nodes: list[_Node], edges: list[tuple[str, str, str | None]]) -> list[_Node]:
        by_id: dict[str, _Node] = {}
        for node in nodes:
            if node.id in by_id:
                self.fail(f"{node.path}.id", node, f"duplicate node id {node.id!r}")
            by_id[node.id] = node
        for kind in ("inputNode", "outputNode"):
            found = [n for n in nodes if n.type == kind]
            if len(found) != 1:
                self.fail("nodes", None, f"a credit policy needs exactly one {kind} (found {len(found)})")
        for index, (source, target, _) in enumerate(edges):
            for end, node_id in (("sourceId", source), ("targetId", target)):
                if node_id not in by_id:
                    self.fail(f"edges.{index}.{end}", None, f"no node has the id {node_id!r}")
        if self.problems:
            return []
        return self._order(nodes, by_id, edges)

    def _order(
        self, nodes: list[_Node], by_id: dict[str, _Node], edges: list[tuple[str, str, str | None]]
    ) -> list[_Node]:
        """Topological order (Kahn); a cycle or a node off the input-to-output path is a problem."""
        incoming = {n.id: 0 for n in nodes}
        outgoing: dict[str, list[str]] = {n.id: [] for n in nodes}
        for source, target, _ in edges:
            incoming[target] += 1
            outgoing[source].append(target)
        ready = [n.id for n in nodes if incoming[n.id] == 0]
        order: list[_Node] = []
        while ready:
            current = ready.pop(0)
            order.append(by_id[current])
            for target in outgoing[current]:
                incoming[target] -= 1
                if incoming[target] == 0:
                    ready.append(target)
        if len(order) != len(nodes):
            stuck = [n for n in nodes if incoming[n.id] > 0]
            self.fail(stuck[0].path, stuck[0], "is part of a cycle; a decision model must flow one way")
            return []
        start = next(n for n in nodes if n.type == "inputNode")
        end = next(n for n in nodes if n.type == "outputNode")
        reachable = _closure(start.id, outgoing)
        reverse: dict[str, list[str]] = {n.id: [] for n in nodes}
        for source, target, _ in edges:
            reverse[target].append(source)
        leads_out = _closure(end.id, reverse)
        for node in nodes:
            if node.id not in reachable or node.id not in leads_out:
                self.fail(node.path, node, "is not on a path from the input node to the output node")
        return order

    # --- references -------------------------------------------------------------------------------

    def _references(self, nodes: list[_Node], edges: list[tuple[str, str, str | None]], order: list[_Node]) -> None:
        """Walk the nodes in order; each node sees what its predecessors write."""
        sees: dict[str, set[str]] = {n.id: set() for n in nodes}
        for node in order:
            available = set(FACT_PATHS) if node.type == "inputNode" else sees[node.id]
            writes = self._check_node(node, available)
            forward = (available | writes) if node.pass_through or node.type == "inputNode" else writes
            for source, target, _ in edges:
                if source == node.id:
                    sees[target] |= forward
            if node.type == "outputNode":
                for name in REQUIRED_OUTPUTS:
                    if not _readable(name, available):
                        self.fail(node.path, node, f"never receives {name!r}: some node must write it")

    def _check_node(self, node: _Node, available: set[str]) -> set[str]:
        if node.type == "decisionTableNode":
            return self._table(node, available)
        if node.type == "expressionNode":
            return self._expressions(node, available)
        if node.type == "switchNode":
            for index, statement in enumerate(_list(node.content.get("statements"))):
                condition = statement.get("condition", "") if isinstance(statement, dict) else ""
                self._expression(node, f"{node.path}.content.statements.{index}.condition", condition, available)
        return set()

    def _table(self, node: _Node, available: set[str]) -> set[str]:
        content = node.content
        base = f"{node.path}.content"
        if content.get("hitPolicy") not in ("first", "collect"):
            self.fail(f"{base}.hitPolicy", node, "must be 'first' or 'collect'")
        inputs = _list(content.get("inputs"))
        outputs = _list(content.get("outputs"))
        rules = _list(content.get("rules"))
        if not outputs:
            self.fail(f"{base}.outputs", node, "a decision table needs at least one output column")
        if len(rules) > MAX_RULES:
            self.fail(f"{base}.rules", node, f"at most {MAX_RULES} rules")
            return set()
        columns: dict[str, str] = {}
        for index, column in enumerate(inputs):
            fact = column.get("field") if isinstance(column, dict) else None
            if isinstance(fact, str) and fact.strip():
                self._field(node, f"{base}.inputs.{index}.field", fact.strip(), available)
            if isinstance(column, dict) and isinstance(column.get("id"), str):
                columns[column["id"]] = "input"
        writes: set[str] = set()
        for index, column in enumerate(outputs):
            target = column.get("field") if isinstance(column, dict) else None
            if not isinstance(target, str) or not target.strip():
                self.fail(f"{base}.outputs.{index}.field", node, "an output column needs a field name")
                continue
            writes.add(target.strip().removesuffix("[]"))
            columns[column["id"]] = "output"
        for index, rule in enumerate(rules):
            self._rule(node, f"{base}.rules.{index}", rule, columns, available)
        output_path = content.get("outputPath")
        if isinstance(output_path, str) and output_path.strip():
            return {output_path.strip()}
        return writes

    def _rule(self, node: _Node, path: str, rule: object, columns: dict[str, str], available: set[str]) -> None:
        if not isinstance(rule, dict):
            self.fail(path, node, "a rule must be an object")
            return
        for column_id, cell in rule.items():
            kind = columns.get(column_id)
            if kind is None or not isinstance(cell, str) or not cell.strip():
                continue
            self._expression(node, f"{path}.{column_id}", cell, available, unary=kind == "input")

    def _expressions(self, node: _Node, available: set[str]) -> set[str]:
        writes: set[str] = set()
        seen = set(available)
        for index, item in enumerate(_list(node.content.get("expressions"))):
            path = f"{node.path}.content.expressions.{index}"
            key = item.get("key") if isinstance(item, dict) else None
            if not isinstance(key, str) or not key.strip():
                self.fail(f"{path}.key", node, "an expression needs a key")
                continue
            self._expression(node, f"{path}.value", item.get("value", ""), seen, own=writes)
            writes.add(key.strip())
        return writes

    def _expression(
        self,
        node: _Node,
        path: str,
        text: object,
        available: set[str],
        *,
        unary: bool = False,
        own: set[str] | None = None,
    ) -> None:
        if not isinstance(text, str):
            self.fail(path, node, "must be a string")
            return
        if not text.strip():
            if not unary and path.endswith(".value"):
                self.fail(path, node, "an expression cannot be empty")
            return
        try:
            (zen.compile_unary_expression if unary else zen.compile_expression)(text)
        except Exception as exc:  # zen raises RuntimeError carrying its parser's JSON message
            self.fail(path, node, f"does not parse ({_zen_message(exc)}): {text}")
            return
        for reference in _references_in(text):
            if reference.startswith("$"):
                if own is not None and reference.startswith("$."):
                    self._field(node, path, reference[2:], own)
                continue
            if not reference.startswith("#"):
                self._field(node, path, reference, available)

    def _field(self, node: _Node, path: str, reference: str, available: set[str]) -> None:
        if _readable(reference, available):
            if reference.split(".", 1)[0] in {"application", "credit", "derived"}:
                self.reads.add(reference)
            return
        hint = difflib.get_close_matches(reference, sorted(available), n=1)
        suggestion = f" (did you mean {hint[0]}?)" if hint else ""
        self.fail(path, node, f"reads {reference!r}, which is not a fact the engine provides{suggestion}")


def _readable(reference: str, available: Iterable[str]) -> bool:
    """``a.b`` is readable if ``a.b`` is available, or lies inside an available ``a``, or contains ``a.b.c``."""
    return any(
        reference == path or reference.startswith(path + ".") or path.startswith(reference + ".") for path in available
    )


def _references_in(text: str) -> Iterator[str]:
    """Dotted names an expression reads (string literals removed; calls and keywords skipped)."""
    stripped = _STRING.sub("''", text)
    for match in _REFERENCE.finditer(stripped):
        chain = re.sub(r"\s+", "", match.group(1))
        parts = chain.split(".")
        if match.group(2):  # a call: drop the function or method name
            parts = parts[:-1]
        if parts and parts[0] not in _KEYWORDS:
            yield ".".join(parts)


def _closure(start: str, graph: dict[str, list[str]]) -> set[str]:
    seen, stack = {start}, [start]
    while stack:
        for nxt in graph[stack.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _zen_message(exc: Exception) -> str:
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    try:
        return str(json.loads(first).get("source", first))
    except (ValueError, AttributeError):
        return first
