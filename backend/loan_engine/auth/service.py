"""Registration, sign-in, refresh-token rotation, sign-out, password change, principals, and the admin
operations on people. Each public method owns its transactions; password hashing never runs inside one.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from loan_engine.audit.service import ANONYMOUS, AuditEvent, Outcome, Party, RequestMeta, record
from loan_engine.auth import repository, throttle
from loan_engine.auth.models import AuthSession, RefreshToken, User
from loan_engine.auth.passwords import PasswordHashing, check_policy, user_inputs_for
from loan_engine.auth.principal import ClientPrincipal, Principal, Role, Scope, UserPrincipal, UserStatus
from loan_engine.auth.schemas import EMAIL_PATTERN, UserPage, UserRead
from loan_engine.auth.tokens import (
    REFRESH_IDLE_TTL,
    SESSION_ABSOLUTE_TTL,
    AccessClaims,
    IssuedToken,
    TokenService,
    new_opaque_secret,
    secret_digest,
)
from loan_engine.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    RateLimitedError,
    ValidationError,
)

log = structlog.get_logger("loan_engine.auth")
INVALID_CREDENTIALS = "Invalid email or password"
INVALID_REFRESH = "The sign-in has ended or the refresh token is not valid; sign in again"


def normalize_email(email: str) -> str:
    return email.strip().lower()


@dataclass(frozen=True, slots=True)
class IssuedSession:
    """What a sign-in hands out: the access token (response body) and the refresh token (cookie)."""

    access: IssuedToken
    refresh_token: str
    refresh_expires_at: datetime
    user: UserRead


class AuthService:
    def __init__(self, session: AsyncSession, tokens: TokenService, passwords: PasswordHashing) -> None:
        self.session = session
        self.tokens = tokens
        self.passwords = passwords

    # ---- registration and sign-in -------------------------------------------------------------

    async def register(self, email: str, display_name: str, password: str, meta: RequestMeta) -> IssuedSession:
        """Create a borrower account and sign it in. A taken email counts as a failure of the source
        address, so probing for accounts through registration is throttled like password guessing."""
        email, display_name = normalize_email(email), display_name.strip()
        async with self.session.begin():
            wait = await throttle.retry_after_s(self.session, [throttle.SOURCE.key(meta.source_address)])
            taken = not wait and await repository.email_taken(self.session, email)
        if wait:
            raise RateLimitedError(wait, "Too many failed attempts from this address; try again later")
        if taken:
            async with self.session.begin():
                await throttle.record_failure(self.session, throttle.SOURCE, meta.source_address)
            raise ConflictError("An account with this email already exists")
        await check_policy(password, user_inputs_for(email, display_name))
        password_hash = await self.passwords.hash(password)
        now = datetime.now(UTC)
        async with self.session.begin():
            user = User(
                id=uuid.uuid4(),
                email=email,
                display_name=display_name,
                password_hash=password_hash,
                roles=[Role.BORROWER.value],
                status=UserStatus.ACTIVE.value,
                created_at=now,
                updated_at=now,
                password_changed_at=now,
                last_sign_in_at=now,
            )
            await repository.add(self.session, user)
            issued = await self._start_session(user, meta)
            await record(
                self.session,
                AuditEvent.USER_REGISTERED,
                actor=Party.user(user.id),
                subject=Party.user(user.id),
                meta=meta,
            )
        return issued

    async def login(self, email: str, password: str, meta: RequestMeta) -> IssuedSession:
        """Sign in. Unknown email, wrong password and disabled account all get the same 401 after the
        same work (one Argon2id verification); failures feed the account and source back-off."""
        email = normalize_email(email)
        keys = [throttle.ACCOUNT.key(email), throttle.SOURCE.key(meta.source_address)]
        async with self.session.begin():
            wait = await throttle.retry_after_s(self.session, keys)
            user = None if wait else await repository.get_user_by_email(self.session, email)
        if wait:
            log.info("sign_in_throttled", retry_after_s=wait)
            raise RateLimitedError(wait, "Too many failed sign-ins; try again later")
        check = await self.passwords.verify(user.password_hash if user else None, password)
        if user is None or not check.ok or user.status != UserStatus.ACTIVE:
            reason = "unknown_email" if user is None else "bad_password" if not check.ok else "disabled"
            async with self.session.begin():
                await throttle.record_failure(self.session, throttle.ACCOUNT, email)
                await throttle.record_failure(self.session, throttle.SOURCE, meta.source_address)
                await record(
                    self.session,
                    AuditEvent.LOGIN_FAILED,
                    actor=ANONYMOUS,
                    subject=Party.user(user.id) if user else Party.email(email),
                    outcome=Outcome.FAILURE,
                    meta=meta,
                    details={"reason": reason},
                )
            raise AuthenticationError(INVALID_CREDENTIALS)
        rehashed = await self.passwords.hash(password) if check.needs_rehash else None
        async with self.session.begin():
            await throttle.clear(self.session, throttle.ACCOUNT, email)
            user.last_sign_in_at = datetime.now(UTC)
            if rehashed is not None:  # the hash parameters were raised since this hash was made
                user.password_hash = rehashed
            await self.session.flush()
            issued = await self._start_session(user, meta)
            await record(
                self.session,
                AuditEvent.LOGIN_SUCCEEDED,
                actor=Party.user(user.id),
                subject=Party.user(user.id),
                meta=meta,
            )
        return issued

    async def _start_session(self, user: User, meta: RequestMeta) -> IssuedSession:
        now = datetime.now(UTC)
        auth_session = AuthSession(
            id=uuid.uuid4(),
            user_id=user.id,
            expires_at=now + SESSION_ABSOLUTE_TTL,
            source_address=meta.source_address[:64] if meta.source_address else None,
            user_agent=meta.user_agent[:256] if meta.user_agent else None,
        )
        await repository.add(self.session, auth_session)
        return await self._issue(user, auth_session, parent_id=None, now=now)

    async def _issue(
        self, user: User, auth_session: AuthSession, *, parent_id: uuid.UUID | None, now: datetime
    ) -> IssuedSession:
        raw = new_opaque_secret()
        token = RefreshToken(
            id=uuid.uuid4(),
            session_id=auth_session.id,
            parent_id=parent_id,
            token_hash=secret_digest(raw),
            expires_at=min(now + REFRESH_IDLE_TTL, auth_session.expires_at),
        )
        await repository.add(self.session, token)
        access = self.tokens.issue_for_user(user.id, auth_session.id, user.roles)
        return IssuedSession(access, raw, token.expires_at, user_read(user))

    # ---- refresh-token rotation ---------------------------------------------------------------

    async def refresh(self, raw_token: str | None, meta: RequestMeta) -> IssuedSession:
        """Rotate: the presented token is spent and a new one issued in the same family. A spent token
        presented again means it was copied: the whole family (sign-in) is revoked and audited."""
        if not raw_token:
            raise AuthenticationError("No refresh token was sent")
        issued: IssuedSession | None = None
        failure = "unknown"
        async with self.session.begin():
            found = await repository.refresh_token_for_update(self.session, secret_digest(raw_token))
            if found is not None:
                token, auth_session, user = found
                now = datetime.now(UTC)
                if auth_session.revoked_at is not None:
                    failure = "session_revoked"
                elif token.used_at is not None:
                    failure = "reused"
                    await repository.revoke_session(self.session, auth_session.id, "refresh_token_reuse")
                    await record(
                        self.session,
                        AuditEvent.REFRESH_REUSE_DETECTED,
                        actor=ANONYMOUS,
                        subject=Party.user(user.id),
                        outcome=Outcome.FAILURE,
                        meta=meta,
                        details={"sessionId": str(auth_session.id), "tokenUsedAt": token.used_at.isoformat()},
                    )
                elif token.expires_at <= now or auth_session.expires_at <= now:
                    failure = "expired"
                elif user.status != UserStatus.ACTIVE:
                    failure = "user_disabled"
                else:
                    await repository.mark_used(self.session, token.id, now)
                    issued = await self._issue(user, auth_session, parent_id=token.id, now=now)
        if issued is None:
            log.info("refresh_refused", reason=failure)
            raise AuthenticationError(INVALID_REFRESH)
        return issued

    async def logout(self, raw_token: str | None, meta: RequestMeta) -> None:
        """End the sign-in the refresh token belongs to (its access tokens stop working at once)."""
        if not raw_token:
            return
        async with self.session.begin():
            auth_session = await repository.session_of_refresh_token(self.session, secret_digest(raw_token))
            if auth_session is None or auth_session.revoked_at is not None:
                return
            await repository.revoke_session(self.session, auth_session.id, "logout")
            await record(
                self.session,
                AuditEvent.LOGOUT,
                actor=Party.user(auth_session.user_id),
                subject=Party.user(auth_session.user_id),
                meta=meta,
                details={"sessionId": str(auth_session.id)},
            )

    # ---- password change ----------------------------------------------------------------------

    async def change_password(self, principal: UserPrincipal, current: str, new: str, meta: RequestMeta) -> int:
        """Change the password and end every other sign-in of the user; returns how many ended. A wrong
        current password counts toward the account's sign-in back-off."""
        keys = [throttle.ACCOUNT.key(principal.email), throttle.SOURCE.key(meta.source_address)]
        async with self.session.begin():
            wait = await throttle.retry_after_s(self.session, keys)
            user = await repository.get_user(self.session, principal.id)
        if wait:
            raise RateLimitedError(wait, "Too many failed attempts; try again later")
        if user is None:
            raise AuthenticationError("The account no longer exists")
        check = await self.passwords.verify(user.password_hash, current)
        if not check.ok:
            async with self.session.begin():
                await throttle.record_failure(self.session, throttle.ACCOUNT, principal.email)
                await throttle.record_failure(self.session, throttle.SOURCE, meta.source_address)
                await record(
                    self.session,
                    AuditEvent.PASSWORD_CHANGE_FAILED,
                    actor=Party.user(user.id),
                    subject=Party.user(user.id),
                    outcome=Outcome.FAILURE,
                    meta=meta,
                    details={"reason": "bad_current_password"},
                )
            raise ValidationError.one("currentPassword", "is not correct")
        if new == current:
            raise ValidationError.one("newPassword", "must differ from the current password")
        await check_policy(new, user_inputs_for(user.email, user.display_name), field="newPassword")
        password_hash = await self.passwords.hash(new)
        async with self.session.begin():
            await repository.set_password(self.session, user.id, password_hash)
            ended = await repository.revoke_user_sessions(
                self.session, user.id, "password_changed", keep=principal.session_id
            )
            await throttle.clear(self.session, throttle.ACCOUNT, user.email)
            await record(
                self.session,
                AuditEvent.PASSWORD_CHANGED,
                actor=Party.user(user.id),
                subject=Party.user(user.id),
                meta=meta,
                details={"otherSessionsEnded": ended},
            )
        return ended


# ---- principals (used by the guards) ----------------------------------------------------------


async def load_principal(engine: AsyncEngine, claims: AccessClaims) -> Principal | None:
    """The caller behind verified claims, from the database as it is now: None when the user is disabled,
    the sign-in was revoked or has ended, or the API client was revoked. Roles and scopes come from the
    database, so a change applies to tokens already issued (ASVS 8.3.2).

    One SELECT on an autocommit connection: a single read needs no BEGIN/ROLLBACK round trips, and this
    runs on every authenticated request."""
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        if claims.client_id is not None:
            client = await repository.client_principal(connection, claims.subject)
            if client is None or client.revoked_at is not None or client.client_id != claims.client_id:
                return None
            granted = claims.scopes & frozenset(client.scopes)
            return ClientPrincipal(
                id=client.id,
                client_id=client.client_id,
                name=client.name,
                scopes=frozenset(Scope(s) for s in granted if s in Scope.__members__.values()),
            )
        assert claims.session_id is not None
        row = await repository.user_with_session(connection, claims.subject, claims.session_id)
    if row is None:
        return None
    if row.status != UserStatus.ACTIVE or row.revoked_at is not None or row.expires_at <= datetime.now(UTC):
        return None
    return UserPrincipal(
        id=row.id,
        email=row.email,
        display_name=row.display_name,
        roles=frozenset(Role(r) for r in row.roles),
        status=UserStatus(row.status),
        created_at=row.created_at,
        last_sign_in_at=row.last_sign_in_at,
        session_id=claims.session_id,
    )


# ---- admin: people ---------------------------------------------------------------------------


class UserAdminService:
    """What an admin may do to other people's accounts."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def search(
        self, *, text: str | None, role: Role | None, status: UserStatus | None, limit: int, offset: int
    ) -> UserPage:
        async with self.session.begin():
            rows, total = await repository.search_users(
                self.session,
                text=text.strip() if text else None,
                role=role.value if role else None,
                status=status.value if status else None,
                limit=limit,
                offset=offset,
            )
            items = [user_read(u) for u in rows]
        return UserPage(items=items, total=total, limit=limit, offset=offset)

    async def get(self, user_id: uuid.UUID) -> UserRead:
        async with self.session.begin():
            user = await repository.get_user(self.session, user_id)
            if user is None:
                raise NotFoundError("No such user")
            return user_read(user)

    async def set_roles(
        self, actor: UserPrincipal, user_id: uuid.UUID, roles: list[Role], meta: RequestMeta
    ) -> UserRead:
        _not_self(actor, user_id, "change your own roles")
        wanted = sorted({r.value for r in roles})
        async with self.session.begin():
            user = await self._locked(user_id)
            before = sorted(user.roles)
            if before != wanted:
                user.roles = wanted
                user.updated_at = datetime.now(UTC)
                await self.session.flush()
                await record(
                    self.session,
                    AuditEvent.ROLES_CHANGED,
                    actor=Party.user(actor.id),
                    subject=Party.user(user.id),
                    meta=meta,
                    details={"before": before, "after": wanted},
                )
            return user_read(user)

    async def set_status(
        self, actor: UserPrincipal, user_id: uuid.UUID, status: UserStatus, meta: RequestMeta
    ) -> UserRead:
        """Disable (ending every sign-in of the user at once) or enable an account."""
        _not_self(actor, user_id, "disable or enable your own account")
        async with self.session.begin():
            user = await self._locked(user_id)
            if user.status != status:
                user.status = status.value
                user.updated_at = datetime.now(UTC)
                await self.session.flush()
                details: dict[str, object] = {}
                if status is UserStatus.DISABLED:
                    details["sessionsEnded"] = await repository.revoke_user_sessions(
                        self.session, user.id, "user_disabled"
                    )
                event = AuditEvent.USER_DISABLED if status is UserStatus.DISABLED else AuditEvent.USER_ENABLED
                await record(
                    self.session,
                    event,
                    actor=Party.user(actor.id),
                    subject=Party.user(user.id),
                    meta=meta,
                    details=details,
                )
            return user_read(user)

    async def _locked(self, user_id: uuid.UUID) -> User:
        user = await repository.get_user(self.session, user_id, for_update=True)
        if user is None:
            raise NotFoundError("No such user")
        return user


def _not_self(actor: UserPrincipal, user_id: uuid.UUID, what: str) -> None:
    """Admins cannot lock themselves out; another admin (or `loan-engine users create-admin`) can."""
    if actor.id == user_id:
        raise ConflictError(f"You cannot {what}; ask another admin")


# ---- bootstrap (CLI) -------------------------------------------------------------------------


class AdminBootstrap:
    """`loan-engine users create-admin`: the first admin of a fresh deployment, without SQL."""

    def __init__(self, session: AsyncSession, passwords: PasswordHashing) -> None:
        self.session = session
        self.passwords = passwords

    async def create_admin(self, email: str, display_name: str, password: str) -> UserRead:
        email, display_name = normalize_email(email), display_name.strip()
        if len(email) > 254 or not re.match(EMAIL_PATTERN, email):
            raise ValidationError.one("email", "is not an email address")
        if not display_name or len(display_name) > 100:
            raise ValidationError.one("name", "must be 1 to 100 characters")
        async with self.session.begin():
            if await repository.email_taken(self.session, email):
                raise ConflictError(f"{email} already has an account (use --promote to make it an admin)")
        await check_policy(password, user_inputs_for(email, display_name))
        password_hash = await self.passwords.hash(password)
        async with self.session.begin():
            user = User(
                id=uuid.uuid4(),
                email=email,
                display_name=display_name,
                password_hash=password_hash,
                roles=[Role.ADMIN.value],
                status=UserStatus.ACTIVE.value,
            )
            await repository.add(self.session, user)
            await self.session.refresh(user)
            await record(
                self.session,
                AuditEvent.ADMIN_BOOTSTRAPPED,
                actor=Party.system("cli"),
                subject=Party.user(user.id),
                meta=RequestMeta(),
                details={"created": True},
            )
            return user_read(user)

    async def promote(self, email: str) -> UserRead:
        """Give an existing account the admin role and enable it (recovery when no admin can sign in)."""
        email = normalize_email(email)
        async with self.session.begin():
            user = await repository.get_user_by_email(self.session, email, for_update=True)
            if user is None:
                raise NotFoundError(f"{email} has no account")
            before = sorted(user.roles)
            user.roles = sorted({*user.roles, Role.ADMIN.value})
            user.status = UserStatus.ACTIVE.value
            user.updated_at = datetime.now(UTC)
            await self.session.flush()
            await record(
                self.session,
                AuditEvent.ADMIN_BOOTSTRAPPED,
                actor=Party.system("cli"),
                subject=Party.user(user.id),
                meta=RequestMeta(),
                details={"created": False, "before": before, "after": user.roles},
            )
            return user_read(user)


def user_read(user: User | UserPrincipal) -> UserRead:
    return UserRead(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        roles=sorted(Role(r) for r in user.roles),
        status=UserStatus(user.status),
        created_at=user.created_at,
        last_sign_in_at=user.last_sign_in_at,
    )
