"""The access matrix: every route of the app, for an anonymous caller, each role and an API client,
answers the expected status.

Routes are enumerated from the app itself, so a route added later without an entry here fails
`test_every_route_is_in_the_matrix`: whoever adds a route decides, in this file, who may call it.
Public routes are listed explicitly and must never answer 401 or 403.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient

from loan_engine.app import create_app
from loan_engine.auth.principal import Scope
from loan_engine.settings import Settings
from tests.conftest import truncate_all
from tests.integration.auth.conftest import Client, register, set_roles

WHO = ("anonymous", "borrower", "underwriter", "admin", "client")
PEOPLE = frozenset({"borrower", "underwriter", "admin"})
ADMIN = frozenset({"admin"})
STAFF = frozenset({"admin", "underwriter"})


@dataclass(frozen=True)
class Guarded:
    """Callers in `allowed` get `ok` for the probe request; an anonymous caller gets 401; anyone else 403.
    The API client in the matrix holds every scope, so it passes exactly where some scope is accepted."""

    allowed: frozenset[str]
    ok: int
    json: dict[str, Any] | None = None


@dataclass(frozen=True)
class Public:
    """Open to everyone: the same `status` for every caller (None: anything but 401/403)."""

    status: int | None = None
    json: dict[str, Any] | None = None
    form: dict[str, str] | None = field(default=None)


MATRIX: dict[tuple[str, str], Guarded | Public] = {
    ("GET", "/health/live"): Public(200),
    ("GET", "/health/ready"): Public(200),
    ("POST", "/auth/register"): Public(422, json={}),
    ("POST", "/auth/login"): Public(422, json={}),
    ("POST", "/auth/refresh"): Public(401),  # no refresh cookie: nothing to refresh, whoever you are
    ("POST", "/auth/logout"): Public(204),
    ("POST", "/auth/token"): Public(401, form={"grant_type": "client_credentials"}),  # no client auth: invalid_client
    # the second step of a sign-in: public, the step token is the credential (probes send an invalid body,
    # so the source address's back-off is not spent here)
    ("POST", "/auth/login/mfa"): Public(422, json={}),
    ("POST", "/auth/login/enrolment"): Public(422, json={}),
    ("POST", "/auth/login/enrolment/confirm"): Public(422, json={}),
    # two-step sign-in from the account page (nobody in the matrix has it on: 409 where it must be)
    ("GET", "/auth/mfa"): Guarded(PEOPLE, 200),
    ("POST", "/auth/mfa/enrolment"): Guarded(PEOPLE, 200),
    ("POST", "/auth/mfa/enrolment/confirm"): Guarded(PEOPLE, 422, json={}),
    ("POST", "/auth/mfa/disable"): Guarded(PEOPLE, 409, json={"code": "123456"}),
    ("POST", "/auth/mfa/recovery-codes"): Guarded(PEOPLE, 409, json={"code": "123456"}),
    ("POST", "/auth/email/change"): Guarded(PEOPLE, 422, json={}),
    ("GET", "/auth/me"): Guarded(PEOPLE, 200),
    ("POST", "/auth/password"): Guarded(
        PEOPLE, 422, json={"currentPassword": "not-the-password", "newPassword": "violet-harbor-compass-27"}
    ),
    # account recovery by mail: public (the probes send an invalid body or a token that matches nothing)
    ("POST", "/auth/password/forgot"): Public(422, json={}),
    ("POST", "/auth/password/reset"): Public(422, json={"token": "matrix-probe", "newPassword": "marble-orchid-58x"}),
    ("POST", "/auth/email/verify"): Public(422, json={"token": "matrix-probe"}),
    ("POST", "/auth/email/verification"): Guarded(PEOPLE, 202),
    # the account page: one's own sign-ins and name (another person's sign-in is a 404)
    ("PATCH", "/auth/me"): Guarded(PEOPLE, 200, json={"displayName": "Matrix Person"}),
    ("GET", "/auth/sessions"): Guarded(PEOPLE, 200),
    ("POST", "/auth/sessions/{session_id:uuid}/end"): Guarded(PEOPLE, 404),
    ("GET", "/api/admin/users"): Guarded(ADMIN, 200),
    ("GET", "/api/admin/users/{user_id:uuid}"): Guarded(ADMIN, 404),
    ("PUT", "/api/admin/users/{user_id:uuid}/roles"): Guarded(ADMIN, 404, json={"roles": ["borrower"]}),
    ("POST", "/api/admin/users/{user_id:uuid}/disable"): Guarded(ADMIN, 404),
    ("POST", "/api/admin/users/{user_id:uuid}/enable"): Guarded(ADMIN, 404),
    ("POST", "/api/admin/users/{user_id:uuid}/mfa/reset"): Guarded(ADMIN, 404, json={"reason": "lost phone"}),
    ("GET", "/api/admin/clients"): Guarded(ADMIN, 200),
    ("POST", "/api/admin/clients"): Guarded(ADMIN, 201, json={"name": "Matrix", "scopes": ["audit:read"]}),
    ("POST", "/api/admin/clients/{client_uuid:uuid}/revoke"): Guarded(ADMIN, 404),
    ("GET", "/api/admin/audit"): Guarded(ADMIN | {"client"}, 200),  # clients with the audit:read scope
    # products and credit policy: the catalog is public, the rest admins only (the probe's code is invalid: 422)
    ("GET", "/api/products"): Public(200),
    ("GET", "/api/products/{code:str}"): Public(422),
    ("POST", "/api/quotes/product"): Public(422, json={}),
    ("GET", "/api/admin/products"): Guarded(ADMIN, 200),
    ("POST", "/api/admin/products/quote-preview"): Guarded(ADMIN, 422, json={}),
    ("POST", "/api/admin/products"): Guarded(ADMIN, 422, json={}),
    ("GET", "/api/admin/products/{code:str}"): Guarded(ADMIN, 422),
    ("GET", "/api/admin/products/{code:str}/diff"): Guarded(ADMIN, 422),
    ("POST", "/api/admin/products/{code:str}/versions"): Guarded(ADMIN, 422, json={}),
    ("GET", "/api/admin/products/{code:str}/versions/{version:int}"): Guarded(ADMIN, 422),
    ("PUT", "/api/admin/products/{code:str}/versions/{version:int}"): Guarded(ADMIN, 422, json={}),
    ("POST", "/api/admin/products/{code:str}/versions/{version:int}/publish"): Guarded(ADMIN, 422),
    ("POST", "/api/admin/products/{code:str}/versions/{version:int}/retire"): Guarded(ADMIN, 422),
    ("GET", "/api/admin/products/{code:str}/policy/versions"): Guarded(ADMIN, 422),
    ("POST", "/api/admin/products/{code:str}/policy/versions"): Guarded(ADMIN, 422, json={}),
    ("POST", "/api/admin/products/{code:str}/policy/drafts"): Guarded(ADMIN, 422, json={}),
    ("GET", "/api/admin/products/{code:str}/policy/versions/{version:int}"): Guarded(ADMIN, 422),
    ("PUT", "/api/admin/products/{code:str}/policy/versions/{version:int}"): Guarded(ADMIN, 422, json={}),
    ("POST", "/api/admin/products/{code:str}/policy/versions/{version:int}/check"): Guarded(ADMIN, 422),
    ("POST", "/api/admin/products/{code:str}/policy/versions/{version:int}/simulate"): Guarded(ADMIN, 422, json={}),
    ("POST", "/api/admin/products/{code:str}/policy/versions/{version:int}/activate"): Guarded(ADMIN, 422),
    ("POST", "/api/admin/products/{code:str}/policy/versions/{version:int}/retire"): Guarded(ADMIN, 422),
    # the ledger: admins only
    ("GET", "/api/admin/ledger/check"): Guarded(ADMIN, 200),
    ("GET", "/api/admin/ledger/trial-balance"): Guarded(ADMIN, 200),
    # loans: staff book and disburse (and API clients with loans:write); every person may list and read (a
    # borrower their own: another's loan is a 404) and post (a borrower: payments to their own loans). The
    # probes send no Idempotency-Key, so an allowed POST answers 422 before anything happens.
    # applications: every person and API clients with applications:write apply and read (a borrower their
    # own, a client what it submitted: another's is a 404); staff alone see the trace, unmask and review.
    ("POST", "/api/applications"): Guarded(PEOPLE | {"client"}, 422, json={"borrowerId": str(uuid.uuid4())}),
    ("GET", "/api/applications"): Guarded(PEOPLE | {"client"}, 200),
    ("GET", "/api/applications/{application_id:uuid}"): Guarded(PEOPLE | {"client"}, 404),
    ("PATCH", "/api/applications/{application_id:uuid}"): Guarded(PEOPLE | {"client"}, 404, json={}),
    ("POST", "/api/applications/{application_id:uuid}/submit"): Guarded(PEOPLE | {"client"}, 422),
    ("POST", "/api/applications/{application_id:uuid}/withdraw"): Guarded(PEOPLE | {"client"}, 404),
    ("POST", "/api/applications/{application_id:uuid}/accept"): Guarded(PEOPLE | {"client"}, 422, json={}),
    ("GET", "/api/applications/{application_id:uuid}/notice"): Guarded(PEOPLE | {"client"}, 404),
    ("GET", "/api/applications/{application_id:uuid}/notice.pdf"): Guarded(PEOPLE | {"client"}, 404),
    ("GET", "/api/applications/{application_id:uuid}/review"): Guarded(STAFF, 404),
    ("GET", "/api/applications/{application_id:uuid}/sensitive"): Guarded(STAFF, 404),
    ("POST", "/api/applications/{application_id:uuid}/claim"): Guarded(STAFF, 404),
    ("POST", "/api/applications/{application_id:uuid}/release"): Guarded(STAFF, 404),
    ("POST", "/api/applications/{application_id:uuid}/decision"): Guarded(STAFF, 422, json={}),
    ("POST", "/api/applications/{application_id:uuid}/override/confirm"): Guarded(STAFF, 404),
    ("POST", "/api/loans"): Guarded(STAFF | {"client"}, 422, json={}),
    ("GET", "/api/loans"): Guarded(PEOPLE | {"client"}, 200),
    ("GET", "/api/loans/{loan_id:uuid}"): Guarded(PEOPLE | {"client"}, 404),
    ("POST", "/api/loans/{loan_id:uuid}/disbursement"): Guarded(STAFF | {"client"}, 422, json={}),
    ("POST", "/api/loans/{loan_id:uuid}/transactions"): Guarded(PEOPLE | {"client"}, 422, json={}),
    ("GET", "/api/loans/{loan_id:uuid}/transactions"): Guarded(PEOPLE | {"client"}, 404),
    ("GET", "/api/loans/{loan_id:uuid}/journal"): Guarded(PEOPLE | {"client"}, 404),
    ("GET", "/api/loans/{loan_id:uuid}/payoff"): Guarded(PEOPLE | {"client"}, 404),
    # single-container mode: the web app
    ("GET", "/"): Public(200),
    ("HEAD", "/"): Public(200),
    ("GET", "/{file_path:path}"): Public(200),
    ("HEAD", "/{file_path:path}"): Public(200),
}
# Whole families of public routes, any method: the API docs, and loan pricing (anyone may price a loan).
PUBLIC_PREFIXES = ("/api/docs", "/api/quotes", "/api/apr")


def entry_for(method: str, path: str) -> Guarded | Public | None:
    if (method, path) in MATRIX:
        return MATRIX[(method, path)]
    if any(path == p or path.startswith(p + "/") for p in PUBLIC_PREFIXES):
        return Public()
    return None


def app_routes(app: Litestar) -> list[tuple[str, str]]:
    return sorted(
        (method, route.path)
        for route in app.routes
        if isinstance(route, HTTPRoute)
        for method in route.methods
        if method != "OPTIONS"
    )


def concrete(path: str) -> str:
    """A callable URL for a route template: a fresh UUID for uuid parameters, a word for the rest."""

    def value(match: re.Match[str]) -> str:
        kind = match.group(2)
        return str(uuid.uuid4()) if kind == "uuid" else "1" if kind == "int" else "matrix-probe"

    return re.sub(r"\{(\w+):(\w+)\}", value, path)


@pytest.fixture
def web_dist(tmp_path: Path) -> Path:
    (tmp_path / "index.html").write_text("<!doctype html><title>Loan Engine</title>")
    return tmp_path


@pytest.fixture
async def full_app(settings: Settings, web_dist: Path) -> Litestar:
    """The app with every optional router on (the built web app too)."""
    return create_app(replace(settings, web_dist=web_dist))


@pytest.fixture
async def matrix_client(full_app: Litestar, database_url: str) -> AsyncIterator[Client]:
    async with AsyncTestClient(app=full_app, base_url="http://testserver.local") as test_client:
        yield test_client
    await truncate_all(database_url)


def test_every_route_is_in_the_matrix(full_app: Litestar) -> None:
    missing = [f"{m} {p}" for m, p in app_routes(full_app) if entry_for(m, p) is None]
    assert not missing, (
        "Routes without an access-matrix entry (add them to MATRIX in "
        f"tests/integration/auth/test_access_matrix.py): {missing}"
    )


def test_the_matrix_has_no_stale_entries(full_app: Litestar) -> None:
    routes = set(app_routes(full_app))
    assert [key for key in MATRIX if key not in routes] == []


async def test_every_route_answers_each_caller_as_the_matrix_says(
    matrix_client: Client, db: Any, full_app: Litestar
) -> None:
    headers = await callers(matrix_client, db)
    failures = []
    for method, path in app_routes(full_app):
        entry = entry_for(method, path)
        assert entry is not None
        url = concrete(path)
        for who in WHO:
            kwargs: dict[str, Any] = {"headers": headers[who]}
            if entry.json is not None:
                kwargs["json"] = entry.json
            if isinstance(entry, Public) and entry.form is not None:
                kwargs["data"] = entry.form
            response = await matrix_client.request(method, url, **kwargs)
            status = response.status_code
            if isinstance(entry, Public):
                expected = entry.status
                ok = status == expected if expected is not None else status not in (401, 403)
            else:
                expected = entry.ok if who in entry.allowed else 401 if who == "anonymous" else 403
                ok = status == expected
            if not ok:
                failures.append(f"{method} {path} as {who}: got {status}, expected {expected or 'not 401/403'}")
    assert not failures, "\n".join(failures)


async def callers(client: Client, db: Any) -> dict[str, dict[str, str]]:
    """Headers for each kind of caller: nobody, one person per role, and an API client with every scope."""
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    for role in ("borrower", "underwriter", "admin"):
        account = await register(client)
        await set_roles(db, account.id, role)
        headers[role] = account.auth
    created = await client.post(
        "/api/admin/clients",
        json={"name": "Matrix client", "scopes": [s.value for s in Scope]},
        headers=headers["admin"],
    )
    body = created.json()
    token = await client.post(
        "/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": body["client"]["clientId"],
            "client_secret": body["clientSecret"],
        },
    )
    headers["client"] = {"Authorization": f"Bearer {token.json()['access_token']}"}
    return headers
