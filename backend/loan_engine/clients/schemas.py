"""Request and response types for API clients: the admin endpoints (camelCase, on ApiStruct) and the
OAuth 2.0 token endpoint, whose field names RFC 6749 fixes in snake_case."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, ClassVar, Literal

import msgspec

from loan_engine.api.types import ApiStruct
from loan_engine.auth.principal import Scope
from loan_engine.errors import pattern_meaning

ClientName = Annotated[
    str,
    msgspec.Meta(
        min_length=1, max_length=100, pattern=pattern_meaning(r"\S", "The name must contain a visible character.")
    ),
]


class ClientCreate(ApiStruct):
    name: ClientName
    scopes: Annotated[list[Scope], msgspec.Meta(min_length=1, max_length=len(Scope))]


class ClientRead(ApiStruct):
    id: uuid.UUID
    client_id: str
    name: str
    scopes: list[Scope]
    created_at: datetime
    created_by: uuid.UUID | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class ClientCreated(ApiStruct):
    """The new client, with its secret: shown this once, stored only as a hash."""

    client: ClientRead
    client_secret: str


class ClientPage(ApiStruct):
    """Newest first. `nextCursor` is the `cursor` of the next page; null on the last page."""

    items: list[ClientRead]
    next_cursor: str | None


class TokenForm(ApiStruct, rename=None, forbid_unknown_fields=False):
    """OAuth 2.0 client-credentials request (RFC 6749 §4.4), form-encoded, in the RFC's snake_case; other
    parameters are ignored, as §3.2 requires. The client authenticates with HTTP Basic
    (client_secret_basic) or with client_id and client_secret in the form (client_secret_post)."""

    # The RFC requires grant_type and this server supports one value; the field is an optional string
    # here only so that a missing or other one gets the RFC's own error (`invalid_request`,
    # `unsupported_grant_type`) rather than a generic validation error. The OpenAPI document says both.
    openapi_required: ClassVar[tuple[str, ...]] = ("grant_type",)
    openapi_enums: ClassVar[dict[str, tuple[str, ...]]] = {"grant_type": ("client_credentials",)}

    grant_type: str | None = None
    scope: str | None = None
    client_id: str | None = None
    client_secret: str | None = None


class TokenResponse(ApiStruct, rename=None):
    """RFC 6749 §5.1 (snake_case by that RFC)."""

    access_token: str
    expires_in: int
    scope: str
    token_type: Literal["Bearer"] = "Bearer"
