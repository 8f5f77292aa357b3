"""Single-container mode: the SPA at /, index.html for client routes, the API never shadowed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from loan_engine.app import create_app
from loan_engine.settings import Settings

INDEX = "<!doctype html><title>Loan Engine</title>"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "assets" / "index-3f2a9c1b.js").write_text("console.log('app')")
    (tmp_path / "favicon.svg").write_text("<svg/>")
    (tmp_path.parent / "secret.txt").write_text("do not serve")
    return tmp_path


@pytest.fixture
async def web_client(settings: Settings, dist: Path):  # type: ignore[no-untyped-def]
    app = create_app(replace(settings, web_dist=dist))
    async with AsyncTestClient(app=app) as client:
        yield client


@pytest.mark.parametrize("path", ["/", "/loans/42", "/account/settings?tab=1"])
async def test_client_routes_get_index_html_uncached(web_client: AsyncTestClient, path: str) -> None:  # type: ignore[type-arg]
    response = await web_client.get(path)
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["referrer-policy"] == "no-referrer"


async def test_hashed_assets_are_immutable_for_a_year(web_client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    response = await web_client.get("/assets/index-3f2a9c1b.js")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "javascript" in response.headers["content-type"]


async def test_unhashed_files_are_no_cache(web_client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    response = await web_client.get("/favicon.svg")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"


async def test_a_missing_asset_is_404_not_index(web_client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await web_client.get("/assets/gone-123.js")).status_code == 404


@pytest.mark.parametrize("path", ["/api/unknown", "/auth/unknown", "/health/unknown", "/api"])
async def test_api_prefixes_are_never_shadowed(web_client: AsyncTestClient, path: str) -> None:  # type: ignore[type-arg]
    response = await web_client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_probes_and_docs_still_work(web_client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await web_client.get("/health/live")).json() == {"status": "ok"}
    assert (await web_client.get("/api/docs/openapi.json")).status_code == 200
    assert (await web_client.delete("/health/live")).status_code == 405


async def test_no_path_escapes_the_dist_folder(web_client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/assets/../../secret.txt"):
        response = await web_client.get(path)
        assert "do not serve" not in response.text
