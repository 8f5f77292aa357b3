"""Sign-up, sign-in (with its second step: a code, or a staff member's enrolment), refresh-token rotation,
sign-out and password change.

Each public method is a use case: its writes run in one transaction (`db.transactions.transaction`),
joined by the throttle and the audit log; password hashing and verification never run inside one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.api.request import RequestMeta
from loan_engine.audit.service import ANONYMOUS, Outcome, Party, record
from loan_engine.auth import events, mfa, notices, repository, throttle
from loan_engine.auth.account_tokens import TTL, Purpose, issue, spend
from loan_engine.auth.accounts import new_user, normalize_email, user_read
from loan_engine.auth.models import AuthSession, RefreshToken, User
from loan_engine.auth.passwords import PasswordHashing, check_policy, user_inputs_for
from loan_engine.auth.principal import Role, UserPrincipal, UserStatus
from loan_engine.auth.recovery import send_verification
from loan_engine.auth.schemas import MfaSetupRead, SignInStep, UserRead
from loan_engine.auth.tokens import (
    REFRESH_IDLE_TTL,
    SESSION_ABSOLUTE_TTL,
    IssuedToken,
    TokenService,
    new_opaque_secret,
    secret_digest,
)
from loan_engine.crypto import KeyWrapper
from loan_engine.db.transactions import or_raise, require_transaction, transaction
from loan_engine.errors import (
    AuthenticationError,
    ConflictError,
    LoanEngineError,
    RateLimitedError,
    ValidationError,
)
from loan_engine.mail.compose import MailComposer
from loan_engine.settings import MailSettings

log = structlog.get_logger("loan_engine.auth")
INVALID_CREDENTIALS = "Invalid email or password"
INVALID_REFRESH = "The sign-in has ended or the refresh token is not valid; sign in again"
INVALID_STEP = "This sign-in step has expired or was already completed; sign in again"


@dataclass(frozen=True, slots=True)
class IssuedSession:
    """What a sign-in hands out: the access token (response body) and the refresh token (cookie)."""

    access: IssuedToken
    refresh_token: str
    refresh_expires_at: datetime
    user: UserRead


@dataclass(frozen=True, slots=True)
class MfaStep:
    """A right password whose sign-in needs a second step first (`challenge` or `enrol`)."""

    step: SignInStep
    token: str
    expires_in: int


@dataclass(frozen=True, slots=True)
class EnrolledSession:
    issued: IssuedSession
    recovery_codes: list[str]


class AuthService:
    """The sign-in use cases. Each runs its database work in one transaction (`db.transactions`); password
    hashing and verification (~50 ms of CPU) run outside it, so no transaction waits on Argon2id."""

    def __init__(
        self,
        session: AsyncSession,
        tokens: TokenService,
        passwords: PasswordHashing,
        mail: MailComposer | None = None,
        *,
        keys: KeyWrapper,  # seals TOTP secrets: always the app's own, never a fallback
        issuer: str = "Loan Engine",
    ) -> None:
        self.session = session
        self.tokens = tokens
        self.passwords = passwords
        self.mail = mail or MailComposer(MailSettings())
        self.keys = keys
        self.issuer = issuer  # the name authenticator apps show next to the code

    # ---- registration and sign-in -------------------------------------------------------------

    async def register(self, email: str, display_name: str, password: str, meta: RequestMeta) -> IssuedSession:
        """Create a borrower account and sign it in. A taken email counts as a failure of the source
        address, so probing for accounts through registration is throttled like password guessing."""
        email, display_name = normalize_email(email), display_name.strip()
        source = [throttle.SOURCE.key(meta.source_address)]
        # A look before the hash, so a throttled address costs no Argon2id; the transaction checks again.
        wait = await transaction(self.session, lambda: throttle.retry_after_s(self.session, source), read_only=True)
        if wait:
            raise RateLimitedError(wait, "Too many failed attempts from this address; try again later")
        await check_policy(password, user_inputs_for(email, display_name))
        password_hash = await self.passwords.hash(password)

        async def create() -> IssuedSession | LoanEngineError:
            await throttle.hold(self.session, source)  # parallel probes from one address queue here
            wait = await throttle.retry_after_s(self.session, source)
            if wait:
                return RateLimitedError(wait, "Too many failed attempts from this address; try again later")
            if await repository.email_taken(self.session, email):
                await throttle.record_failure(self.session, throttle.SOURCE, meta.source_address)
                return ConflictError("An account with this email already exists")
            user = new_user(email, display_name, password_hash, Role.BORROWER, signed_in=True)
            await repository.add(self.session, user)
            issued = await self._start_session(user, meta)
            await send_verification(self.session, self.mail, user)  # in the outbox, committed with the account
            await record(
                self.session,
                events.USER_REGISTERED,
                actor=Party.user(user.id),
                subject=Party.user(user.id),
                meta=meta,
            )
            return issued

        return or_raise(await transaction(self.session, create))

    async def login(self, email: str, password: str, meta: RequestMeta) -> IssuedSession | MfaStep:
        """Sign in. Unknown email, wrong password and disabled account all get the same 401 after the
        same work (one Argon2id verification). The attempt is reserved on the account and source
        back-off before the password is checked (`throttle.reserve`), so parallel guesses cannot outrun it.
        A right password of an account with a second factor, or of staff without one, gets a step
        (`MfaStep`) instead of a session."""
        email = normalize_email(email)
        attempts = [(throttle.ACCOUNT, email), (throttle.SOURCE, meta.source_address)]

        async def reserve() -> tuple[int, User | None]:
            wait = await throttle.reserve(self.session, attempts)
            return wait, None if wait else await repository.get_user_by_email(self.session, email)

        wait, user = await transaction(self.session, reserve)
        if wait:
            log.info("sign_in_throttled", retry_after_s=wait)
            raise RateLimitedError(wait, "Too many failed sign-ins; try again later")
        check = await self.passwords.verify(user.password_hash if user else None, password)
        if user is None or not check.ok or user.status != UserStatus.ACTIVE:
            reason = "unknown_email" if user is None else "bad_password" if not check.ok else "disabled"
            subject = Party.user(user.id) if user else Party.email(email)
            await transaction(self.session, lambda: self._sign_in_failed(subject, reason, meta))
            raise AuthenticationError(INVALID_CREDENTIALS)
        rehashed = await self.passwords.hash(password) if check.needs_rehash else None
        return await transaction(self.session, lambda: self._password_accepted(user.id, rehashed, meta))

    async def _sign_in_failed(self, subject: Party, reason: str, meta: RequestMeta) -> None:
        # the failure was counted when the attempt was reserved
        await record(
            self.session,
            events.LOGIN_FAILED,
            actor=ANONYMOUS,
            subject=subject,
            outcome=Outcome.FAILURE,
            meta=meta,
            details={"reason": reason},
        )

    async def _password_accepted(
        self, user_id: uuid.UUID, rehashed: str | None, meta: RequestMeta
    ) -> IssuedSession | MfaStep:
        # Loaded again: a retried transaction must not touch rows its rolled-back predecessor loaded.
        user = await repository.get_user(self.session, user_id)
        if user is None:
            raise AuthenticationError(INVALID_CREDENTIALS)
        await throttle.give_back(self.session, throttle.ACCOUNT, user.email, meta.source_address)
        if rehashed is not None:  # the hash parameters were raised since this hash was made
            user.password_hash = rehashed
            await self.session.flush()
        if await mfa.enabled(self.session, user.id):
            return await self._step(user, Purpose.MFA_CHALLENGE, "challenge", meta)
        if mfa.required_for(user.roles):
            return await self._step(user, Purpose.MFA_ENROLMENT, "enrol", meta)
        return await self._signed_in(user, meta, second_factor=None)

    async def _step(self, user: User, purpose: Purpose, step: SignInStep, meta: RequestMeta) -> MfaStep:
        """A single-purpose, short-lived token for the sign-in's next step (a newer one voids it)."""
        link = await issue(self.session, user.id, purpose, user.email)
        await record(
            self.session,
            events.MFA_CHALLENGED,
            actor=Party.user(user.id),
            subject=Party.user(user.id),
            meta=meta,
            details={"step": step},
        )
        return MfaStep(step, link.raw, int(TTL[purpose].total_seconds()))

    # ---- the second step of a sign-in ---------------------------------------------------------

    async def complete_challenge(self, raw_token: str, proof: mfa.Proof, meta: RequestMeta) -> IssuedSession:
        """Finish a sign-in with a code from the app or a recovery code. A wrong code is a 422 (the step
        stays usable until it expires); every attempt is throttled like sign-in."""

        async def attempt() -> IssuedSession | LoanEngineError:
            user_id = await self._step_owner(raw_token, Purpose.MFA_CHALLENGE, meta)
            if isinstance(user_id, LoanEngineError):
                return user_id
            checked = await mfa.check(self.session, self.keys, user_id, proof)
            if checked.method is None:
                return await mfa.refused(
                    self.session, user_id, str(checked.refusal), "sign_in", meta, field=proof.field
                )
            if await spend(self.session, raw_token, Purpose.MFA_CHALLENGE) is None:
                return AuthenticationError(INVALID_STEP)
            await mfa.accepted(self.session, self.mail, user_id, checked, "sign_in", meta)
            user = await repository.get_user(self.session, user_id)
            return await self._signed_in(user, meta, second_factor=checked.method.value)

        return or_raise(await transaction(self.session, attempt))

    async def begin_enrolment(self, raw_token: str, meta: RequestMeta) -> MfaSetupRead:
        """A staff member's first sign-in step: a new authenticator secret to enter in the app."""

        async def begin() -> MfaSetupRead | LoanEngineError:
            token = await repository.live_account_token(self.session, raw_token, Purpose.MFA_ENROLMENT.value)
            user = None if token is None else await repository.get_user(self.session, token.user_id)
            if token is None or user is None:
                return await self._step_refused(meta)
            secret = await mfa.start_enrolment(self.session, self.keys, user.id)
            return mfa.setup_read(secret, user.email, self.issuer)

        return or_raise(await transaction(self.session, begin))

    async def confirm_enrolment(self, raw_token: str, code: str, meta: RequestMeta) -> EnrolledSession:
        """Confirm the authenticator with its first code: the sign-in is issued, with recovery codes."""

        async def confirm() -> EnrolledSession | LoanEngineError:
            user_id = await self._step_owner(raw_token, Purpose.MFA_ENROLMENT, meta)
            if isinstance(user_id, LoanEngineError):
                return user_id
            codes = await mfa.confirm_enrolment(self.session, self.keys, user_id, code)
            if codes is None:
                return await mfa.refused(self.session, user_id, mfa.Refusal.WRONG_CODE, "enrolment", meta)
            if await spend(self.session, raw_token, Purpose.MFA_ENROLMENT) is None:
                return AuthenticationError(INVALID_STEP)
            await mfa.attempt_succeeded(self.session, user_id, meta)
            await mfa.enrolled(self.session, self.mail, user_id, "sign_in", meta)
            user = await repository.get_user(self.session, user_id)
            return EnrolledSession(await self._signed_in(user, meta, second_factor="enrolled"), codes)

        return or_raise(await transaction(self.session, confirm))

    async def _step_owner(self, raw_token: str, purpose: Purpose, meta: RequestMeta) -> uuid.UUID | LoanEngineError:
        """The account of a live step token, with one code attempt reserved on its back-off; or the
        refusal (an unknown or expired token counts against the source address)."""
        token = await repository.live_account_token(self.session, raw_token, purpose.value)
        if token is None:
            return await self._step_refused(meta)
        if limited := await mfa.reserve_attempt(self.session, token.user_id, meta):
            return limited
        return token.user_id

    async def _step_refused(self, meta: RequestMeta) -> LoanEngineError:
        if wait := await throttle.reserve(self.session, [(throttle.SOURCE, meta.source_address)]):
            return RateLimitedError(wait, "Too many failed attempts from this address; try again later")
        await record(
            self.session,
            events.MFA_CODE_REFUSED,
            actor=ANONYMOUS,
            subject=ANONYMOUS,
            outcome=Outcome.FAILURE,
            meta=meta,
            details={"reason": "expired_step", "during": "sign_in"},
        )
        return AuthenticationError(INVALID_STEP)

    async def _signed_in(self, user: User | None, meta: RequestMeta, *, second_factor: str | None) -> IssuedSession:
        """Issue the sign-in of `user` (loaded in this transaction; None: gone) once every factor is proven:
        the session, the new-sign-in alert, the audit row."""
        if user is None or user.status != UserStatus.ACTIVE:
            raise AuthenticationError(INVALID_CREDENTIALS)
        signed_in_at = datetime.now(UTC)
        user.last_sign_in_at = signed_in_at
        await self.session.flush()
        issued, auth_session_id = await self._start_session_with_id(user, meta)
        await notices.new_sign_in(
            self.session,
            self.mail,
            session_id=auth_session_id,
            to=user.email,
            name=user.display_name,
            at=signed_in_at,
            meta=meta,
        )
        await record(
            self.session,
            events.LOGIN_SUCCEEDED,
            actor=Party.user(user.id),
            subject=Party.user(user.id),
            meta=meta,
            details={"secondFactor": second_factor} if second_factor else None,
        )
        return issued

    async def _start_session(self, user: User, meta: RequestMeta) -> IssuedSession:
        return (await self._start_session_with_id(user, meta))[0]

    async def _start_session_with_id(self, user: User, meta: RequestMeta) -> tuple[IssuedSession, uuid.UUID]:
        now = datetime.now(UTC)
        auth_session = AuthSession(
            id=uuid.uuid4(),
            user_id=user.id,
            expires_at=now + SESSION_ABSOLUTE_TTL,
            source_address=meta.source_address[:64] if meta.source_address else None,
            user_agent=meta.user_agent[:256] if meta.user_agent else None,
        )
        await repository.add(self.session, auth_session)
        return await self._issue(user, auth_session, parent_id=None, now=now), auth_session.id

    async def _issue(
        self, user: User, auth_session: AuthSession, *, parent_id: uuid.UUID | None, now: datetime
    ) -> IssuedSession:
        require_transaction(self.session)
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

        async def rotate() -> IssuedSession | str:
            found = await repository.refresh_token_for_update(self.session, secret_digest(raw_token))
            if found is None:
                return "unknown"
            token, auth_session, user = found
            now = datetime.now(UTC)
            if auth_session.revoked_at is not None:
                return "session_revoked"
            if token.used_at is not None:
                await repository.revoke_session(self.session, auth_session.id, "refresh_token_reuse")
                await record(
                    self.session,
                    events.REFRESH_REUSE_DETECTED,
                    actor=ANONYMOUS,
                    subject=Party.user(user.id),
                    outcome=Outcome.FAILURE,
                    meta=meta,
                    details={"sessionId": str(auth_session.id), "tokenUsedAt": token.used_at.isoformat()},
                )
                return "reused"
            if token.expires_at <= now or auth_session.expires_at <= now:
                return "expired"
            if user.status != UserStatus.ACTIVE:
                return "user_disabled"
            await repository.mark_used(self.session, token.id, now)
            auth_session.last_used_at = now
            return await self._issue(user, auth_session, parent_id=token.id, now=now)

        # The reuse revocation must commit before the 401, so the refusal is raised after the transaction.
        outcome = await transaction(self.session, rotate)
        if isinstance(outcome, str):
            log.info("refresh_refused", reason=outcome)
            raise AuthenticationError(INVALID_REFRESH)
        return outcome

    async def logout(self, raw_token: str | None, meta: RequestMeta) -> None:
        """End the sign-in the refresh token belongs to (its access tokens stop working at once)."""
        if not raw_token:
            return

        async def end() -> None:
            auth_session = await repository.session_of_refresh_token(self.session, secret_digest(raw_token))
            if auth_session is None or auth_session.revoked_at is not None:
                return
            await repository.revoke_session(self.session, auth_session.id, "logout")
            await record(
                self.session,
                events.LOGOUT,
                actor=Party.user(auth_session.user_id),
                subject=Party.user(auth_session.user_id),
                meta=meta,
                details={"sessionId": str(auth_session.id)},
            )

        await transaction(self.session, end)

    # ---- password change ----------------------------------------------------------------------

    async def change_password(self, principal: UserPrincipal, current: str, new: str, meta: RequestMeta) -> int:
        """Change the password and end every other sign-in of the user; returns how many ended. The check
        of the current password is reserved on the account's and the address's sign-in back-off first,
        and a wrong one stays counted there."""
        user = await throttle.reserve_for_user(self.session, principal.id, principal.email, meta.source_address)
        check = await self.passwords.verify(user.password_hash, current)
        if not check.ok:
            await transaction(self.session, lambda: self._password_change_failed(principal, meta))
            raise ValidationError.one("currentPassword", "is not correct")
        try:
            if new == current:
                raise ValidationError.one("newPassword", "must differ from the current password")
            await check_policy(new, user_inputs_for(user.email, user.display_name), field="newPassword")
        except ValidationError:  # the current password was right: no failure to count
            await transaction(
                self.session,
                lambda: throttle.give_back(self.session, throttle.ACCOUNT, principal.email, meta.source_address),
            )
            raise
        password_hash = await self.passwords.hash(new)

        async def change() -> int:
            await repository.set_password(self.session, principal.id, password_hash)
            ended = await repository.revoke_user_sessions(
                self.session, principal.id, "password_changed", keep=principal.session_id
            )
            await throttle.give_back(self.session, throttle.ACCOUNT, principal.email, meta.source_address)
            await notices.password_changed(
                self.session,
                self.mail,
                user_id=principal.id,
                to=principal.email,
                name=principal.display_name,
                at=datetime.now(UTC),
                how="from the account page",
                ended=ended,
            )
            await record(
                self.session,
                events.PASSWORD_CHANGED,
                actor=Party.user(principal.id),
                subject=Party.user(principal.id),
                meta=meta,
                details={"otherSessionsEnded": ended},
            )
            return ended

        return await transaction(self.session, change)

    async def _password_change_failed(self, principal: UserPrincipal, meta: RequestMeta) -> None:
        # the failure was counted when the attempt was reserved
        await record(
            self.session,
            events.PASSWORD_CHANGE_FAILED,
            actor=Party.user(principal.id),
            subject=Party.user(principal.id),
            outcome=Outcome.FAILURE,
            meta=meta,
            details={"reason": "bad_current_password"},
        )
