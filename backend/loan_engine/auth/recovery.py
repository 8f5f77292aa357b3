"""Password reset, email verification and email change: the use cases behind the links sent by mail.

A reset request answers the same whether or not the address has an account (the mail goes only to an
account's own address), and is throttled per address asked for and per source like sign-in
(`throttle.reserve`), on its own account key so that asking for resets cannot lock a person out of
signing in. A reset sets the new password, ends every sign-in of the account and spends the link; it
also proves the address (the link arrived there), so the email counts as verified.

An email change is a verification link sent to the new address (the token records it): the account
keeps its current address, which gets a notice, until the link is opened (`verify_email` then moves it).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.api.request import RequestMeta
from loan_engine.audit.events import EventType
from loan_engine.audit.service import ANONYMOUS, Outcome, Party, record
from loan_engine.auth import events, notices, repository, throttle
from loan_engine.auth.account_tokens import Purpose, issue, spend
from loan_engine.auth.accounts import normalize_email
from loan_engine.auth.models import User
from loan_engine.auth.passwords import PasswordHashing, check_policy, user_inputs_for
from loan_engine.auth.principal import UserPrincipal, UserStatus
from loan_engine.auth.schemas import EmailChangeRead
from loan_engine.db.transactions import or_raise, require_transaction, transaction
from loan_engine.errors import AuthenticationError, ConflictError, LoanEngineError, RateLimitedError, ValidationError
from loan_engine.mail.compose import MailComposer

RESET = throttle.ThrottlePolicy("reset", free_failures=3, max_delay_s=60 * 60)
VERIFY = throttle.ThrottlePolicy("verify", free_failures=3, max_delay_s=60 * 60)
INVALID_LINK = "is not valid: the link was already used, has expired, or a newer one was sent"


async def send_verification(session: AsyncSession, mail: MailComposer, user: User) -> None:
    """Queue a verification link for the account's address (sign-up and resend). Joins the transaction."""
    require_transaction(session)
    link = await issue(session, user.id, Purpose.EMAIL_VERIFICATION, user.email)
    await notices.verification(
        session,
        mail,
        token_id=link.id,
        to=user.email,
        name=user.display_name,
        raw=link.raw,
        expires_at=link.expires_at,
    )


class RecoveryService:
    def __init__(self, session: AsyncSession, passwords: PasswordHashing, mail: MailComposer) -> None:
        self.session = session
        self.passwords = passwords
        self.mail = mail

    async def request_reset(self, email: str, meta: RequestMeta) -> None:
        """Queue a reset link if the address has an active account; the caller learns nothing either way."""
        email = normalize_email(email)
        attempts = [(RESET, email), (throttle.SOURCE, meta.source_address)]

        async def request() -> LoanEngineError | None:
            if wait := await throttle.reserve(self.session, attempts):  # every request counts
                return RateLimitedError(wait, "Too many reset requests; try again later")
            user = await repository.get_user_by_email(self.session, email)
            known = user is not None and user.status == UserStatus.ACTIVE
            if user is not None and known:
                link = await issue(self.session, user.id, Purpose.PASSWORD_RESET, user.email)
                await notices.password_reset(
                    self.session,
                    self.mail,
                    token_id=link.id,
                    to=user.email,
                    name=user.display_name,
                    raw=link.raw,
                    expires_at=link.expires_at,
                )
            await record(
                self.session,
                events.PASSWORD_RESET_REQUESTED,
                actor=ANONYMOUS,
                subject=Party.user(user.id) if user else Party.email(email),
                meta=meta,
                details={"sent": known},
            )
            return None

        if error := await transaction(self.session, request):
            raise error

    async def reset_password(self, raw_token: str, new_password: str, meta: RequestMeta) -> None:
        """Set a new password with a reset link; every sign-in of the account ends."""
        source = [(throttle.SOURCE, meta.source_address)]

        async def peek() -> tuple[int, User | None]:
            # the policy check needs the account's name and email; the link is spent only in `change`
            if wait := await throttle.reserve(self.session, source):
                return wait, None
            token = await repository.live_account_token(self.session, raw_token, Purpose.PASSWORD_RESET.value)
            return 0, None if token is None else await repository.get_user(self.session, token.user_id)

        wait, user = await transaction(self.session, peek)
        if wait:
            raise RateLimitedError(wait, "Too many attempts from this address; try again later")
        if user is None:
            await transaction(self.session, lambda: self._link_refused(events.PASSWORD_RESET_FAILED, meta))
            raise ValidationError.one("token", INVALID_LINK)
        await check_policy(new_password, user_inputs_for(user.email, user.display_name), field="newPassword")
        password_hash = await self.passwords.hash(new_password)

        async def change() -> LoanEngineError | None:
            token = await spend(self.session, raw_token, Purpose.PASSWORD_RESET)
            account = None if token is None else await repository.get_user(self.session, token.user_id)
            if token is None or account is None or account.status != UserStatus.ACTIVE:
                await self._link_refused(events.PASSWORD_RESET_FAILED, meta)
                return ValidationError.one("token", INVALID_LINK)
            now = datetime.now(UTC)
            await repository.set_password(self.session, account.id, password_hash)
            ended = await repository.revoke_user_sessions(self.session, account.id, "password_reset")
            if account.email_verified_at is None and token.email == account.email:
                account.email_verified_at = now
            await throttle.refund(self.session, throttle.SOURCE, meta.source_address)
            await throttle.clear(self.session, throttle.ACCOUNT, account.email)  # a fresh start for sign-in
            await notices.password_changed(
                self.session,
                self.mail,
                user_id=account.id,
                to=account.email,
                name=account.display_name,
                at=now,
                how="with a reset link",
                ended=ended,
            )
            await record(
                self.session,
                events.PASSWORD_RESET_COMPLETED,
                actor=Party.user(account.id),
                subject=Party.user(account.id),
                meta=meta,
                details={"sessionsEnded": ended},
            )
            return None

        if error := await transaction(self.session, change):
            raise error

    async def verify_email(self, raw_token: str, meta: RequestMeta) -> None:
        """Mark the address the link was sent to as verified (for an email change, make it the account's)."""
        source = [(throttle.SOURCE, meta.source_address)]

        async def verify() -> LoanEngineError | None:
            if wait := await throttle.reserve(self.session, source):
                return RateLimitedError(wait, "Too many attempts from this address; try again later")
            token = await spend(self.session, raw_token, Purpose.EMAIL_VERIFICATION)
            user = None if token is None else await repository.get_user(self.session, token.user_id, for_update=True)
            if token is None or user is None:
                await self._link_refused(events.EMAIL_VERIFICATION_FAILED, meta)
                return ValidationError.one("token", INVALID_LINK)
            await throttle.refund(self.session, throttle.SOURCE, meta.source_address)
            before = user.email
            if token.email != user.email:  # an email change: the new address is proven now
                if await repository.email_taken(self.session, token.email):
                    return ConflictError("Another account has this email address now")
                user.email = token.email
            user.email_verified_at = datetime.now(UTC)
            user.updated_at = user.email_verified_at
            await self.session.flush()
            await record(
                self.session,
                events.EMAIL_VERIFIED,
                actor=Party.user(user.id),
                subject=Party.user(user.id),
                meta=meta,
                details={"email": user.email, **({"previousEmail": before} if before != user.email else {})},
            )
            return None

        if error := await transaction(self.session, verify):
            raise error

    async def resend_verification(self, principal: UserPrincipal, meta: RequestMeta) -> None:
        """Send a new verification link to the signed-in person's address (throttled per account)."""

        async def resend() -> LoanEngineError | None:
            if wait := await throttle.reserve(self.session, [(VERIFY, principal.email)]):
                return RateLimitedError(wait, "Too many verification mails; try again later")
            user = await repository.get_user(self.session, principal.id)
            if user is None:
                return AuthenticationError("The account no longer exists")
            if user.email_verified_at is not None:
                return ConflictError("The email address is already verified")
            await send_verification(self.session, self.mail, user)
            await record(
                self.session,
                events.EMAIL_VERIFICATION_SENT,
                actor=Party.user(user.id),
                subject=Party.user(user.id),
                meta=meta,
            )
            return None

        if error := await transaction(self.session, resend):
            raise error

    async def request_email_change(
        self, principal: UserPrincipal, new_email: str, password: str, meta: RequestMeta
    ) -> EmailChangeRead:
        """Send a confirmation link to `new_email` and a notice to the current address. The current
        password is required, and checked under the sign-in back-off like a password change."""
        new_email = normalize_email(new_email)
        if new_email == principal.email:
            raise ValidationError.one("newEmail", "is already the account's address")
        user = await throttle.reserve_for_user(self.session, principal.id, principal.email, meta.source_address)
        if not (await self.passwords.verify(user.password_hash, password)).ok:
            raise ValidationError.one("password", "is not correct")  # stays counted on the back-off

        async def change() -> EmailChangeRead | LoanEngineError:
            await throttle.give_back(self.session, throttle.ACCOUNT, principal.email, meta.source_address)
            if await repository.email_taken(self.session, new_email):  # counted like a taken sign-up email
                await throttle.record_failure(self.session, throttle.SOURCE, meta.source_address)
                return ConflictError("Another account has this email address")
            link = await issue(self.session, principal.id, Purpose.EMAIL_VERIFICATION, new_email)
            name = principal.display_name
            await notices.verification(
                self.session,
                self.mail,
                token_id=link.id,
                to=new_email,
                name=name,
                raw=link.raw,
                expires_at=link.expires_at,
            )
            await notices.email_change(
                self.session,
                self.mail,
                event_key=f"auth.email_change:{link.id}",
                to=principal.email,
                name=name,
                new_email=new_email,
                at=datetime.now(UTC),
            )
            await record(
                self.session,
                events.EMAIL_CHANGE_REQUESTED,
                actor=Party.user(principal.id),
                subject=Party.user(principal.id),
                meta=meta,
                details={"newEmail": new_email},
            )
            return EmailChangeRead(pending_email=new_email, expires_at=link.expires_at)

        return or_raise(await transaction(self.session, change))

    async def _link_refused(self, event: EventType, meta: RequestMeta) -> None:
        await record(self.session, event, actor=ANONYMOUS, subject=ANONYMOUS, outcome=Outcome.FAILURE, meta=meta)
