"""The automatic decision: facts from the application and the credit report, the derived figures, the
product's active policy evaluated with its trace, then offers (approve) or reasons (refer, decline).

CPU only (no I/O): the service calls it inside its transaction, between the reads and the writes. Each
part is timed so the benchmark can report the split between policy evaluation and quoting.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Final

import msgspec

from loan_engine.applications.schemas import OfferOut, TraceNode
from loan_engine.errors import LoanEngineError
from loan_engine.policy.engine import Decision, PolicyDecision
from loan_engine.policy.facts import ApplicationFacts, CreditReportFacts, Facts, derive
from loan_engine.policy.service import ActivePolicy, product_payment
from loan_engine.products.service import ProductLoan, PublishedProduct, draft_loan_terms
from loan_engine.quotes.service import quote_terms

__all__ = ["Evaluated", "evaluate", "make_offer", "readable_trace"]

_MS: Final = Decimal("0.001")


@dataclass(frozen=True, slots=True)
class Evaluated:
    decision: PolicyDecision
    facts: dict[str, Any]
    trace: list[dict[str, Any]]
    offers: list[OfferOut]
    policy_ms: float
    quote_ms: float


def _nodes(trace: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Each node in evaluation order with what it found: the rules that matched (their description and
    the facts they read) or the values it computed. Pass-through copies of the facts are left out (the
    facts are stored once, beside the trace)."""
    if not trace:
        return []
    nodes = sorted(trace.values(), key=lambda n: int(n.get("order") or 0))
    return [
        {"node": n.get("name") or "", "kind": kind, "output": result, "duration": n.get("performance")}
        for n in nodes
        for kind, result in [_result(n)]
    ]


def _rule(hit: dict[str, Any]) -> dict[str, Any]:
    rule = hit.get("rule") or {}
    return {"rule": rule.get("_description") or rule.get("_id"), "read": hit.get("reference_map") or {}}


def _result(node: dict[str, Any]) -> tuple[str, Any]:
    data = node.get("traceData")
    if isinstance(data, list):
        return "rules", [_rule(hit) for hit in data if isinstance(hit, dict)]
    if isinstance(data, dict) and "rule" in data:
        return "rules", [_rule(data)]
    if isinstance(data, dict):
        return "expressions", {k: v.get("result") if isinstance(v, dict) else v for k, v in data.items()}
    if node.get("input") is None:
        return "input", None
    return "output", node.get("input")


def evaluate(
    active: ActivePolicy,
    product: PublishedProduct,
    application: ApplicationFacts,
    credit: CreditReportFacts,
    today: date,
) -> Evaluated:
    """Decide one application (the trace is kept: this is the record of why)."""
    started = time.perf_counter()
    payment = product_payment(product)(application)
    facts = Facts(application, credit, derive(application, payment))
    decision = active.policy.evaluate(facts, trace=True)
    policy_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    offers: list[OfferOut] = []
    if decision.decision is Decision.APPROVE:
        amount = application.requested_amount
        if decision.max_amount is not None and decision.max_amount < amount:
            amount = decision.max_amount
        offers.append(
            make_offer(
                product,
                1,
                amount,
                application.term_periods,
                decision.grade or "",
                today,
                counteroffer=amount != application.requested_amount,
            )
        )
    quote_ms = (time.perf_counter() - started) * 1000
    facts_json = msgspec.to_builtins(facts)
    return Evaluated(decision, facts_json, _nodes(decision.trace), offers, policy_ms, quote_ms)


def make_offer(  # noqa: PLR0917 - the terms of an offer
    product: PublishedProduct,
    number: int,
    amount: Decimal,
    term_periods: int,
    grade: str,
    today: date,
    *,
    counteroffer: bool,
    frequency: str = "monthly",
) -> OfferOut:
    """An offer priced by the quote engine exactly as the booking will price it (same terms, same start)."""
    loan = ProductLoan(product.code, grade, str(amount), term_periods, today, frequency)
    terms = draft_loan_terms(product.definition, product.currency.code, loan)
    quote = quote_terms(terms)
    box = quote.disclosure
    return OfferOut(
        number=number,
        amount=amount,
        term_periods=term_periods,
        frequency=frequency,
        grade=grade,
        annual_rate=_plain(terms.annual_rate.scaleb(2)),
        payment=quote.payment,
        apr=box.apr,
        finance_charge=box.finance_charge,
        amount_financed=box.amount_financed,
        total_of_payments=box.total_of_payments,
        start_date=today,
        first_payment_date=quote.schedule[0].due_date,
        counteroffer=counteroffer,
        final_payment=Decimal(quote.schedule[-1].payment),  # the row carries the amount's text (quotes/schemas.Row)
        final_payment_date=quote.schedule[-1].due_date,
    )


def _plain(value: Decimal) -> Decimal:
    """Trailing zeros dropped without an exponent (10.00 -> 10, never 1E+1 on the wire)."""
    return Decimal(format(value.normalize(), "f"))


def expiry(product: PublishedProduct, decided: datetime) -> datetime:
    return decided + timedelta(days=product.definition.offer_validity_days)


def readable_trace(nodes: list[dict[str, Any]]) -> list[TraceNode]:
    return [TraceNode(node=n["node"] or "", kind=n["kind"], output=n["output"], duration=n["duration"]) for n in nodes]


def ms(value: float) -> Decimal:
    return Decimal(str(round(value, 3))).quantize(_MS)


class NoActivePolicyError(LoanEngineError):
    status, type, title = 409, "no-active-policy", "The product has no active credit policy"
