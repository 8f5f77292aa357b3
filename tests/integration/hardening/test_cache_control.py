"""Answers to a credentialed request (they may carry personal data) are `Cache-Control: no-store`,
errors included, unless the route set its own; anonymous answers are left to each route."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from litestar.testing import AsyncTestClient

from loan_engine.app import create_app
from loan_engine.settings import Settings
from tests.integration.auth.conftest import Client, MakeAccount

QUOTE = {"principal": "1000", "annualRate": "5", "termPeriods": 12}


async def test_authenticated_answers_are_not_stored(client: Client, make_account: MakeAccount) -> None:
    admin = await make_account("admin")
    borrower = await make_account()
    for path in ("/auth/me", "/api/admin/users", "/api/admin/clients", "/api/admin/audit", "/api/admin/products"):
        response = await client.get(path, headers=admin.auth)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "no-store", path
    refused = await client.get("/api/admin/users", headers=borrower.auth)
    assert refused.status_code == 403
    assert refused.headers["cache-control"] == "no-store"
    quoted = await client.post("/api/quotes", json=QUOTE, headers=borrower.auth)
    assert quoted.status_code == 200
    assert quoted.headers["cache-control"] == "no-store"


async def test_anonymous_answers_are_left_to_the_route(client: Client) -> None:
    quoted = await client.post("/api/quotes", json=QUOTE)
    assert quoted.status_code == 200
    assert "cache-control" not in quoted.headers
    unknown = await client.get("/api/products")
    assert "cache-control" not in unknown.headers


async def test_a_route_that_sets_its_own_cache_control_keeps_it(settings: Settings, tmp_path: Path) -> None:
    """The web app's hashed assets are cacheable for a year even for a browser that sends a cookie."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html>")
    (tmp_path / "assets" / "index-3f2a9c1b.js").write_text("console.log('app')")
    async with AsyncTestClient(app=create_app(replace(settings, web_dist=tmp_path))) as web:
        response = await web.get("/assets/index-3f2a9c1b.js", headers={"Cookie": "theme=dark"})
    assert response.headers.get_list("cache-control") == ["public, max-age=31536000, immutable"]
