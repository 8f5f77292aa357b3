"""Errors raised by the pure loan math.

They carry the name of the offending input so that callers (the HTTP layer, the CLI) can point the
user at the field. They subclass ``ValueError`` because every one of them is a bad value.
"""

from __future__ import annotations


class FinanceInputError(ValueError):
    """An input to the loan math is out of its domain; ``field`` names the input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
