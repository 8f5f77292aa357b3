"""The audit event types of sign-up, sign-in, sessions and passwords."""

from __future__ import annotations

from loan_engine.audit.events import event_type

USER_REGISTERED = event_type("user.registered", "A person created a borrower account (and was signed in)")
LOGIN_SUCCEEDED = event_type("auth.login.succeeded", "A person signed in")
LOGIN_FAILED = event_type(
    "auth.login.failed", "A sign-in was refused; details.reason: unknown_email, bad_password or disabled"
)
REFRESH_REUSE_DETECTED = event_type(
    "auth.refresh.reuse_detected", "A spent refresh token was presented again; its sign-in was revoked"
)
LOGOUT = event_type("auth.logout", "A person signed out")
PASSWORD_CHANGED = event_type("auth.password.changed", "A person changed their password; details.otherSessionsEnded")
PASSWORD_CHANGE_FAILED = event_type(
    "auth.password.change_failed", "A password change was refused: the current password was wrong"
)
PASSWORD_RESET_REQUESTED = event_type(
    "auth.password_reset.requested",
    "A password reset was asked for; details.sent says whether an active account got a link (never told to the caller)",
)
PASSWORD_RESET_COMPLETED = event_type(
    "auth.password_reset.completed", "A password was set with a reset link; details.sessionsEnded"
)
PASSWORD_RESET_FAILED = event_type(
    "auth.password_reset.failed", "A reset link was refused: unknown, used, expired or superseded"
)
EMAIL_VERIFICATION_SENT = event_type("auth.email.verification_sent", "A person asked for a new verification link")
EMAIL_VERIFIED = event_type(
    "auth.email.verified",
    "A person proved an email address with a link; details.email (details.previousEmail on a change)",
)
EMAIL_VERIFICATION_FAILED = event_type(
    "auth.email.verification_failed", "A verification link was refused: unknown, used, expired or superseded"
)
