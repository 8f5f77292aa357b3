"""Audit event types: namespaced names any feature declares once, and documented in docs/SECURITY.md."""

from __future__ import annotations

import re

import pytest

import loan_engine.app  # noqa: F401  (imports every feature, so every event type is declared)
from loan_engine.audit.events import event_type, registered_event_types
from loan_engine.settings import PROJECT_ROOT


@pytest.mark.parametrize(
    "name",
    ["login", "Auth.login", "auth..login", "auth.login.", ".auth", "auth login", "auth-login.x", "a." + "b" * 64],
)
def test_a_malformed_name_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="dotted lower-case words"):
        event_type(name, "never declared")


def test_a_name_is_declared_once() -> None:
    taken = registered_event_types()[0].name
    with pytest.raises(ValueError, match="declared twice"):
        event_type(taken, "a second owner")


def test_features_declare_their_event_types_in_their_own_namespaces() -> None:
    names = {e.name for e in registered_event_types()}
    assert {"auth.login.failed", "user.roles.changed", "client.token.issued"} <= names
    assert all(e.description for e in registered_event_types())


def test_every_event_type_is_in_the_security_docs_and_nothing_else_is() -> None:
    """docs/SECURITY.md §8 lists what the audit trail records; it must match the code."""
    text = (PROJECT_ROOT / "docs" / "SECURITY.md").read_text(encoding="utf-8")
    section = text[text.index("## 8. The audit trail") : text.index("## 9.")]
    documented = set(re.findall(r"^\| `([a-z_.]+)`(?: / `([a-z_.]+)`)?", section, re.MULTILINE))
    names = {name for pair in documented for name in pair if name}
    assert names == {e.name for e in registered_event_types()}
