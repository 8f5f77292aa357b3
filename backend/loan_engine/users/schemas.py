"""Request and response types of /api/admin/users (people are read as `auth.schemas.UserRead`)."""

from __future__ import annotations

from typing import Annotated

import msgspec

from loan_engine.api.types import ApiStruct
from loan_engine.auth.principal import Role
from loan_engine.auth.schemas import UserRead


class UserPage(ApiStruct):
    """Newest first. `nextCursor` is the `cursor` of the next page; null on the last page."""

    items: list[UserRead]
    next_cursor: str | None


class RolesUpdate(ApiStruct):
    roles: Annotated[list[Role], msgspec.Meta(min_length=1, max_length=len(Role))]


class MfaReset(ApiStruct):
    """Why the person's authenticator is being reset (kept in the audit trail, not mailed to them)."""

    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class MfaResetRead(ApiStruct):
    """The person after the reset, whether they had an authenticator, and how many sign-ins were ended."""

    user: UserRead
    had_authenticator: bool
    sessions_ended: int
