"""What an admin may do to other people's accounts, and the bootstrap of the first admin.

The accounts are `auth`'s: these use cases call `auth.accounts` and add the rules of administration (an
admin cannot lock themselves out) and the audit trail, all in one transaction per use case.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.api.request import RequestMeta
from loan_engine.api.types import decode_cursor, encode_cursor
from loan_engine.audit.service import Party, record
from loan_engine.auth import accounts, notices
from loan_engine.auth.passwords import PasswordHashing, check_policy, user_inputs_for
from loan_engine.auth.principal import Role, UserPrincipal, UserStatus
from loan_engine.auth.schemas import EMAIL_PATTERN, UserRead
from loan_engine.db.transactions import transaction
from loan_engine.errors import ConflictError, NotFoundError, ValidationError
from loan_engine.mail.compose import MailComposer
from loan_engine.users import events
from loan_engine.users.schemas import MfaResetRead, UserPage

CLI = Party.system("cli")


@dataclass(frozen=True, slots=True)
class UserFilter:
    contains: str | None = None
    role: Role | None = None
    status: UserStatus | None = None


class UserAdminService:
    def __init__(self, session: AsyncSession, mail: MailComposer) -> None:
        self.session = session
        self.mail = mail

    async def search(self, where: UserFilter, *, cursor: str | None, limit: int) -> UserPage:
        """People matching the filter, newest first, a page at a time."""
        after = decode_cursor(cursor, tuple[datetime, uuid.UUID]) if cursor else None

        async def look() -> list[UserRead]:
            return await accounts.search(
                self.session,
                contains=where.contains,
                role=where.role,
                status=where.status,
                after=after,
                limit=limit + 1,
            )

        found = await transaction(self.session, look, read_only=True)
        last = found[limit - 1] if len(found) > limit else None
        return UserPage(items=found[:limit], next_cursor=encode_cursor((last.created_at, last.id)) if last else None)

    async def get(self, user_id: uuid.UUID) -> UserRead:
        user = await transaction(self.session, lambda: accounts.get(self.session, user_id), read_only=True)
        if user is None:
            raise NotFoundError("No such user")
        return user

    async def set_roles(
        self, actor: UserPrincipal, user_id: uuid.UUID, roles: list[Role], meta: RequestMeta
    ) -> UserRead:
        _not_self(actor, user_id, "change your own roles")

        async def change() -> UserRead:
            change = await accounts.set_roles(self.session, user_id, roles)
            if change.changed:
                await record(
                    self.session,
                    events.ROLES_CHANGED,
                    actor=Party.user(actor.id),
                    subject=Party.user(user_id),
                    meta=meta,
                    details={"before": change.before.roles, "after": change.after.roles},
                )
            return change.after

        return await transaction(self.session, change)

    async def set_status(
        self, actor: UserPrincipal, user_id: uuid.UUID, status: UserStatus, meta: RequestMeta
    ) -> UserRead:
        """Disable (ending every sign-in of the user at once) or enable an account."""
        _not_self(actor, user_id, "disable or enable your own account")

        async def change() -> UserRead:
            change = await accounts.set_status(self.session, user_id, status)
            if change.changed:
                disabled = status is UserStatus.DISABLED
                await record(
                    self.session,
                    events.USER_DISABLED if disabled else events.USER_ENABLED,
                    actor=Party.user(actor.id),
                    subject=Party.user(user_id),
                    meta=meta,
                    details={"sessionsEnded": change.sessions_ended} if disabled else {},
                )
            return change.after

        return await transaction(self.session, change)

    async def reset_mfa(self, actor: UserPrincipal, user_id: uuid.UUID, reason: str, meta: RequestMeta) -> MfaResetRead:
        """Reset a lost authenticator: the person's authenticator and recovery codes go, all their sign-ins
        end, and they are told by mail. Never one's own: another admin must check who is asking."""
        _not_self(actor, user_id, "reset your own two-step sign-in")
        reason = reason.strip()
        if not reason:
            raise ValidationError.one("reason", "Say why the authenticator is being reset.")

        async def reset() -> MfaResetRead:
            done = await accounts.reset_second_factor(self.session, user_id)
            at = datetime.now(UTC)
            await record(
                self.session,
                events.MFA_RESET,
                actor=Party.user(actor.id),
                subject=Party.user(user_id),
                meta=meta,
                details={
                    "reason": reason,
                    "hadAuthenticator": done.had_authenticator,
                    "sessionsEnded": done.sessions_ended,
                },
            )
            await notices.mfa_reset(
                self.session,
                self.mail,
                event_key=f"auth.mfa_reset:{user_id}:{at.isoformat()}",
                to=done.account.email,
                name=done.account.display_name,
                at=at,
            )
            return MfaResetRead(
                user=done.account, had_authenticator=done.had_authenticator, sessions_ended=done.sessions_ended
            )

        return await transaction(self.session, reset)


def _not_self(actor: UserPrincipal, user_id: uuid.UUID, what: str) -> None:
    """Admins cannot lock themselves out; another admin (or `loan-engine users create-admin`) can."""
    if actor.id == user_id:
        raise ConflictError(f"You cannot {what}; ask another admin")


class AdminBootstrap:
    """`loan-engine users create-admin`: the first admin of a fresh deployment, without SQL."""

    def __init__(self, session: AsyncSession, passwords: PasswordHashing) -> None:
        self.session = session
        self.passwords = passwords

    async def create_admin(self, email: str, display_name: str, password: str) -> UserRead:
        email, display_name = accounts.normalize_email(email), display_name.strip()
        if len(email) > 254 or not re.match(EMAIL_PATTERN, email):
            raise ValidationError.one("email", "Enter an email address, such as ops@bank.example.")
        if not display_name or len(display_name) > 100:
            raise ValidationError.one("name", "The name must be 1 to 100 characters long.")
        taken = await transaction(self.session, lambda: accounts.email_taken(self.session, email), read_only=True)
        if taken:  # before the policy and the hash: the operator's likelier mistake
            raise _taken(email)
        await check_policy(password, user_inputs_for(email, display_name))
        password_hash = await self.passwords.hash(password)  # outside the transaction

        async def create() -> UserRead:
            if await accounts.email_taken(self.session, email):
                raise _taken(email)
            admin = await accounts.create(self.session, email, display_name, password_hash, Role.ADMIN)
            await record(
                self.session,
                events.ADMIN_BOOTSTRAPPED,
                actor=CLI,
                subject=Party.user(admin.id),
                meta=RequestMeta(),
                details={"created": True},
            )
            return admin

        return await transaction(self.session, create)

    async def promote(self, email: str) -> UserRead:
        """Give an existing account the admin role and enable it (recovery when no admin can sign in)."""

        async def change() -> UserRead:
            change = await accounts.make_admin(self.session, email)
            await record(
                self.session,
                events.ADMIN_BOOTSTRAPPED,
                actor=CLI,
                subject=Party.user(change.after.id),
                meta=RequestMeta(),
                details={"created": False, "before": change.before.roles, "after": change.after.roles},
            )
            return change.after

        return await transaction(self.session, change)


def _taken(email: str) -> ConflictError:
    return ConflictError(f"{email} already has an account (use --promote to make it an admin)")
