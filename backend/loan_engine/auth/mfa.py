"""The second factor of sign-in: a TOTP authenticator app and one-time recovery codes.

Required for staff (underwriter, admin): a staff member without it who signs in with the right password
gets an enrolment step instead of a session. Optional for borrowers (on and off from the account page).
The TOTP secret is sealed with the envelope encryption of `loan_engine.crypto` (a data key per account,
wrapped by the key-encryption key); recovery codes are kept only as digests and each works once.

Every code check is throttled like sign-in (`throttle.reserve` on the account's `mfa:<id>` key and the
source address): the key is separate from the password's, because a right password clears that one and
must not give a code guesser fresh attempts. Functions here join the caller's transaction; `MfaService`
holds the account page's use cases, `service.AuthService` the sign-in steps.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.api.request import RequestMeta
from loan_engine.audit.events import EventType
from loan_engine.audit.service import Outcome, Party, record
from loan_engine.auth import events, notices, repository, throttle, totp
from loan_engine.auth.models import MfaAuthenticator, User
from loan_engine.auth.principal import Role, UserPrincipal
from loan_engine.auth.schemas import MfaSetupRead, MfaStatusRead, RecoveryCodesRead
from loan_engine.crypto import KeyWrapper, open_field, seal_fields
from loan_engine.db.transactions import or_raise, require_transaction, transaction
from loan_engine.errors import ConflictError, LoanEngineError, RateLimitedError, ValidationError
from loan_engine.mail.compose import MailComposer

STAFF: Final = frozenset({Role.UNDERWRITER, Role.ADMIN})
MFA = throttle.ThrottlePolicy("mfa", free_failures=5, max_delay_s=15 * 60)
SECRET_FIELD: Final = "totp_secret"
NOT_CORRECT: Final = "is not correct"


class Method(StrEnum):
    TOTP = "totp"
    RECOVERY_CODE = "recovery_code"


class Refusal(StrEnum):
    WRONG_CODE = "wrong_code"
    REPLAYED_CODE = "replayed_code"
    WRONG_RECOVERY_CODE = "wrong_recovery_code"


@dataclass(frozen=True, slots=True)
class Proof:
    """What a person sent as their second factor: a code from the app or a recovery code (one of them)."""

    code: str | None = None
    recovery_code: str | None = None

    def __post_init__(self) -> None:
        if (self.code is None) == (self.recovery_code is None):
            raise ValidationError.one("code", "send either a code from the authenticator app or a recovery code")

    @property
    def field(self) -> str:
        return "code" if self.code is not None else "recoveryCode"


@dataclass(frozen=True, slots=True)
class Checked:
    method: Method | None  # None: refused
    refusal: Refusal | None = None
    recovery_codes_left: int = 0


def required_for(roles: frozenset[Role] | list[str]) -> bool:
    """Staff must use a second factor; borrowers may."""
    return any(Role(r) in STAFF for r in roles)


async def enabled(session: AsyncSession, user_id: uuid.UUID) -> bool:
    require_transaction(session)
    row = await repository.authenticator(session, user_id)
    return row is not None and row.confirmed_at is not None


def _secret(keys: KeyWrapper, row: MfaAuthenticator) -> str:
    return open_field(keys, row.user_id, row.wrapped_key, SECRET_FIELD, row.secret_sealed)


async def start_enrolment(session: AsyncSession, keys: KeyWrapper, user_id: uuid.UUID) -> str:
    """A new secret for the person's authenticator, waiting for a first code (replaces an unfinished
    enrolment; 409 when an authenticator is already confirmed). Returns the secret to show once."""
    require_transaction(session)
    row = await repository.authenticator(session, user_id, for_update=True)
    if row is not None and row.confirmed_at is not None:
        raise ConflictError("Two-step sign-in is already set up for this account")
    secret = totp.new_secret()
    sealed = seal_fields(keys, user_id, {SECRET_FIELD: secret})
    if row is None:
        row = MfaAuthenticator(user_id=user_id)
        session.add(row)
    row.wrapped_key, row.key_id, row.secret_sealed = sealed.wrapped_key, sealed.key_id, sealed.fields[SECRET_FIELD]
    row.created_at, row.last_step = datetime.now(UTC), None
    await session.flush()
    return secret


async def confirm_enrolment(session: AsyncSession, keys: KeyWrapper, user_id: uuid.UUID, code: str) -> list[str] | None:
    """Confirm an enrolment with a first code from the app: the authenticator counts from now on and ten
    fresh recovery codes are returned (to show once). None when the code is wrong or there is no
    enrolment in progress."""
    require_transaction(session)
    row = await repository.authenticator(session, user_id, for_update=True)
    if row is None or row.confirmed_at is not None:
        return None
    step = totp.matching_step(_secret(keys, row), code)
    if step is None:
        return None
    row.confirmed_at, row.last_step = datetime.now(UTC), step
    codes = totp.new_recovery_codes()
    await repository.replace_recovery_codes(session, user_id, [totp.recovery_digest(c) for c in codes])
    return codes


async def check(session: AsyncSession, keys: KeyWrapper, user_id: uuid.UUID, proof: Proof) -> Checked:
    """Check a second factor of a confirmed authenticator. A code is accepted once: its time step must
    come after the last one accepted (the row is locked, so concurrent requests are serialised). A
    recovery code is spent."""
    require_transaction(session)
    row = await repository.authenticator(session, user_id, for_update=True)
    if row is None or row.confirmed_at is None:
        return Checked(None, Refusal.WRONG_CODE if proof.code is not None else Refusal.WRONG_RECOVERY_CODE)
    if proof.recovery_code is not None:
        if not await repository.spend_recovery_code(session, user_id, totp.recovery_digest(proof.recovery_code)):
            return Checked(None, Refusal.WRONG_RECOVERY_CODE)
        return Checked(Method.RECOVERY_CODE, recovery_codes_left=await repository.recovery_codes_left(session, user_id))
    assert proof.code is not None
    step = totp.matching_step(_secret(keys, row), proof.code)
    if step is None:
        return Checked(None, Refusal.WRONG_CODE)
    if row.last_step is not None and step <= row.last_step:
        return Checked(None, Refusal.REPLAYED_CODE)
    row.last_step = step
    await session.flush()
    return Checked(Method.TOTP)


async def reserve_attempt(session: AsyncSession, user_id: uuid.UUID, meta: RequestMeta) -> RateLimitedError | None:
    """Reserve one code attempt on the account's and the source's back-off: None to go ahead, else the
    429 to return (after the commit, see `or_raise`)."""
    if wait := await throttle.reserve(session, [(MFA, str(user_id)), (throttle.SOURCE, meta.source_address)]):
        return RateLimitedError(wait, "Too many wrong codes; try again later")
    return None


async def attempt_succeeded(session: AsyncSession, user_id: uuid.UUID, meta: RequestMeta) -> None:
    await throttle.give_back(session, MFA, str(user_id), meta.source_address)


async def refused(
    session: AsyncSession, user_id: uuid.UUID, reason: str, during: str, meta: RequestMeta, *, field: str = "code"
) -> ValidationError:
    """Audit a refused code; returns the 422 to answer with once the transaction has committed (the audit
    row and the throttle count must stay), naming `field` (the wire name of what was sent)."""
    await record(
        session,
        events.MFA_CODE_REFUSED,
        actor=Party.user(user_id),
        subject=Party.user(user_id),
        outcome=Outcome.FAILURE,
        meta=meta,
        details={"reason": reason, "during": during},
    )
    return ValidationError.one(field, NOT_CORRECT)


async def accepted(  # noqa: PLR0917 - whose factor was checked and how, when, and the request
    session: AsyncSession,
    mail: MailComposer,
    user_id: uuid.UUID,
    checked: Checked,
    during: str,
    meta: RequestMeta,
) -> None:
    """After a right code (`check`): the back-off is cleared, and a spent recovery code is audited and the
    person told by mail (a used code may mean a lost phone, or a stolen code)."""
    await attempt_succeeded(session, user_id, meta)
    if checked.method is not Method.RECOVERY_CODE:
        return
    if (user := await repository.get_user(session, user_id)) is None:
        return
    left = checked.recovery_codes_left
    await _audited_alert(
        session,
        mail,
        user,
        events.MFA_RECOVERY_CODE_USED,
        meta,
        details={"left": left, "during": during},
        alert=notices.recovery_code_used,
        key="auth.recovery_code",
        left=left,
    )


async def enrolled(
    session: AsyncSession, mail: MailComposer, user_id: uuid.UUID, where: str, meta: RequestMeta
) -> None:
    if (user := await repository.get_user(session, user_id)) is None:
        return
    await _audited_alert(
        session,
        mail,
        user,
        events.MFA_ENROLLED,
        meta,
        details={"where": where},
        alert=notices.mfa_changed,
        key="auth.mfa_enabled",
        change="turned on",
    )


async def _audited_alert(
    session: AsyncSession,
    mail: MailComposer,
    person: User | UserPrincipal,
    event: EventType,
    meta: RequestMeta,
    *,
    details: dict[str, Any] | None,
    alert: Callable[..., Awaitable[None]],
    key: str,
    **values: object,
) -> None:
    """Audit something a person did with their own second factor and tell them by mail (`alert`, one of
    `notices`, given `values`), so that what they did not do is noticed. `key` names the mail's cause."""
    at = datetime.now(UTC)
    await record(session, event, actor=Party.user(person.id), subject=Party.user(person.id), meta=meta, details=details)
    await alert(
        session,
        mail,
        event_key=f"{key}:{person.id}:{at.isoformat()}",
        to=person.email,
        name=person.display_name,
        at=at,
        meta=meta,
        **values,
    )


class MfaService:
    """The account page's use cases: status, set up, turn off, new recovery codes."""

    def __init__(self, session: AsyncSession, keys: KeyWrapper, mail: MailComposer, issuer: str) -> None:
        self.session = session
        self.keys = keys
        self.mail = mail
        self.issuer = issuer

    async def status(self, principal: UserPrincipal) -> MfaStatusRead:
        async def load() -> MfaStatusRead:
            row = await repository.authenticator(self.session, principal.id)
            enabled_at = None if row is None else row.confirmed_at  # None too while an enrolment is unfinished
            left = await repository.recovery_codes_left(self.session, principal.id) if enabled_at else 0
            return MfaStatusRead(
                enabled=enabled_at is not None,
                required=required_for(principal.roles),
                enabled_at=enabled_at,
                recovery_codes_left=left,
            )

        return await transaction(self.session, load, read_only=True)

    async def begin(self, principal: UserPrincipal) -> MfaSetupRead:
        secret = await transaction(self.session, lambda: start_enrolment(self.session, self.keys, principal.id))
        return setup_read(secret, principal.email, self.issuer)

    async def confirm(self, principal: UserPrincipal, code: str, meta: RequestMeta) -> RecoveryCodesRead:
        async def run() -> RecoveryCodesRead | LoanEngineError:
            if limited := await reserve_attempt(self.session, principal.id, meta):
                return limited
            codes = await confirm_enrolment(self.session, self.keys, principal.id, code)
            if codes is None:
                return await refused(self.session, principal.id, Refusal.WRONG_CODE, "enrolment", meta)
            await attempt_succeeded(self.session, principal.id, meta)
            await enrolled(self.session, self.mail, principal.id, "account_page", meta)
            return RecoveryCodesRead(codes=codes)

        return or_raise(await transaction(self.session, run))

    async def disable(self, principal: UserPrincipal, proof: Proof, meta: RequestMeta) -> None:
        """Turn the second factor off (borrowers only: it is required for staff); needs a current code."""
        if required_for(principal.roles):
            raise ConflictError("Two-step sign-in is required for staff accounts and cannot be turned off")

        async def run() -> LoanEngineError | None:
            checked = await self._checked(principal, proof, "disable", meta)
            if isinstance(checked, LoanEngineError):
                return checked
            await repository.delete_second_factor(self.session, principal.id)
            await _audited_alert(
                self.session,
                self.mail,
                principal,
                events.MFA_DISABLED,
                meta,
                details=None,
                alert=notices.mfa_changed,
                key="auth.mfa_disabled",
                change="turned off",
            )
            return None

        or_raise(await transaction(self.session, run))

    async def regenerate(self, principal: UserPrincipal, proof: Proof, meta: RequestMeta) -> RecoveryCodesRead:
        """Ten new recovery codes; the earlier ones stop working. Needs a current code."""

        async def run() -> RecoveryCodesRead | LoanEngineError:
            checked = await self._checked(principal, proof, "recovery_codes", meta)
            if isinstance(checked, LoanEngineError):
                return checked
            codes = totp.new_recovery_codes()
            await repository.replace_recovery_codes(
                self.session, principal.id, [totp.recovery_digest(c) for c in codes]
            )
            await record(
                self.session,
                events.MFA_RECOVERY_CODES_REGENERATED,
                actor=Party.user(principal.id),
                subject=Party.user(principal.id),
                meta=meta,
            )
            return RecoveryCodesRead(codes=codes)

        return or_raise(await transaction(self.session, run))

    async def _checked(
        self, principal: UserPrincipal, proof: Proof, during: str, meta: RequestMeta
    ) -> Checked | LoanEngineError:
        if not await enabled(self.session, principal.id):
            return ConflictError("Two-step sign-in is not set up for this account")
        if limited := await reserve_attempt(self.session, principal.id, meta):
            return limited
        checked = await check(self.session, self.keys, principal.id, proof)
        if checked.method is None:
            return await refused(self.session, principal.id, str(checked.refusal), during, meta, field=proof.field)
        await accepted(self.session, self.mail, principal.id, checked, during, meta)
        return checked


def setup_read(secret: str, account: str, issuer: str) -> MfaSetupRead:
    return MfaSetupRead(secret=secret, otpauth_uri=totp.provisioning_uri(secret, account, issuer))
