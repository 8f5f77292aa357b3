"""Credit data through the ``CreditBureau`` interface, and the deterministic sandbox bureau.

A real bureau (Equifax, Experian, TransUnion) implements ``CreditBureau.pull``; the decision reads only
``CreditReport``. The sandbox answers from the applicant's identity alone, so a test, a demo and the
benchmark get the same file every time. The tax id's last four digits pick a documented persona
(docs/ORIGINATION.md); any other tax id gets a clean file whose score is derived from a hash of the
identity (640 to 819). Every report it returns is marked ``sandbox``, and every screen shows that.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Final, Protocol

from loan_engine.policy.facts import CreditReportFacts

__all__ = ["PERSONAS", "SCORE_RANGE", "BureauIdentity", "CreditBureau", "CreditReport", "SandboxBureau"]

SCORE_RANGE: Final = (300, 850)
SANDBOX_NAME: Final = "Loan Engine sandbox bureau (test data, not a real credit report)"


@dataclass(frozen=True, slots=True)
class BureauIdentity:
    """What a bureau matches a file on."""

    first_name: str
    last_name: str
    birth_date: date
    tax_id: str
    postal_code: str


@dataclass(frozen=True, slots=True)
class CreditReport:
    """A pulled report: the facts the policy reads, the score's key factors (FCRA 615(a)), and where from."""

    facts: CreditReportFacts
    key_factors: tuple[str, ...]
    bureau: str
    sandbox: bool
    persona: str | None
    pulled_at: datetime


class CreditBureau(Protocol):
    async def pull(self, identity: BureauIdentity) -> CreditReport: ...


@dataclass(frozen=True, slots=True)
class Persona:
    name: str
    description: str
    facts: CreditReportFacts
    key_factors: tuple[str, ...]


def _file(score: int | None, **overrides: object) -> CreditReportFacts:
    base: dict[str, object] = {
        "score": score,
        "inquiries_6m": 1,
        "delinquencies_24m": 0,
        "public_records": 0,
        "months_since_bankruptcy": None,
        "revolving_utilization": 25,
        "tradelines": 8,
        "fraud_alert": False,
        "file_found": True,
    }
    base.update(overrides)
    return CreditReportFacts(**base)  # type: ignore[arg-type]


# Tax id ending -> persona. The endings are documented in docs/ORIGINATION.md and used by the tests.
PERSONAS: Final[dict[str, Persona]] = {
    "0001": Persona(
        "thin file",
        "Found, but too thin to score: two tradelines, no score",
        _file(None, tradelines=2, revolving_utilization=None, inquiries_6m=0),
        ("Length of credit history is too short", "Too few accounts with a payment history"),
    ),
    "0002": Persona(
        "prime",
        "Score 790, long clean history, low utilization",
        _file(790, revolving_utilization=9, tradelines=14, inquiries_6m=0),
        ("Length of time accounts have been established",),
    ),
    "0003": Persona(
        "near-prime",
        "Score 655, clean but young file, utilization 55 %",
        _file(655, revolving_utilization=55, tradelines=5, inquiries_6m=2),
        ("Proportion of balances to credit limits is too high", "Length of time accounts have been established"),
    ),
    "0004": Persona(
        "recent delinquency",
        "Score 640, two 30-day delinquencies in the last 24 months",
        _file(640, delinquencies_24m=2, revolving_utilization=70),
        (
            "Delinquency on accounts",
            "Time since delinquency is too short",
            "Proportion of balances to credit limits is too high",
        ),
    ),
    "0005": Persona(
        "bankruptcy",
        "Score 540, a Chapter 7 bankruptcy discharged 20 months ago",
        _file(540, months_since_bankruptcy=20, public_records=1, tradelines=3),
        (
            "Bankruptcy",
            "Derogatory public record",
            "Too few accounts currently paid as agreed",
            "Length of credit history",
        ),
    ),
    "0006": Persona(
        "fraud alert",
        "Score 735, with an initial fraud alert on the file",
        _file(735, fraud_alert=True),
        ("Fraud alert on file",),
    ),
}


class SandboxBureau:
    """Deterministic reports from the identity (no network, no state)."""

    name = SANDBOX_NAME

    async def pull(self, identity: BureauIdentity) -> CreditReport:
        digits = "".join(c for c in identity.tax_id if c.isdigit())
        persona = PERSONAS.get(digits[-4:])
        now = datetime.now(UTC)
        if persona is not None:
            return CreditReport(persona.facts, persona.key_factors, SANDBOX_NAME, True, persona.name, now)
        seed = f"{identity.first_name.lower()}|{identity.last_name.lower()}|{identity.birth_date}|{digits}"
        h = hashlib.sha256(seed.encode()).digest()
        score = 640 + h[0] % 180
        facts = _file(score, revolving_utilization=h[1] % 60, tradelines=4 + h[2] % 16, inquiries_6m=h[3] % 3)
        factors: tuple[str, ...] = ("Proportion of balances to credit limits is too high",) if h[1] % 60 > 40 else ()
        factors += ("Length of time accounts have been established",)
        return CreditReport(facts, factors, SANDBOX_NAME, True, None, now)
