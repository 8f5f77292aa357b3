"""Errors raised by the pure loan math.

They carry the name of the offending input (a Python attribute or argument name, dotted into
sequences: ``fees.0.amount``) so that callers can point the user at the field; the HTTP layer and the
CLI translate it to their own names (``loan_engine.api.fields``). They subclass ``ValueError`` because
every one of them is a bad value.
"""

from __future__ import annotations


class FinanceInputError(ValueError):
    """An input to the loan math is out of its domain; ``field`` names the input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class CurrencyMismatchError(FinanceInputError):
    """Two amounts in different currencies were combined (added, compared)."""

    def __init__(self, expected: str, got: str) -> None:
        super().__init__("currency", f"cannot combine {expected} with {got}")


class WorkLimitError(FinanceInputError):
    """The computation would need more work than one call may ask for (``limit`` units of ``unit``).

    Raised deterministically, from a count of the work done, never from a clock: the same input always
    gives the same answer.
    """

    def __init__(self, field: str, limit: int, unit: str) -> None:
        super().__init__(field, f"needs more than {limit:,} {unit}, the most one request may ask for")
        self.limit = limit
        self.unit = unit
