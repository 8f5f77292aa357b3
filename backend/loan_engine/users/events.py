"""The audit event types of managing people."""

from __future__ import annotations

from loan_engine.audit.events import event_type

ROLES_CHANGED = event_type("user.roles.changed", "An admin replaced a person's roles; details.before, details.after")
USER_DISABLED = event_type("user.disabled", "An admin disabled an account; details.sessionsEnded")
USER_ENABLED = event_type("user.enabled", "An admin enabled a disabled account")
MFA_RESET = event_type(
    "user.mfa.reset",
    "An admin removed a person's lost authenticator and recovery codes and ended their sign-ins; "
    "details.reason, details.hadAuthenticator, details.sessionsEnded",
)
ADMIN_BOOTSTRAPPED = event_type(
    "user.admin_bootstrapped", "`loan-engine users create-admin` created an admin or made an account one"
)
