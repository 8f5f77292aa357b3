"""HTTP for sign-up, sign-in, refresh, sign-out, the signed-in person and password change (/auth). The
OAuth token endpoint for API clients is `clients/`'s; the admin endpoints are `users/`'s and `clients/`'s."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TypeVar

from litestar import Controller, Response, get, patch, post
from litestar.datastructures import Cookie, State
from litestar.di import NamedDependency, Provide
from litestar.params import FromCookie, FromPath, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.api.request import AnyRequest, request_meta
from loan_engine.auth.accounts import user_read
from loan_engine.auth.guards import ANY_ROLE, BEARER, allow, current_user, trusted_origin
from loan_engine.auth.mfa import MfaService, Proof
from loan_engine.auth.recovery import RecoveryService
from loan_engine.auth.schemas import (
    EmailChangeRead,
    EmailChangeRequest,
    EmailVerification,
    EnrolledSessionRead,
    LoginRequest,
    MfaCode,
    MfaEnrolmentConfirm,
    MfaProofRequest,
    MfaSetupRead,
    MfaSignInCode,
    MfaStatusRead,
    MfaStepRead,
    MfaStepToken,
    PasswordChangeRequest,
    PasswordReset,
    PasswordResetRequest,
    ProfileUpdate,
    RecoveryCodesRead,
    RegisterRequest,
    SessionRead,
    SignInList,
    UserRead,
)
from loan_engine.auth.service import AuthService, IssuedSession, MfaStep
from loan_engine.auth.sessions import AccountService

T = TypeVar("T")
REFRESH_COOKIE = "le_refresh"
REFRESH_COOKIE_PATH = "/auth"
# A readable companion of the refresh cookie holding no secret ("1"): it tells the web app that a sign-in
# may exist, so a visitor without one makes no refresh call (and logs no failed request).
SESSION_HINT_COOKIE = "le_session"


async def provide_auth_service(db_session: NamedDependency[AsyncSession], state: State) -> AuthService:
    return AuthService(
        db_session,
        state.tokens,
        state.passwords,
        state.mail,
        keys=state.data_keys,
        issuer=state.settings.mail.lender_name,
    )


async def provide_mfa_service(db_session: NamedDependency[AsyncSession], state: State) -> MfaService:
    return MfaService(db_session, state.data_keys, state.mail, state.settings.mail.lender_name)


async def provide_recovery_service(db_session: NamedDependency[AsyncSession], state: State) -> RecoveryService:
    return RecoveryService(db_session, state.passwords, state.mail)


def refresh_cookie(value: str, expires_at: datetime) -> Cookie:
    """HttpOnly (no script can read it), Secure (HTTPS only; browsers accept it on http://localhost),
    SameSite=Strict (never sent cross-site, so no CSRF), and sent only to /auth."""
    max_age = max(0, int((expires_at - datetime.now(UTC)).total_seconds()))
    return Cookie(
        key=REFRESH_COOKIE,
        value=value,
        max_age=max_age,
        path=REFRESH_COOKIE_PATH,
        secure=True,
        httponly=True,
        samesite="strict",
    )


def cleared_refresh_cookie() -> Cookie:
    return Cookie(
        key=REFRESH_COOKIE,
        value="",
        max_age=0,
        expires=0,
        path=REFRESH_COOKIE_PATH,
        secure=True,
        httponly=True,
        samesite="strict",
    )


def session_hint_cookie(max_age: int) -> Cookie:
    """Readable by the page (no secret in it), site-wide, gone when the refresh cookie would be."""
    return Cookie(
        key=SESSION_HINT_COOKIE,
        value="1" if max_age else "",
        max_age=max_age,
        expires=None if max_age else 0,
        path="/",
        secure=True,
        httponly=False,
        samesite="strict",
    )


def _session_response(issued: IssuedSession, status_code: int) -> Response[SessionRead]:
    body = SessionRead(access_token=issued.access.token, expires_in=issued.access.expires_in, user=issued.user)
    return _with_cookies(body, issued, status_code)


def _with_cookies(body: T, issued: IssuedSession, status_code: int) -> Response[T]:
    refresh = refresh_cookie(issued.refresh_token, issued.refresh_expires_at)
    return Response(
        body,
        status_code=status_code,
        cookies=[refresh, session_hint_cookie(refresh.max_age or 0)],
        headers={"Cache-Control": "no-store"},
    )


async def provide_account_service(db_session: NamedDependency[AsyncSession]) -> AccountService:
    return AccountService(db_session)


class AuthController(Controller):
    path = "/auth"
    tags = ["auth"]
    dependencies = {
        "auth_service": Provide(provide_auth_service),
        "recovery": Provide(provide_recovery_service),
        "account": Provide(provide_account_service),
        "mfa": Provide(provide_mfa_service),
    }

    @post("/register", status_code=201, opt={"problems": (429,)}, summary="Create a borrower account and sign it in")
    async def register(
        self, request: AnyRequest, auth_service: NamedDependency[AuthService], data: JSONBody[RegisterRequest]
    ) -> Response[SessionRead]:
        """Returns the access token in the body and sets the `le_refresh` cookie. 409 when the email is
        taken; 422 when the password is shorter than 12 characters or easily guessed."""
        issued = await auth_service.register(data.email, data.display_name, data.password, request_meta(request))
        return _session_response(issued, 201)

    @post("/login", status_code=200, opt={"problems": (401, 429)}, summary="Sign in with email and password")
    async def login(
        self, request: AnyRequest, auth_service: NamedDependency[AuthService], data: JSONBody[LoginRequest]
    ) -> Response[SessionRead | MfaStepRead]:
        """A session, or, when the account has a second factor (or is staff without one), a step: the
        body is then `{step, mfaToken, expiresIn}` and no cookie is set (see /auth/login/mfa and
        /auth/login/enrolment). 401 for any wrong email/password combination (the same answer whether or
        not the account exists); 429 with Retry-After after repeated failures for the account or the
        source address."""
        outcome = await auth_service.login(data.email, data.password, request_meta(request))
        if isinstance(outcome, MfaStep):
            step = MfaStepRead(step=outcome.step, mfa_token=outcome.token, expires_in=outcome.expires_in)
            return Response(step, status_code=200, headers={"Cache-Control": "no-store"})
        return _session_response(outcome, 200)  # type: ignore[return-value]

    @post(
        "/login/mfa",
        status_code=200,
        opt={"problems": (401, 429)},
        summary="Finish a sign-in with a code from the authenticator app or a recovery code",
    )
    async def login_mfa(
        self, request: AnyRequest, auth_service: NamedDependency[AuthService], data: JSONBody[MfaSignInCode]
    ) -> Response[SessionRead]:
        """Send `mfaToken` from the sign-in's answer with `code` (6 digits) or `recoveryCode`. 422 when the
        code is wrong or already used (the step stays usable); 401 when the step expired or was completed;
        429 after repeated wrong codes."""
        proof = Proof(code=data.code, recovery_code=data.recovery_code)
        issued = await auth_service.complete_challenge(data.mfa_token, proof, request_meta(request))
        return _session_response(issued, 200)

    @post(
        "/login/enrolment",
        status_code=200,
        opt={"problems": (401, 409, 429)},
        summary="Staff's first sign-in: get a new authenticator secret to set up",
    )
    async def login_enrolment(
        self, request: AnyRequest, auth_service: NamedDependency[AuthService], data: JSONBody[MfaStepToken]
    ) -> Response[MfaSetupRead]:
        """With the `mfaToken` of an `enrol` step. Each call replaces the secret of an unfinished setup."""
        setup = await auth_service.begin_enrolment(data.mfa_token, request_meta(request))
        return Response(setup, headers={"Cache-Control": "no-store"})

    @post(
        "/login/enrolment/confirm",
        status_code=200,
        opt={"problems": (401, 429)},
        summary="Confirm the authenticator with its first code; the sign-in is issued with recovery codes",
    )
    async def login_enrolment_confirm(
        self, request: AnyRequest, auth_service: NamedDependency[AuthService], data: JSONBody[MfaEnrolmentConfirm]
    ) -> Response[EnrolledSessionRead]:
        """422 when the code is wrong; the recovery codes in the answer are shown this once."""
        done = await auth_service.confirm_enrolment(data.mfa_token, data.code, request_meta(request))
        issued = done.issued
        body = EnrolledSessionRead(
            access_token=issued.access.token,
            expires_in=issued.access.expires_in,
            user=issued.user,
            recovery_codes=done.recovery_codes,
        )
        return _with_cookies(body, issued, 200)

    @post(
        "/refresh",
        status_code=200,
        guards=[trusted_origin],
        opt={"problems": (401,)},
        summary="Rotate the refresh cookie and get a new access token",
    )
    async def refresh(
        self,
        request: AnyRequest,
        auth_service: NamedDependency[AuthService],
        le_refresh: FromCookie[str | None] = None,
    ) -> Response[SessionRead]:
        """The presented refresh token is spent; a used one presented again ends the whole sign-in."""
        issued = await auth_service.refresh(le_refresh, request_meta(request))
        return _session_response(issued, 200)

    @post(
        "/logout",
        status_code=204,
        guards=[trusted_origin],
        summary="Sign out: end this sign-in and clear the refresh cookie",
    )
    async def logout(
        self,
        request: AnyRequest,
        auth_service: NamedDependency[AuthService],
        le_refresh: FromCookie[str | None] = None,
    ) -> Response[None]:
        await auth_service.logout(le_refresh, request_meta(request))
        return Response(None, status_code=204, cookies=[cleared_refresh_cookie(), session_hint_cookie(0)])

    @get("/me", guards=[allow(roles=ANY_ROLE)], security=BEARER, summary="The signed-in person")
    async def me(self, request: AnyRequest) -> UserRead:
        return user_read(current_user(request))

    @post(
        "/password",
        status_code=204,
        opt={"problems": (429,)},
        guards=[allow(roles=ANY_ROLE)],
        security=BEARER,
        summary="Change the password; every other sign-in of the account ends",
    )
    async def change_password(
        self, request: AnyRequest, auth_service: NamedDependency[AuthService], data: JSONBody[PasswordChangeRequest]
    ) -> None:
        await auth_service.change_password(
            current_user(request), data.current_password, data.new_password, request_meta(request)
        )

    @post(
        "/password/forgot",
        status_code=202,
        opt={"problems": (429,)},
        summary="Ask for a password reset link by email (the answer is the same for any address)",
    )
    async def forgot_password(
        self, request: AnyRequest, recovery: NamedDependency[RecoveryService], data: JSONBody[PasswordResetRequest]
    ) -> None:
        """202 whether or not the address has an account: if it has, a link valid for 30 minutes is mailed
        to it. 429 with Retry-After after repeated requests for the address or from the source."""
        await recovery.request_reset(data.email, request_meta(request))

    @post(
        "/password/reset",
        status_code=204,
        opt={"problems": (429,)},
        summary="Set a new password with the token of a reset link; every sign-in of the account ends",
    )
    async def reset_password(
        self, request: AnyRequest, recovery: NamedDependency[RecoveryService], data: JSONBody[PasswordReset]
    ) -> None:
        """422 when the link is unknown, used, expired or superseded by a newer one (field `token`), or
        the new password is too weak (field `newPassword`)."""
        await recovery.reset_password(data.token, data.new_password, request_meta(request))

    @post(
        "/email/verify",
        status_code=204,
        opt={"problems": (409, 429)},
        summary="Prove an email address with the token of a verification link",
    )
    async def verify_email(
        self, request: AnyRequest, recovery: NamedDependency[RecoveryService], data: JSONBody[EmailVerification]
    ) -> None:
        """422 (field `token`) when the link is unknown, used, expired or superseded; 409 when, for an email
        change, another account took the address meanwhile."""
        await recovery.verify_email(data.token, request_meta(request))

    @post(
        "/email/verification",
        status_code=202,
        opt={"problems": (409, 429)},
        guards=[allow(roles=ANY_ROLE)],
        security=BEARER,
        summary="Send a new verification link to the signed-in person's address",
    )
    async def resend_verification(self, request: AnyRequest, recovery: NamedDependency[RecoveryService]) -> None:
        """409 when the address is already verified; 429 after repeated requests."""
        await recovery.resend_verification(current_user(request), request_meta(request))

    @patch("/me", guards=[allow(roles=ANY_ROLE)], security=BEARER, summary="Change the signed-in person's name")
    async def update_me(
        self, request: AnyRequest, account: NamedDependency[AccountService], data: JSONBody[ProfileUpdate]
    ) -> UserRead:
        return await account.update_profile(current_user(request), data.display_name, request_meta(request))

    @get("/sessions", guards=[allow(roles=ANY_ROLE)], security=BEARER, summary="The signed-in person's sign-ins")
    async def sign_ins(self, request: AnyRequest, account: NamedDependency[AccountService]) -> SignInList:
        """Every sign-in that still works (device, address, started, last used), most recently used first."""
        return await account.sign_ins(current_user(request))

    @post(
        "/sessions/{session_id:uuid}/end",
        status_code=204,
        opt={"problems": (404,)},
        guards=[allow(roles=ANY_ROLE)],
        security=BEARER,
        summary="End one of the signed-in person's sign-ins",
    )
    async def end_sign_in(
        self, request: AnyRequest, account: NamedDependency[AccountService], session_id: FromPath[uuid.UUID]
    ) -> None:
        """Its access and refresh tokens stop working at once. 404 for an unknown, ended or another
        person's sign-in."""
        await account.end_sign_in(current_user(request), session_id, request_meta(request))

    # ---- the second factor, from the account page ----------------------------------------------
    # Secrets and recovery codes are answered here without a Cache-Control of their own: these requests
    # carry an Authorization header, so the middleware makes every answer `no-store`. (The sign-in steps
    # above carry no credential, only a step token in the body, so they set it themselves.)

    @get("/mfa", guards=[allow(roles=ANY_ROLE)], security=BEARER, summary="The signed-in person's two-step sign-in")
    async def mfa_status(self, request: AnyRequest, mfa: NamedDependency[MfaService]) -> MfaStatusRead:
        return await mfa.status(current_user(request))

    @post(
        "/mfa/enrolment",
        status_code=200,
        opt={"problems": (409,)},
        guards=[allow(roles=ANY_ROLE)],
        security=BEARER,
        summary="Start setting up an authenticator app: a new secret",
    )
    async def mfa_begin(self, request: AnyRequest, mfa: NamedDependency[MfaService]) -> MfaSetupRead:
        """409 when two-step sign-in is already on."""
        return await mfa.begin(current_user(request))

    @post(
        "/mfa/enrolment/confirm",
        status_code=200,
        opt={"problems": (429,)},
        guards=[allow(roles=ANY_ROLE)],
        security=BEARER,
        summary="Turn two-step sign-in on with the app's first code; returns recovery codes",
    )
    async def mfa_confirm(
        self, request: AnyRequest, mfa: NamedDependency[MfaService], data: JSONBody[MfaCode]
    ) -> RecoveryCodesRead:
        """422 when the code is wrong or no setup was started."""
        return await mfa.confirm(current_user(request), data.code, request_meta(request))

    @post(
        "/mfa/disable",
        status_code=204,
        opt={"problems": (409, 429)},
        guards=[allow(roles=ANY_ROLE)],
        security=BEARER,
        summary="Turn two-step sign-in off (borrowers; needs a current code or a recovery code)",
    )
    async def mfa_disable(
        self, request: AnyRequest, mfa: NamedDependency[MfaService], data: JSONBody[MfaProofRequest]
    ) -> None:
        """409 for staff (it is required) or when it is not on; 422 when the code is wrong."""
        proof = Proof(code=data.code, recovery_code=data.recovery_code)
        await mfa.disable(current_user(request), proof, request_meta(request))

    @post(
        "/mfa/recovery-codes",
        status_code=200,
        opt={"problems": (409, 429)},
        guards=[allow(roles=ANY_ROLE)],
        security=BEARER,
        summary="Replace the recovery codes (needs a current code); the earlier ones stop working",
    )
    async def mfa_recovery_codes(
        self, request: AnyRequest, mfa: NamedDependency[MfaService], data: JSONBody[MfaProofRequest]
    ) -> RecoveryCodesRead:
        """409 when two-step sign-in is not on; 422 when the code is wrong."""
        proof = Proof(code=data.code, recovery_code=data.recovery_code)
        return await mfa.regenerate(current_user(request), proof, request_meta(request))

    # ---- email change ---------------------------------------------------------------------------

    @post(
        "/email/change",
        status_code=202,
        opt={"problems": (409, 429)},
        guards=[allow(roles=ANY_ROLE)],
        security=BEARER,
        summary="Change the email address: a confirmation link goes to the new one, a notice to the current one",
    )
    async def change_email(
        self, request: AnyRequest, recovery: NamedDependency[RecoveryService], data: JSONBody[EmailChangeRequest]
    ) -> EmailChangeRead:
        """The account keeps its address until the link (POST /auth/email/verify) is opened. 422 when the
        password is wrong or the address is the current one; 409 when another account has it."""
        return await recovery.request_email_change(
            current_user(request), data.new_email, data.password, request_meta(request)
        )
