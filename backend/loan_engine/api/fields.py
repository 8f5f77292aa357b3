"""The one mapping from the names our Python code uses to the names on the wire.

``finance`` (and every service) names an invalid input by its Python attribute or argument, dotted into
sequences: ``fees.0.amount``, ``first_payment_date``. The API speaks camelCase (``ApiStruct`` renames
every field the same way), so a problem's ``errors[].field`` is ``wire_field(name)``:

* each dotted part is camelCased (``first_payment_date`` → ``firstPaymentDate``), exactly as msgspec's
  ``rename="camel"`` does for the Struct fields; indexes and names already in camelCase stay;
* a few attributes are named differently from their wire field, listed once in ``RENAMED``. An entry
  there holds for every feature, so add one only when the attribute means the same thing everywhere;
  otherwise name the attribute after its wire field.
"""

from __future__ import annotations

from typing import Final

__all__ = ["RENAMED", "camel", "wire_field"]

RENAMED: Final = {
    "term": "termPeriods",  # LoanTerms.term: the number of installments
    "rounding": "roundingMode",  # LoanTerms.rounding
    "on": "date",  # DatedFlow.on, payoff(on=...): a calendar date
}


def camel(name: str) -> str:
    """``first_payment_date`` → ``firstPaymentDate``: msgspec's ``rename="camel"`` rule (leading
    underscores kept, then the first word as it is and each further word title-cased)."""
    words = name.lstrip("_")
    first, *rest = words.split("_")
    return name[: len(name) - len(words)] + first + "".join(word.title() for word in rest)


def wire_field(name: str) -> str:
    """The wire name of a dotted Python path: ``fees.0.amount`` stays, ``first_payment_date`` →
    ``firstPaymentDate``, ``term`` → ``termPeriods``, ``payments.3.on`` → ``payments.3.date``."""
    return ".".join(RENAMED.get(part) or camel(part) for part in name.split("."))
