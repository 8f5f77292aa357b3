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
SESSION_ENDED = event_type("auth.session.ended", "A person ended one of their sign-ins from the account page")
PROFILE_UPDATED = event_type("user.profile.updated", "A person changed their name; details.before, details.after")
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
MFA_CHALLENGED = event_type(
    "auth.mfa.challenged",
    "A password was accepted and the sign-in waits for its second factor; details.step: challenge or enrol",
)
MFA_ENROLLED = event_type(
    "auth.mfa.enrolled", "A person set up an authenticator app; details.where: sign_in or account_page"
)
MFA_DISABLED = event_type("auth.mfa.disabled", "A person turned two-step sign-in off (borrowers only)")
MFA_CODE_REFUSED = event_type(
    "auth.mfa.code_refused",
    "A second-factor code was refused; details.reason: wrong_code, replayed_code, wrong_recovery_code or "
    "expired_step; details.during",
)
MFA_RECOVERY_CODE_USED = event_type(
    "auth.mfa.recovery_code_used", "A recovery code was spent; details.left, details.during"
)
MFA_RECOVERY_CODES_REGENERATED = event_type(
    "auth.mfa.recovery_codes_regenerated", "A person replaced their recovery codes (the earlier ones stop working)"
)
EMAIL_CHANGE_REQUESTED = event_type(
    "auth.email.change_requested",
    "A person asked to change their email; a link went to details.newEmail, a notice to the current address",
)
