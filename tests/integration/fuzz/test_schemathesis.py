"""Schema-driven fuzzing (Schemathesis): every operation of the OpenAPI document, with every check, as
a borrower and as an admin, against the real app served by uvicorn on the test database. Any server
error or any answer the document does not describe fails the test; new routes are covered as they
are added, because the operations come from the document."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import Case
from schemathesis.config import SchemathesisConfig
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.schemas import OpenApiSchema
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from loan_engine.app import create_app
from loan_engine.settings import Environment, JwtSettings, Settings
from tests.conftest import TEST_JWT_SECRET, truncate_all
from tests.integration.auth.conftest import STRONG_PASSWORD
from tests.live_server import live_server

MAX_EXAMPLES = 25  # per operation and identity; the whole run stays within a few minutes on CI


async def _make_admin(database_url: str, user_id: str) -> None:
    engine = create_async_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE users SET roles = ARRAY['admin'] WHERE id = :id"), {"id": uuid.UUID(user_id)})
    await engine.dispose()


@pytest.fixture(scope="module")
def server(database_url: str) -> Iterator[str]:
    app = create_app(
        Settings(
            environment=Environment.TEST,
            database_url=database_url,
            db_pool_size=10,
            jwt=JwtSettings(secret=TEST_JWT_SECRET),
        )
    )
    with live_server(app) as url:
        yield url
    asyncio.run(truncate_all(database_url))


def _sign_up(url: str, name: str) -> dict[str, str]:
    email = f"fuzz-{name}-{uuid.uuid4().hex[:8]}@example.com"
    response = httpx.post(
        f"{url}/auth/register", json={"email": email, "displayName": name, "password": STRONG_PASSWORD}, timeout=30
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return {"id": body["user"]["id"], "token": body["accessToken"]}


@pytest.fixture(scope="module")
def identities(server: str, database_url: str) -> dict[str, str]:
    """Bearer tokens: a borrower and an admin (registered, then given the role in the database)."""
    borrower = _sign_up(server, "borrower")
    admin = _sign_up(server, "admin")
    asyncio.run(_make_admin(database_url, admin["id"]))
    return {"borrower": borrower["token"], "admin": admin["token"]}


# Every check runs. One is tuned: a request valid by the schema may still break a rule the schema cannot
# state (a weak password, a wrong current password, a first payment before the start, a NUL character,
# a draft that is not publishable), and that is a 422 naming the field, not a server fault.
CONFIG = """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "401", "403", "404", "409", "422", "429"]
"""


@pytest.fixture(scope="module")
def api_schema(server: str) -> OpenApiSchema:
    config = SchemathesisConfig.from_str(CONFIG)
    return schemathesis.openapi.from_url(f"{server}/api/docs/openapi.json", config=config)


def conformance_test(operation: Any, server: str, callers: list[dict[str, str]]) -> Callable[[], None]:
    """Hypothesis test of one operation: every generated case sent once per caller, every check."""

    @given(case=operation.as_strategy())
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def conforms(case: Case[Any]) -> None:
        for headers in callers:
            case.call_and_validate(base_url=server, headers=headers, timeout=60)

    return conforms


def test_every_operation_conforms(api_schema: OpenApiSchema, server: str, identities: dict[str, str]) -> None:
    """All of Schemathesis's checks on up to MAX_EXAMPLES generated requests per operation; every failure
    of every operation is reported at once. A route that declares bearer security is called as the
    borrower and as the admin; the others (public, or authenticated otherwise: the token endpoint takes
    HTTP Basic) anonymously."""
    bearers = [{"Authorization": f"Bearer {token}"} for token in identities.values()]
    failures: list[str] = []
    operations = 0
    for result in api_schema.get_all_operations():
        assert isinstance(result, Ok), result  # the document itself is valid
        operation = result.ok()
        operations += 1
        secured = bool(operation.definition.raw.get("security"))
        try:
            conformance_test(operation, server, bearers if secured else [{}])()
        except BaseException as exc:  # every operation's failures are collected, then reported at once
            failures.append(f"{operation.label}: {exc}")
    assert operations > 20
    assert not failures, "\n\n".join(failures)
