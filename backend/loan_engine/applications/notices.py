"""Notices of action taken: the adverse action notice and the counteroffer notice, as data and as PDF.

Adverse action notice — Regulation B 12 CFR 1002.9(a)(2): a statement of the action taken, the
creditor's name and address, the ECOA notice of 1002.9(b)(1), and the specific principal reasons
(1002.9(b)(2); at most four, in Form C-1 wording: ``policy.reasons``). Because the decision used a credit
report, FCRA 615(a) adds the consumer reporting agency, the applicant's right to a free copy within 60
days and to dispute it, and the credit score disclosure of 615(a)(1)(A)/609(f): the score, its range,
the date it was created and up to four key factors that adversely affected it.

Counteroffer notice — 1002.9(a)(1)(iv): when the offer differs from the terms requested, the notice
states the offer and, if the applicant does not accept it, serves as the adverse action notice.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Final, Literal

from fpdf import FPDF

from loan_engine.applications.bureau import SCORE_RANGE
from loan_engine.applications.schemas import DecisionReason, NoticeOut, OfferOut

CREDITOR: Final = "Loan Engine Lending, 100 Main Street, Springfield, IL 62701"
ECOA_NOTICE: Final = (
    "The Federal Equal Credit Opportunity Act prohibits creditors from discriminating against credit "
    "applicants on the basis of race, color, religion, national origin, sex, marital status, age (provided "
    "the applicant has the capacity to enter into a binding contract); because all or part of the "
    "applicant's income derives from any public assistance program; or because the applicant has in good "
    "faith exercised any right under the Consumer Credit Protection Act. The Federal agency that "
    "administers compliance with this law concerning this creditor is the Consumer Financial Protection "
    "Bureau, 1700 G Street NW, Washington, DC 20552."
)
FCRA_NOTICE: Final = (
    "Our credit decision was based in whole or in part on information obtained in a report from the "
    "consumer reporting agency named here. You have a right under the Fair Credit Reporting Act to know "
    "the information contained in your credit file at the consumer reporting agency. The reporting agency "
    "played no part in our decision and is unable to supply specific reasons why we have denied credit to "
    "you. You have a right to a free copy of your report from the reporting agency, if you request it no "
    "later than 60 days after you receive this notice. In addition, if you find that any information "
    "contained in the report you receive is inaccurate or incomplete, you have the right to dispute the "
    "matter with the reporting agency."
)


def build_notice(  # noqa: PLR0917 - what a notice states
    application_id: Any,
    applicant: str,
    decision: dict[str, Any],
    report: dict[str, Any] | None,
    offers: list[OfferOut],
    decided_at: datetime,
) -> NoticeOut | None:
    """The notice an application's outcome calls for, or None (an approval on the terms asked for)."""
    counter = next((o for o in offers if o.counteroffer), None)
    kind: Literal["adverse-action", "counteroffer"]
    if decision["outcome"] == "decline":
        kind, action = "adverse-action", "We are unable to approve your application for credit."
    elif counter is not None:
        kind = "counteroffer"
        action = (
            "We cannot approve your application on the terms you requested, but we can offer credit on the "
            "terms below. If you do not accept this offer, this notice is our notice of adverse action."
        )
    else:
        return None
    facts = (report or {}).get("facts", {})
    return NoticeOut(
        kind=kind,
        application_id=application_id,
        date=decided_at.date(),
        applicant=applicant,
        creditor=CREDITOR,
        action=action,
        reasons=[DecisionReason(code=r["code"], text=r["text"]) for r in decision.get("reasons", [])],
        counteroffer=counter,
        credit_score=facts.get("score"),
        score_range=list(SCORE_RANGE),
        score_date=date.fromisoformat(report["pulledAt"][:10]) if report else None,
        key_factors=list((report or {}).get("keyFactors", []))[:4],
        bureau=(report or {}).get("bureau", ""),
        sandbox=bool((report or {}).get("sandbox", False)),
        ecoa_notice=ECOA_NOTICE,
        fcra_notice=FCRA_NOTICE,
    )


def _latin1(text: str) -> str:
    """The PDF's core font is Latin-1: anything else is replaced, never dropped silently."""
    return text.encode("latin-1", "replace").decode("latin-1")


def notice_pdf(notice: NoticeOut) -> bytes:
    """The notice as a one- or two-page PDF (fpdf2, core Helvetica: no font files to ship)."""
    pdf = FPDF(format="Letter")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    title = "Notice of action taken" if notice.kind == "adverse-action" else "Counteroffer notice"
    pdf.multi_cell(0, 8, _latin1(title), new_x="LMARGIN", new_y="NEXT")
    if notice.sandbox:
        pdf.set_font("Helvetica", "B", 10)
        pdf.multi_cell(
            0,
            6,
            "SANDBOX - test data from the sandbox credit bureau, not a real credit decision",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.set_font("Helvetica", "", 10)
    lines = [
        f"Date: {notice.date.isoformat()}",
        f"Applicant: {notice.applicant}",
        f"Creditor: {notice.creditor}",
        f"Application: {notice.application_id}",
        "",
        notice.action,
    ]
    for line in lines:
        pdf.multi_cell(0, 5, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    if notice.counteroffer is not None:
        o = notice.counteroffer
        _section(pdf, "Our offer")
        for line in (
            f"Amount: {o.amount}   Term: {o.term_periods} {o.frequency} payments   Payment: {o.payment}",
            f"Annual percentage rate: {o.apr}%   Finance charge: {o.finance_charge}",
            f"Amount financed: {o.amount_financed}   Total of payments: {o.total_of_payments}",
        ):
            pdf.multi_cell(0, 5, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    if notice.reasons:
        _section(pdf, "Principal reason(s) for our action")
        for i, reason in enumerate(notice.reasons, 1):
            pdf.multi_cell(0, 5, _latin1(f"{i}. {reason.text}"), new_x="LMARGIN", new_y="NEXT")
    _section(pdf, "Your credit score")
    low, high = notice.score_range
    score = (
        "none (your file has too little history to be scored)"
        if notice.credit_score is None
        else str(notice.credit_score)
    )
    for line in (
        f"Credit score: {score}   Range: {low} to {high}   Date: {notice.score_date}",
        "Key factors that adversely affected your credit score:",
        *[f"  - {f}" for f in notice.key_factors or ["(none reported)"]],
        f"Consumer reporting agency: {notice.bureau}",
    ):
        pdf.multi_cell(0, 5, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    _section(pdf, "Your rights under the Fair Credit Reporting Act")
    pdf.multi_cell(0, 5, _latin1(notice.fcra_notice), new_x="LMARGIN", new_y="NEXT")
    _section(pdf, "Notice under the Equal Credit Opportunity Act")
    pdf.multi_cell(0, 5, _latin1(notice.ecoa_notice), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _section(pdf: FPDF, title: str) -> None:
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 11)
    pdf.multi_cell(0, 6, _latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
