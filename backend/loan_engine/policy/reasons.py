"""Reason codes a credit policy may give, each with the principal reason in the wording of Regulation B.

Regulation B (12 CFR 1002.9(b)(2)) requires a statement of the *specific* principal reasons for adverse
action; Appendix C, Form C-1 lists sample wordings, used verbatim here. Where no sample fits, the
wording is specific to the factor ("other, specify"), never a vague catch-all. A model outputs codes
(``"DELINQUENT_CREDIT"``); the engine reports at most four, in the order the model gives them
(docs/CREDIT_POLICY.md has the table and how to add a code).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = ["MAX_REASONS", "REASONS", "Reason", "is_known", "ranked"]

# Official commentary to 1002.9(b)(2): more than four reasons is not likely to be helpful to the applicant.
MAX_REASONS: Final = 4


@dataclass(frozen=True, slots=True)
class Reason:
    """A reason code, its wording on the notice, and whether Form C-1 gives that wording."""

    code: str
    text: str
    form_c1: bool = True


_TABLE: Final = (
    Reason("INCOMPLETE_APPLICATION", "Credit application incomplete"),
    Reason("INSUFFICIENT_CREDIT_REFERENCES", "Insufficient number of credit references provided"),
    Reason("UNVERIFIED_CREDIT_REFERENCES", "Unable to verify credit references"),
    Reason("TEMPORARY_EMPLOYMENT", "Temporary or irregular employment"),
    Reason("UNVERIFIED_EMPLOYMENT", "Unable to verify employment"),
    Reason("EMPLOYMENT_LENGTH", "Length of employment"),
    Reason("INSUFFICIENT_INCOME", "Income insufficient for amount of credit requested"),
    Reason("EXCESSIVE_OBLIGATIONS", "Excessive obligations in relation to income"),
    Reason("UNVERIFIED_INCOME", "Unable to verify income"),
    Reason("RESIDENCE_LENGTH", "Length of residence"),
    Reason("TEMPORARY_RESIDENCE", "Temporary residence"),
    Reason("UNVERIFIED_RESIDENCE", "Unable to verify residence"),
    Reason("NO_CREDIT_FILE", "No credit file"),
    Reason("LIMITED_CREDIT_EXPERIENCE", "Limited credit experience"),
    Reason("POOR_PERFORMANCE_WITH_US", "Poor credit performance with us"),
    Reason("DELINQUENT_CREDIT", "Delinquent past or present credit obligations with others"),
    Reason("COLLECTION_OR_JUDGMENT", "Collection action or judgment"),
    Reason("GARNISHMENT", "Garnishment or attachment"),
    Reason("FORECLOSURE_OR_REPOSSESSION", "Foreclosure or repossession"),
    Reason("BANKRUPTCY", "Bankruptcy"),
    Reason("RECENT_INQUIRIES", "Number of recent inquiries on credit bureau report"),
    Reason("INSUFFICIENT_COLLATERAL", "Value or type of collateral not sufficient"),
    # "Other, specify": factors Form C-1 has no sample for, stated specifically.
    Reason(
        "HIGH_REVOLVING_UTILIZATION",
        "Proportion of balances to credit limits on revolving accounts is too high",
        form_c1=False,
    ),
    Reason("CREDIT_SCORE", "Credit score below the minimum our credit policy requires", form_c1=False),
    Reason("IDENTITY_NOT_VERIFIED", "Unable to verify identity", form_c1=False),
)

REASONS: Final[dict[str, Reason]] = {reason.code: reason for reason in _TABLE}


def is_known(code: object) -> bool:
    """Whether ``code`` is a reason code of the table above."""
    return isinstance(code, str) and code in REASONS


def ranked(codes: list[str]) -> tuple[Reason, ...]:
    """The first ``MAX_REASONS`` distinct reasons, in the order the model gave them."""
    if not codes:
        return ()
    return tuple([REASONS[code] for code in dict.fromkeys(codes)][:MAX_REASONS])
