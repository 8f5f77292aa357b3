"""Two-step sign-in through HTTP: enrolment from the account page and at a staff member's first sign-in,
sign-in with a code and with a recovery code, refusal of a replayed code, throttling of code guesses,
turning it off, new recovery codes; the secret sealed at rest, every event audited and alerted by mail."""

from __future__ import annotations

import time
import uuid

import pyotp
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.auth.conftest import (
    Client,
    MakeAccount,
    audit_rows,
    claims_of,
    enrol,
    login,
    outbox,
    sign_in,
    sql,
)


async def challenge(client: Client, email: str, password: str) -> str:
    response = await login(client, email, password)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["step"] == "challenge"
    assert "set-cookie" not in response.headers  # no sign-in yet
    assert "accessToken" not in body
    return str(body["mfaToken"])


async def test_a_borrower_turns_it_on_from_the_account_page(
    client: Client, db: AsyncEngine, make_account: MakeAccount
) -> None:
    account = await make_account()
    status = await client.get("/auth/mfa", headers=account.auth)
    assert status.json() == {"enabled": False, "required": False, "enabledAt": None, "recoveryCodesLeft": 0}
    setup = (await client.post("/auth/mfa/enrolment", headers=account.auth)).json()
    assert setup["otpauthUri"].startswith("otpauth://totp/")
    assert f"secret={setup['secret']}" in setup["otpauthUri"]
    wrong = await client.post("/auth/mfa/enrolment/confirm", json={"code": "000000"}, headers=account.auth)
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "code"
    assert (await client.get("/auth/mfa", headers=account.auth)).json()["enabled"] is False  # not until confirmed
    code = pyotp.TOTP(setup["secret"]).now()
    confirmed = await client.post("/auth/mfa/enrolment/confirm", json={"code": code}, headers=account.auth)
    assert confirmed.status_code == 200, confirmed.text
    codes = confirmed.json()["codes"]
    assert len(codes) == len(set(codes)) == 10
    status = (await client.get("/auth/mfa", headers=account.auth)).json()
    assert (status["enabled"], status["recoveryCodesLeft"]) == (True, 10)
    again = await client.post("/auth/mfa/enrolment", headers=account.auth)
    assert again.status_code == 409
    # at rest: the secret only sealed, the recovery codes only as digests
    stored = (await sql(db, "SELECT * FROM mfa_authenticators WHERE user_id = :id", id=uuid.UUID(account.id)))[0]
    assert setup["secret"].encode() not in stored.secret_sealed + stored.wrapped_key
    digests = await sql(db, "SELECT code_hash FROM mfa_recovery_codes WHERE user_id = :id", id=uuid.UUID(account.id))
    assert all(c.encode() not in d.code_hash for c in codes for d in digests)
    enrolled = await audit_rows(db, "auth.mfa.enrolled")
    assert [e.details for e in enrolled] == [{"where": "account_page"}]
    assert len(await audit_rows(db, "auth.mfa.code_refused")) == 1
    assert await outbox(db, "mfa_changed") == [account.email]


async def test_sign_in_with_a_code_then_the_same_code_is_refused(
    client: Client, db: AsyncEngine, make_account: MakeAccount
) -> None:
    account = await make_account(mfa=True)
    token = await challenge(client, account.email, account.password)
    assert (await client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})).status_code == 401
    code = await account.next_code()
    signed_in = await client.post("/auth/login/mfa", json={"mfaToken": token, "code": code})
    assert signed_in.status_code == 200, signed_in.text
    assert claims_of(signed_in.json()["accessToken"])["sub"] == account.id
    assert "le_refresh=" in signed_in.headers["set-cookie"]
    # the step is spent
    spent = await client.post("/auth/login/mfa", json={"mfaToken": token, "code": code})
    assert spent.status_code == 401
    # a new sign-in with the same code (same 30-second step) is a replay
    token = await challenge(client, account.email, account.password)
    replayed = await client.post("/auth/login/mfa", json={"mfaToken": token, "code": code})
    assert replayed.status_code == 422
    assert replayed.json()["errors"][0]["field"] == "code"
    reasons = [e.details["reason"] for e in await audit_rows(db, "auth.mfa.code_refused")]
    assert reasons == ["expired_step", "replayed_code"]
    succeeded = (await audit_rows(db, "auth.login.succeeded"))[-1]
    assert succeeded.details == {"secondFactor": "totp"}
    # the step is still usable with a fresh code
    fresh = await client.post("/auth/login/mfa", json={"mfaToken": token, "code": await account.next_code()})
    assert fresh.status_code == 200


async def test_sign_in_with_a_recovery_code_works_once(
    client: Client, db: AsyncEngine, make_account: MakeAccount
) -> None:
    account = await make_account(mfa=True)
    code = account.recovery_codes[0]
    token = await challenge(client, account.email, account.password)
    typed = code.upper().replace("-", " ")  # case, dashes and spaces do not matter
    signed_in = await client.post("/auth/login/mfa", json={"mfaToken": token, "recoveryCode": typed})
    assert signed_in.status_code == 200, signed_in.text
    token = await challenge(client, account.email, account.password)
    again = await client.post("/auth/login/mfa", json={"mfaToken": token, "recoveryCode": code})
    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] == "recoveryCode"
    both = await client.post("/auth/login/mfa", json={"mfaToken": token, "code": "123456", "recoveryCode": code})
    assert both.status_code == 422
    used = await audit_rows(db, "auth.mfa.recovery_code_used")
    assert [e.details for e in used] == [{"left": 9, "during": "sign_in"}]
    assert (
        await client.get("/auth/mfa", headers={"Authorization": f"Bearer {signed_in.json()['accessToken']}"})
    ).json()["recoveryCodesLeft"] == 9
    assert await outbox(db, "recovery_code_used") == [account.email]
    assert (await audit_rows(db, "auth.login.succeeded"))[-1].details == {"secondFactor": "recovery_code"}


async def test_staff_without_a_second_factor_must_enrol_before_getting_a_session(
    client: Client, db: AsyncEngine, make_account: MakeAccount
) -> None:
    staff = await make_account("underwriter")
    first = await login(client, staff.email, staff.password)
    assert first.status_code == 200
    step = first.json()
    assert step["step"] == "enrol"
    assert step["expiresIn"] == 15 * 60
    assert "set-cookie" not in first.headers
    # the step token is no bearer token and does not answer a challenge
    assert (await client.get("/auth/me", headers={"Authorization": f"Bearer {step['mfaToken']}"})).status_code == 401
    as_challenge = await client.post("/auth/login/mfa", json={"mfaToken": step["mfaToken"], "code": "123456"})
    assert as_challenge.status_code == 401
    setup = await client.post("/auth/login/enrolment", json={"mfaToken": step["mfaToken"]})
    assert setup.status_code == 200, setup.text
    secret = setup.json()["secret"]
    body = {"mfaToken": step["mfaToken"], "code": "000000"}
    assert (await client.post("/auth/login/enrolment/confirm", json=body)).status_code == 422
    body["code"] = pyotp.TOTP(secret).now()
    done = await client.post("/auth/login/enrolment/confirm", json=body)
    assert done.status_code == 200, done.text
    assert len(done.json()["recoveryCodes"]) == 10
    assert done.json()["user"]["roles"] == ["underwriter"]
    assert "le_refresh=" in done.headers["set-cookie"]
    assert (await client.post("/auth/login/enrolment/confirm", json=body)).status_code == 401  # spent
    staff.totp_secret, staff.last_step = secret, int(time.time() // 30)
    # from now on: a challenge, and it cannot be turned off
    assert (await sign_in(client, staff)).status_code == 200
    off = await client.post("/auth/mfa/disable", json={"code": "123456"}, headers=staff.auth)
    assert off.status_code == 409
    assert [e.details for e in await audit_rows(db, "auth.mfa.enrolled")] == [{"where": "sign_in"}]
    assert [e.details["step"] for e in await audit_rows(db, "auth.mfa.challenged")] == ["enrol", "challenge"]
    assert (await audit_rows(db, "auth.login.succeeded"))[0].details == {"secondFactor": "enrolled"}


async def test_code_guesses_are_throttled_and_a_right_password_does_not_reset_the_count(
    client: Client, db: AsyncEngine, make_account: MakeAccount
) -> None:
    account = await make_account(mfa=True)
    token = await challenge(client, account.email, account.password)
    wrong = "000000" if pyotp.TOTP(account.totp_secret or "").now() != "000000" else "111111"
    for _ in range(5):
        answer = await client.post("/auth/login/mfa", json={"mfaToken": token, "code": wrong})
        assert answer.status_code == 422
    throttled = await client.post("/auth/login/mfa", json={"mfaToken": token, "code": wrong})
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) >= 1
    # signing in with the password again clears the password's back-off, not the code's
    token = await challenge(client, account.email, account.password)
    assert (await client.post("/auth/login/mfa", json={"mfaToken": token, "code": wrong})).status_code == 429
    # once the wait is over, the right code gets in and clears the count
    await sql(db, "UPDATE auth_throttle SET next_allowed_at = now() WHERE key = :k", k=f"mfa:{account.id}")
    right = await client.post("/auth/login/mfa", json={"mfaToken": token, "code": await account.next_code()})
    assert right.status_code == 200, right.text
    assert await sql(db, "SELECT 1 FROM auth_throttle WHERE key = :k", k=f"mfa:{account.id}") == []


async def test_an_expired_step_is_refused(client: Client, db: AsyncEngine, make_account: MakeAccount) -> None:
    account = await make_account(mfa=True)
    token = await challenge(client, account.email, account.password)
    await sql(db, "UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE purpose = 'mfa_challenge'")
    late = await client.post("/auth/login/mfa", json={"mfaToken": token, "code": await account.next_code()})
    assert late.status_code == 401


async def test_a_borrower_turns_it_off_with_a_current_code(
    client: Client, db: AsyncEngine, make_account: MakeAccount
) -> None:
    account = await make_account(mfa=True)
    wrong = await client.post("/auth/mfa/disable", json={"code": "000000"}, headers=account.auth)
    assert wrong.status_code == 422
    nothing = await client.post("/auth/mfa/disable", json={}, headers=account.auth)
    assert nothing.status_code == 422
    off = await client.post("/auth/mfa/disable", json={"code": await account.next_code()}, headers=account.auth)
    assert off.status_code == 204
    assert (await client.get("/auth/mfa", headers=account.auth)).json()["enabled"] is False
    plain = await login(client, account.email, account.password)
    assert "accessToken" in plain.json()  # a session straight away again
    assert await sql(db, "SELECT 1 FROM mfa_recovery_codes WHERE user_id = :id", id=uuid.UUID(account.id)) == []
    assert len(await audit_rows(db, "auth.mfa.disabled")) == 1
    assert await outbox(db, "mfa_changed") == [account.email, account.email]
    again = await client.post("/auth/mfa/disable", json={"code": "123456"}, headers=account.auth)
    assert again.status_code == 409


async def test_new_recovery_codes_replace_the_old_ones(
    client: Client, db: AsyncEngine, make_account: MakeAccount
) -> None:
    account = await make_account(mfa=True)
    old = list(account.recovery_codes)
    response = await client.post(
        "/auth/mfa/recovery-codes", json={"code": await account.next_code()}, headers=account.auth
    )
    assert response.status_code == 200, response.text
    new = response.json()["codes"]
    assert len(new) == 10
    assert not set(new) & set(old)
    token = await challenge(client, account.email, account.password)
    stale = await client.post("/auth/login/mfa", json={"mfaToken": token, "recoveryCode": old[0]})
    assert stale.status_code == 422
    fresh = await client.post("/auth/login/mfa", json={"mfaToken": token, "recoveryCode": new[0]})
    assert fresh.status_code == 200
    assert len(await audit_rows(db, "auth.mfa.recovery_codes_regenerated")) == 1


async def test_enrolled_staff_fixture_signs_in_again(client: Client, make_account: MakeAccount) -> None:
    """The fixture path other suites use: an enrolled admin signs in with a code, and with a recovery code."""
    admin = await make_account("admin", mfa=True)
    assert (await sign_in(client, admin)).status_code == 200
    assert (await client.get("/api/admin/users", headers=admin.auth)).status_code == 200
    assert (await sign_in(client, admin, recovery=True)).status_code == 200
    assert len(admin.recovery_codes) == 9
    await enrol(client, await make_account())  # a borrower too, from the account page
