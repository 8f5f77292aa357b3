"""Audit event types of credit policies (subject: the product code)."""

from __future__ import annotations

from loan_engine.audit.events import event_type

POLICY_CREATED = event_type(
    "policy.version.created", "An admin created a credit policy draft from a document; details.version"
)
POLICY_DRAFTED = event_type(
    "policy.version.drafted", "An admin started a policy draft copied from a version; details.version, details.from"
)
POLICY_EDITED = event_type(
    "policy.version.edited", "An admin replaced a policy draft's model and test cases; details.version"
)
POLICY_ACTIVATED = event_type(
    "policy.version.activated",
    "An admin activated a policy version (checks passed; the active one retired); details.version, details.retired",
)
POLICY_RETIRED = event_type("policy.version.retired", "An admin retired the active policy version; details.version")
