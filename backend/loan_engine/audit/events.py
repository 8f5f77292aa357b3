"""The audit log's event types: namespaced names that any feature declares for the changes it records.

A feature declares each of its event types once, at import, next to the code that records it:

    ROLES_CHANGED = event_type("user.roles.changed", "An admin replaced a person's roles")

A name is lower-case dotted words, at least two (`<area>.<what happened>`, e.g. `loan.disbursed`,
`payment.reversed`), at most 64 characters. Declaring a malformed name, or one another module already
declared, fails at import, so every row of `audit_log` carries a type some feature owns and documents.
The audit log imports no feature: features depend on it, never the other way round.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["EVENT_TYPE_PATTERN", "MAX_EVENT_TYPE_LENGTH", "EventType", "event_type", "registered_event_types"]

EVENT_TYPE_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$"
MAX_EVENT_TYPE_LENGTH = 64  # audit_log.event is varchar(64)
_NAME = re.compile(EVENT_TYPE_PATTERN)
_REGISTRY: dict[str, EventType] = {}


@dataclass(frozen=True, slots=True)
class EventType:
    """One kind of audited event: its stored name and what it means (for the docs and the reader)."""

    name: str
    description: str

    def __str__(self) -> str:
        return self.name


def event_type(name: str, description: str) -> EventType:
    """Declare an event type (once per process). Raises ValueError for a malformed or taken name."""
    if len(name) > MAX_EVENT_TYPE_LENGTH or not _NAME.match(name):
        msg = f"audit event type {name!r} must be dotted lower-case words, e.g. 'loan.disbursed', at most 64 chars"
        raise ValueError(msg)
    if name in _REGISTRY:
        msg = f"audit event type {name!r} is declared twice"
        raise ValueError(msg)
    declared = EventType(name, description)
    _REGISTRY[name] = declared
    return declared


def registered_event_types() -> list[EventType]:
    """Every event type declared so far, by name (complete once the app's features are imported)."""
    return sorted(_REGISTRY.values(), key=lambda e: e.name)
