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


class PasswordResetRequest(ApiStruct):
    email: Email


class PasswordReset(ApiStruct):
    token: Annotated[str, msgspec.Meta(min_length=1, max_length=200, description="The token from the reset link")]
    new_password: NewPassword


class EmailVerification(ApiStruct):
    token: Annotated[str, msgspec.Meta(min_length=1, max_length=200, description="The token from the link")]
