"""A booked loan's contract: what servicing needs, frozen at booking as JSON on the loan row (the product
definition as published, and the loan's terms), rebuilt into ``finance.replay.LoanContract`` by the same
``products.definition.loan_terms`` that priced it (so the booked schedule is the quote's), and cached
per process (a contract never changes)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import msgspec

from loan_engine.finance.allocation import AllocationRules
from loan_engine.finance.money import currency
from loan_engine.finance.replay import LoanContract
from loan_engine.finance.terms import LoanTerms
from loan_engine.lru import Lru
from loan_engine.products.definition import loan_terms
from loan_engine.products.schemas import ProductDefinition

__all__ = ["cached_contract", "contract_json", "contract_of", "rules_of", "terms_of"]

_CONTRACTS: Lru[uuid.UUID, LoanContract] = Lru(4096)


def contract_json(  # noqa: PLR0917 - the loan's terms, in the order a reader states them
    definition: ProductDefinition,
    currency_code: str,
    principal: Decimal,
    term_periods: int,
    frequency: str,
    grade: str,
    start_date: date,
    first_payment_date: date | None,
) -> dict[str, Any]:
    return {
        "definition": msgspec.to_builtins(definition),
        "currency": currency_code,
        "principal": str(principal),
        "termPeriods": term_periods,
        "frequency": frequency,
        "grade": grade,
        "startDate": start_date.isoformat(),
        "firstPaymentDate": None if first_payment_date is None else first_payment_date.isoformat(),
    }


def terms_of(stored: dict[str, Any]) -> tuple[ProductDefinition, LoanTerms]:
    definition = msgspec.convert(stored["definition"], ProductDefinition)
    first = stored["firstPaymentDate"]
    terms = loan_terms(
        definition,
        currency(stored["currency"]),
        Decimal(stored["principal"]),
        int(stored["termPeriods"]),
        str(stored["frequency"]),
        str(stored["grade"]),
        date.fromisoformat(stored["startDate"]),
        None if first is None else date.fromisoformat(first),
    )
    return definition, terms


def rules_of(definition: ProductDefinition) -> tuple[AllocationRules, Decimal]:
    allocation = definition.allocation
    rules = AllocationRules(
        tuple(allocation.past_due),  # type: ignore[arg-type]  # wire names are accepted
        tuple(allocation.current),  # type: ignore[arg-type]
        allocation.overpayment,  # type: ignore[arg-type]
    )
    returned = definition.fees.returned_payment
    return rules, Decimal(returned.amount) if returned is not None else Decimal(0)


def build(stored: dict[str, Any]) -> LoanContract:
    definition, terms = terms_of(stored)
    rules, returned_fee = rules_of(definition)
    return LoanContract(terms, rules, returned_payment_fee=returned_fee.quantize(terms.currency.quantum))


def cached_contract(loan_id: uuid.UUID) -> LoanContract | None:
    """The loan's contract if this process has built it (then its JSON need not be read again)."""
    return _CONTRACTS.get(loan_id)


def contract_of(loan_id: uuid.UUID, stored: dict[str, Any]) -> LoanContract:
    """The loan's contract (built once per process and kept: it never changes)."""
    return _CONTRACTS.get(loan_id) or _CONTRACTS.put(loan_id, build(stored))
