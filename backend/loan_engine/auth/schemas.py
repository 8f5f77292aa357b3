"""Request and response types of /auth (sign-up, sign-in, the signed-in person), on the shared ApiStruct
base: camelCase on the wire, unknown fields refused."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from loan_engine.api.types import ApiStruct
from loan_engine.auth.passwords import MAX_LENGTH as PASSWORD_MAX
from loan_engine.auth.principal import Role, UserStatus
from loan_engine.errors import pattern_meaning

EMAIL_PATTERN = r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$"
Email = Annotated[
    str,
    msgspec.Meta(
        max_length=254,
        pattern=pattern_meaning(EMAIL_PATTERN, "must be an email address"),
        description="Email address (compared case-insensitively)",
        examples=["ada@example.com"],
    ),
]
DisplayName = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=100,
        pattern=pattern_meaning(
            r"^[^\x00-\x1f\x7f]*\S[^\x00-\x1f\x7f]*$", "must contain visible characters and no control characters"
        ),
    ),
]
NewPassword = Annotated[
    str,
    msgspec.Meta(
        max_length=PASSWORD_MAX,
        description="At least 12 characters and not easily guessed (zxcvbn score 3 or more)",
    ),
]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=PASSWORD_MAX)]


class RegisterRequest(ApiStruct):
    email: Email
    display_name: DisplayName
    password: NewPassword


class LoginRequest(ApiStruct):
    email: Email
    password: Password


class PasswordChangeRequest(ApiStruct):
    current_password: Password
    new_password: NewPassword


class UserRead(ApiStruct):
    id: uuid.UUID
    email: str
    display_name: str
    roles: list[Role]
    status: UserStatus
    created_at: datetime
    last_sign_in_at: datetime | None
    email_verified: bool = False


class SessionRead(ApiStruct):
    """A sign-in: the access token (send as `Authorization: Bearer …`) and who it belongs to. The refresh
    token travels only in the `le_refresh` cookie."""

    access_token: str
    expires_in: int
    user: UserRead
    token_type: Literal["Bearer"] = "Bearer"


class SignInRead(ApiStruct):
    """One of a person's sign-ins (a browser or device that holds a refresh token)."""

    id: uuid.UUID
    device: str | None  # the User-Agent it signed in with
    address: str | None  # the source address it signed in from
    started_at: datetime
    last_used_at: datetime  # its last sign-in or token refresh
    current: bool  # the sign-in making this request


class SignInList(ApiStruct):
    items: list[SignInRead]


class ProfileUpdate(ApiStruct):
    display_name: DisplayName


class PasswordResetRequest(ApiStruct):
    email: Email


class PasswordReset(ApiStruct):
    token: Annotated[str, msgspec.Meta(min_length=1, max_length=200, description="The token from the reset link")]
    new_password: NewPassword


class EmailVerification(ApiStruct):
    token: Annotated[str, msgspec.Meta(min_length=1, max_length=200, description="The token from the link")]


# ---- the second factor ------------------------------------------------------------------------

TotpCode = Annotated[
    str,
    msgspec.Meta(
        pattern=pattern_meaning(r"^\d{6}$", "must be the 6 digits the authenticator app shows"), examples=["123456"]
    ),
]
RecoveryCode = Annotated[
    str,
    msgspec.Meta(
        pattern=pattern_meaning(r"^[A-Za-z0-9 -]{16,24}$", "must be a recovery code like abcd-efgh-jkmn-pqrs"),
        examples=["abcd-efgh-jkmn-pqrs"],
    ),
]
SignInStep = Literal["challenge", "enrol"]
StepToken = Annotated[
    str, msgspec.Meta(min_length=1, max_length=200, description="The mfaToken of the sign-in's answer")
]


class MfaStepRead(ApiStruct):
    """The password was right and a second step is needed before the sign-in is issued: `challenge` (send
    a code or a recovery code to /auth/login/mfa) or `enrol` (staff without an authenticator: set one up
    with /auth/login/enrolment). `mfaToken` is good for this one step and `expiresIn` seconds."""

    step: SignInStep
    mfa_token: str
    expires_in: int


class MfaSignInCode(ApiStruct):
    """The second step of a sign-in: the challenge's token and either a code or a recovery code."""

    mfa_token: StepToken
    code: TotpCode | None = None
    recovery_code: RecoveryCode | None = None


class MfaStepToken(ApiStruct):
    mfa_token: StepToken


class MfaEnrolmentConfirm(ApiStruct):
    mfa_token: StepToken
    code: TotpCode


class MfaCode(ApiStruct):
    code: TotpCode


class MfaProofRequest(ApiStruct):
    """A current second factor: a code from the app, or one of the recovery codes (it is spent)."""

    code: TotpCode | None = None
    recovery_code: RecoveryCode | None = None


class MfaSetupRead(ApiStruct):
    """A new authenticator secret: enter `secret` in the app, or open `otpauthUri` (what a QR code holds)."""

    secret: str
    otpauth_uri: str


class RecoveryCodesRead(ApiStruct):
    """Ten one-time recovery codes, shown this once (only their digests are kept)."""

    codes: list[str]


class EnrolledSessionRead(ApiStruct):
    """The sign-in that an enrolment completed, with the new recovery codes (shown this once)."""

    access_token: str
    expires_in: int
    user: UserRead
    recovery_codes: list[str]
    token_type: Literal["Bearer"] = "Bearer"


class MfaStatusRead(ApiStruct):
    enabled: bool
    required: bool  # staff must have it; borrowers may turn it on and off
    enabled_at: datetime | None
    recovery_codes_left: int


# ---- email change -----------------------------------------------------------------------------


class EmailChangeRequest(ApiStruct):
    new_email: Email
    password: Password  # the current password: a borrowed unlocked screen cannot take the account


class EmailChangeRead(ApiStruct):
    """A link was sent to `pendingEmail`; the account keeps its current address until it is opened."""

    pending_email: str
    expires_at: datetime
