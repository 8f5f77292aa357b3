"""Operations on accounts for the other identity packages (`users/` manages people, the CLI bootstraps
admins): they call these, never the account tables. Each joins the caller's transaction and returns
read models, not ORM rows.

Rules that belong to the account itself live here (a disabled account has no live sign-in); who may do
what, and what gets audited, is the caller's business.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.auth import repository
from loan_engine.auth.models import User
from loan_engine.auth.principal import Role, UserPrincipal, UserStatus
from loan_engine.auth.schemas import UserRead
from loan_engine.db.transactions import require_transaction
from loan_engine.errors import NotFoundError

AccountKey = tuple[datetime, uuid.UUID]  # (created_at, id): the order accounts are listed in, newest first


@dataclass(frozen=True, slots=True)
class AccountChange:
    """An account before and after a change (equal when there was nothing to change)."""

    before: UserRead
    after: UserRead
    sessions_ended: int = 0

    @property
    def changed(self) -> bool:
        return self.before != self.after


def normalize_email(email: str) -> str:
    return email.strip().lower()


async def email_taken(session: AsyncSession, email: str) -> bool:
    require_transaction(session)
    return await repository.email_taken(session, normalize_email(email))


async def create(session: AsyncSession, email: str, display_name: str, password_hash: str, role: Role) -> UserRead:
    """A new active account with one role (the email is unique: a race with another sign-up is a 409)."""
    require_transaction(session)
    user = new_user(normalize_email(email), display_name.strip(), password_hash, role)
    await repository.add(session, user)
    return user_read(user)


async def get(session: AsyncSession, user_id: uuid.UUID) -> UserRead | None:
    require_transaction(session)
    user = await repository.get_user(session, user_id)
    return None if user is None else user_read(user)


async def get_many(session: AsyncSession, user_ids: Sequence[uuid.UUID]) -> list[UserRead]:
    """The accounts of these ids that exist, in the order asked for (one query)."""
    require_transaction(session)
    found = {user.id: user for user in await repository.users_by_id(session, user_ids)}
    return [user_read(found[i]) for i in user_ids if i in found]


async def find_by_email(session: AsyncSession, email: str) -> UserRead | None:
    require_transaction(session)
    user = await repository.get_user_by_email(session, normalize_email(email))
    return None if user is None else user_read(user)


def is_verified(principal: UserPrincipal) -> bool:
    """The predicate other features call: has this person proven their email address? (An unverified
    borrower may price loans and start an application, but not submit one.)"""
    return principal.email_verified


async def search(
    session: AsyncSession,
    *,
    contains: str | None,
    role: Role | None,
    status: UserStatus | None,
    after: AccountKey | None,
    limit: int,
) -> list[UserRead]:
    """Accounts whose email or name contains `contains`, newest first, after the key `after`."""
    require_transaction(session)
    rows = await repository.search_users(
        session,
        contains=contains.strip() if contains else None,
        role=role.value if role else None,
        status=status.value if status else None,
        after=after,
        limit=limit,
    )
    return [user_read(u) for u in rows]


async def set_roles(session: AsyncSession, user_id: uuid.UUID, roles: list[Role]) -> AccountChange:
    """Replace an account's roles (they apply to its very next request: guards read them per request)."""
    require_transaction(session)
    user = await _locked(session, user_id)
    before = user_read(user)
    wanted = sorted({r.value for r in roles})
    if sorted(user.roles) != wanted:
        user.roles = wanted
        await _touched(session, user)
    return AccountChange(before, user_read(user))


async def set_status(session: AsyncSession, user_id: uuid.UUID, status: UserStatus) -> AccountChange:
    """Enable or disable an account; disabling ends every sign-in of it at once."""
    require_transaction(session)
    user = await _locked(session, user_id)
    before = user_read(user)
    ended = 0
    if user.status != status:
        user.status = status.value
        await _touched(session, user)
        if status is UserStatus.DISABLED:
            ended = await repository.revoke_user_sessions(session, user.id, "user_disabled")
    return AccountChange(before, user_read(user), sessions_ended=ended)


@dataclass(frozen=True, slots=True)
class SecondFactorReset:
    """What an admin's reset of a lost authenticator removed."""

    account: UserRead
    had_authenticator: bool
    sessions_ended: int


async def reset_second_factor(session: AsyncSession, user_id: uuid.UUID) -> SecondFactorReset:
    """Remove the person's authenticator and recovery codes and end every sign-in of theirs, so their next
    sign-in is by password alone (a borrower) or asks them to enrol again (staff: it is required)."""
    require_transaction(session)
    user = await _locked(session, user_id)
    had = await repository.authenticator(session, user.id, for_update=True) is not None
    await repository.delete_second_factor(session, user.id)
    ended = await repository.revoke_user_sessions(session, user.id, "mfa_reset")
    await _touched(session, user)
    return SecondFactorReset(user_read(user), had_authenticator=had, sessions_ended=ended)


async def make_admin(session: AsyncSession, email: str) -> AccountChange:
    """Add the admin role to an account and enable it (recovery when no admin can sign in)."""
    require_transaction(session)
    email = normalize_email(email)
    user = await repository.get_user_by_email(session, email, for_update=True)
    if user is None:
        raise NotFoundError(f"{email} has no account")
    before = user_read(user)
    user.roles = sorted({*user.roles, Role.ADMIN.value})
    user.status = UserStatus.ACTIVE.value
    await _touched(session, user)
    return AccountChange(before, user_read(user))


def new_user(email: str, display_name: str, password_hash: str, role: Role, *, signed_in: bool = False) -> User:
    """A new active account row; `signed_in` when its creation is also its first sign-in."""
    now = datetime.now(UTC)
    return User(
        id=uuid.uuid4(),
        email=email,
        display_name=display_name,
        password_hash=password_hash,
        roles=[role.value],
        status=UserStatus.ACTIVE.value,
        created_at=now,
        updated_at=now,
        password_changed_at=now,
        last_sign_in_at=now if signed_in else None,
    )


def user_read(user: User | UserPrincipal) -> UserRead:
    return UserRead(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        roles=sorted(Role(r) for r in user.roles),
        status=UserStatus(user.status),
        created_at=user.created_at,
        last_sign_in_at=user.last_sign_in_at,
        email_verified=user.email_verified_at is not None,
    )


async def _locked(session: AsyncSession, user_id: uuid.UUID) -> User:
    user = await repository.get_user(session, user_id, for_update=True)
    if user is None:
        raise NotFoundError("No such user")
    return user


async def _touched(session: AsyncSession, user: User) -> None:
    user.updated_at = datetime.now(UTC)
    await session.flush()
