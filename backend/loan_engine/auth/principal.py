"""Who is calling: roles, API-client scopes and the authenticated principal a guard puts on the request."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    """A person's role. Roles are additive; each route names the roles it admits."""

    BORROWER = "borrower"
    UNDERWRITER = "underwriter"
    ADMIN = "admin"


class Scope(StrEnum):
    """What an API client may do. Only scopes some route accepts exist: a feature that gives API clients
    access to its routes adds its scopes here (see docs/SECURITY.md §2)."""

    APPLICATIONS_WRITE = "applications:write"
    AUDIT_READ = "audit:read"
    LOANS_READ = "loans:read"
    LOANS_WRITE = "loans:write"


class UserStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"


@dataclass(frozen=True, slots=True)
class UserPrincipal:
    """A signed-in person, as loaded from the database for this request (roles are current, not the token's)."""

    id: uuid.UUID
    email: str
    display_name: str
    roles: frozenset[Role]
    status: UserStatus
    created_at: datetime
    last_sign_in_at: datetime | None
    email_verified_at: datetime | None
    session_id: uuid.UUID

    @property
    def email_verified(self) -> bool:
        """Whether the person has proven their email address (a later "submit application" requires it)."""
        return self.email_verified_at is not None

    def has_any(self, roles: frozenset[Role]) -> bool:
        return not self.roles.isdisjoint(roles)


@dataclass(frozen=True, slots=True)
class ClientPrincipal:
    """An API client authenticated by a client-credentials access token."""

    id: uuid.UUID
    client_id: str
    name: str
    scopes: frozenset[Scope]


Principal = UserPrincipal | ClientPrincipal
