"""verify and status: the checklist fails loudly on the problems the cookbook's troubleshooting covers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import CLI, PREFIX, Edge, Result, make_build


@pytest.fixture
def live(cli: CLI, bootstrapped: Result, push_image: Callable[[str], None], edge: Edge, tmp_path: Path) -> Edge:
    push_image("aaa111")
    assert cli("deploy-api", "--image-tag", "aaa111", "--api-url", edge.url).code == 0
    assert cli("deploy-web", "--dist", str(make_build(tmp_path, "r1").root), "--release", "r1").code == 0
    return edge


def verify(cli: CLI, edge: Edge, *extra: str) -> Result:
    return cli("verify", "--api-url", edge.url, "--web-url", edge.url, *extra)


def test_missing_security_headers_and_api_answered_by_the_spa_fail_verification(cli: CLI, live: Edge) -> None:
    live.drop_headers = {"content-security-policy", "strict-transport-security"}
    # As if /api/* had no behaviour of its own: the SPA rule would answer with index.html.
    live.api = lambda path: live.answer("/index.html")  # type: ignore[method-assign]

    result = verify(cli, live, "--only", "web")

    assert result.code == 1
    assert "[FAIL] security headers: missing strict-transport-security, content-security-policy" in result.out
    assert "[FAIL] /api/* routed to the API: HTTP 200, text/html" in result.out
    assert "[PASS] deep link serves the app" in result.out
    assert result.err.startswith("loan-infra: error: 3 of 6 checks failed: security headers")


def test_verify_before_the_first_deploy_reports_the_empty_service(cli: CLI, bootstrapped: Result, edge: Edge) -> None:
    result = verify(cli, edge, "--only", "api")

    assert result.code == 1
    assert f"[FAIL] ECS service: {PREFIX}-api:1 COMPLETED, 0/0 tasks running" in result.out
    assert f"[FAIL] worker service: {PREFIX}-worker:1 COMPLETED, 0/0 tasks running" in result.out
    assert "[FAIL] ALB targets: 0 healthy" in result.out


def test_status_shows_revision_deployments_targets_and_releases(cli: CLI, live: Edge) -> None:
    result = cli("status")

    assert result.code == 0, result.err
    assert f"worker: {PREFIX}-worker on {PREFIX}-worker:2, 1/1 running" in result.out
    assert f"API service: {PREFIX}/{PREFIX}-api on {PREFIX}-api:2" in result.out
    assert "PRIMARY COMPLETED" in result.out
    assert result.out.count(": healthy") == 2
    assert "release r1 published" in result.out
