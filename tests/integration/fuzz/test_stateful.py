"""Stateful fuzzing (Schemathesis): sequences of calls that follow the links Schemathesis infers from the
OpenAPI document (an id a response returns fed into the next operation's path or body: create a product
then read and publish it, create an application then save and submit it, ...), as an admin, against the
real app on the test database, with every check after every call. A server error or an answer the
document does not describe fails the test.

Generation is positive (valid by the schema), derandomized and without shrinking or a replay database:
each sequence meets a database that earlier sequences changed, so a replay of the same bytes may take
another path, and Hypothesis would call that flaky rather than report the failure."""

from __future__ import annotations

from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test
from schemathesis import Case
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.schemas import OpenApiSchema

from tests.integration.fuzz.test_schemathesis import CONFIG, identities, server
from tests.integration.products.conftest import personal_loan

__all__ = ["identities", "server"]

SEQUENCES = 100
STEPS = 8

STATEFUL_CONFIG = (
    CONFIG
    + """
[phases.stateful.generation]
mode = "positive"
"""
)


def _publish_a_product(server: str, headers: dict[str, str]) -> None:
    """A published product for the links that start from the catalogue (a product's versions, policy)."""
    created = httpx.post(f"{server}/api/admin/products", json=personal_loan(), headers=headers, timeout=30)
    assert created.status_code in (201, 409), created.text
    httpx.post(f"{server}/api/admin/products/PERSONAL/versions/1/publish", headers=headers, timeout=30)


def test_linked_sequences_conform(server: str, identities: dict[str, str]) -> None:
    config = SchemathesisConfig.from_str(STATEFUL_CONFIG)
    schema: OpenApiSchema = schemathesis.openapi.from_url(f"{server}/api/docs/openapi.json", config=config)
    machine = schema.as_state_machine()
    headers = {"Authorization": f"Bearer {identities['admin']}"}
    _publish_a_product(server, headers)
    answered: list[tuple[str, int]] = []

    class AsAdmin(machine):  # type: ignore[misc,valid-type]
        def get_call_kwargs(self, case: Case[Any]) -> dict[str, Any]:
            return {"base_url": server, "headers": headers, "timeout": 60}

        def after_call(self, response: Any, case: Case[Any]) -> None:
            super().after_call(response, case)
            answered.append((case.operation.label, response.status_code))

    run_state_machine_as_test(
        AsAdmin,
        settings=settings(
            max_examples=SEQUENCES,
            stateful_step_count=STEPS,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        ),
    )

    # The sequences really ran and really followed links: calls past the first step of a sequence that
    # reached an operation on a stored resource (a path with an id) and were answered 2xx.
    on_stored = {label for label, status in answered if "{" in label and 200 <= status < 300}
    print(
        f"stateful: {len(answered)} calls, {len({label for label, _ in answered})} operations, "
        f"{len(on_stored)} operations on stored resources answered 2xx"
    )
    assert len(answered) > SEQUENCES
    assert on_stored
