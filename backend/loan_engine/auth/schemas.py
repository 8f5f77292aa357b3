"""Request and response types for /auth and /api/admin (msgspec; camelCase on the wire, except the
OAuth 2.0 token endpoint, whose field names RFC 6749 fixes in snake_case)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from loan_engine.auth.passwords import MAX_LENGTH as PASSWORD_MAX
from loan_engine.auth.principal import Role, Scope, UserStatus
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
ClientName = Annotated[
    str, msgspec.Meta(min_length=1, max_length=100, pattern=pattern_meaning(r"\S", "must contain visible characters"))
]


class RegisterRequest(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    email: Email
    display_name: DisplayName
    password: NewPassword


class LoginRequest(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    email: Email
    password: Password


class PasswordChangeRequest(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    current_password: Password
    new_password: NewPassword


class UserRead(msgspec.Struct, rename="camel"):
    id: uuid.UUID
    email: str
    display_name: str
    roles: list[Role]
    status: UserStatus
    created_at: datetime
    last_sign_in_at: datetime | None


class SessionRead(msgspec.Struct, rename="camel"):
    """A sign-in: the access token (send as `Authorization: Bearer …`) and who it belongs to. The refresh
    token travels only in the `le_refresh` cookie."""

    access_token: str
    expires_in: int
    user: UserRead
    token_type: Literal["Bearer"] = "Bearer"


class UserPage(msgspec.Struct, rename="camel"):
    items: list[UserRead]
    total: int
    limit: int
    offset: int


class RolesUpdate(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    roles: Annotated[list[Role], msgspec.Meta(min_length=1, max_length=3)]


class ClientCreate(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    name: ClientName
    scopes: Annotated[list[Scope], msgspec.Meta(min_length=1, max_length=len(Scope))]


class ClientRead(msgspec.Struct, rename="camel"):
    id: uuid.UUID
    client_id: str
    name: str
    scopes: list[Scope]
    created_at: datetime
    created_by: uuid.UUID | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class ClientCreated(msgspec.Struct, rename="camel"):
    """The new client, with its secret: shown this once, stored only as a hash."""

    client: ClientRead
    client_secret: str


class TokenForm(msgspec.Struct):
    """OAuth 2.0 client-credentials request (RFC 6749 §4.4), form-encoded. The client authenticates with
    HTTP Basic (client_secret_basic) or with client_id and client_secret in the form (client_secret_post)."""

    grant_type: str | None = None
    scope: str | None = None
    client_id: str | None = None
    client_secret: str | None = None


class TokenResponse(msgspec.Struct):
    """RFC 6749 §5.1 (snake_case by that RFC)."""

    access_token: str
    expires_in: int
    scope: str
    token_type: Literal["Bearer"] = "Bearer"
