"""HTTP for sign-up, sign-in, refresh, sign-out, the signed-in person and password change (/auth). The
OAuth token endpoint for API clients is `clients/`'s; the admin endpoints are `users/`'s and `clients/`'s."""

from __future__ import annotations

from datetime import UTC, datetime

from litestar import Controller, Response, get, post
from litestar.datastructures import Cookie, State
from litestar.di import NamedDependency, Provide
from litestar.params import FromCookie, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.api.request import AnyRequest, request_meta
from loan_engine.auth.accounts import user_read
from loan_engine.auth.guards import ANY_ROLE, BEARER, allow, current_user, trusted_origin
from loan_engine.auth.recovery import RecoveryService
from loan_engine.auth.schemas import (
    EmailVerification,
    LoginRequest,
    PasswordChangeRequest,
    PasswordReset,
    PasswordResetRequest,
    RegisterRequest,
    SessionRead,
    UserRead,
)
from loan_engine.auth.service import AuthService, IssuedSession

REFRESH_COOKIE = "le_refresh"
REFRESH_COOKIE_PATH = "/auth"
# A readable companion of the refresh cookie holding no secret ("1"): it tells the web app that a sign-in
# may exist, so a visitor without one makes no refresh call (and logs no failed request).
SESSION_HINT_COOKIE = "le_session"


async def provide_auth_service(db_session: NamedDependency[AsyncSession], state: State) -> AuthService:
    return AuthService(db_session, state.tokens, state.passwords, state.mail)


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
    refresh = refresh_cookie(issued.refresh_token, issued.refresh_expires_at)
    return Response(
        body,
        status_code=status_code,
        cookies=[refresh, session_hint_cookie(refresh.max_age or 0)],
        headers={"Cache-Control": "no-store"},
    )


class AuthController(Controller):
    path = "/auth"
    tags = ["auth"]
    dependencies = {
        "auth_service": Provide(provide_auth_service),
        "recovery": Provide(provide_recovery_service),
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
    ) -> Response[SessionRead]:
        """401 for any wrong email/password combination (the same answer whether or not the account
        exists); 429 with Retry-After after repeated failures for the account or the source address."""
        issued = await auth_service.login(data.email, data.password, request_meta(request))
        return _session_response(issued, 200)

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
