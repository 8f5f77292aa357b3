"""Audit event types of applications (subject: the application id)."""

from __future__ import annotations

from loan_engine.audit.events import event_type

SUBMITTED = event_type(
    "application.submitted", "An application was submitted and decided; details.outcome, policyVersion"
)
WITHDRAWN = event_type("application.withdrawn", "An application was withdrawn by its applicant")
SENSITIVE_VIEWED = event_type(
    "application.sensitive.viewed", "Staff viewed an application's tax id and date of birth unmasked"
)
CLAIMED = event_type("application.claimed", "An underwriter claimed a referred application")
RELEASED = event_type("application.released", "An underwriter released a claimed application")
REVIEWED = event_type("application.reviewed", "An underwriter approved, declined or counter-offered; details.action")
OVERRIDE_PROPOSED = event_type(
    "application.override.proposed", "An underwriter proposed to approve an automatic decline (needs a second person)"
)
OVERRIDE_CONFIRMED = event_type(
    "application.override.confirmed", "A second underwriter or an admin confirmed a proposed override"
)
ACCEPTED = event_type(
    "application.accepted", "The applicant accepted an offer with e-sign consent; details.offer, loanId"
)
