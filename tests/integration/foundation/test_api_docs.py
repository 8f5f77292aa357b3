"""The API reference at /api/docs is served entirely by our server: it works offline and under a CSP that
names no other origin."""

from __future__ import annotations

import re

from tests.integration.auth.conftest import Client


async def test_the_reference_loads_its_assets_from_our_own_server(client: Client) -> None:
    page = await client.get("/api/docs")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', page.text)
    assert len(assets) == 3, assets
    for asset in assets:
        assert asset.startswith("/api/docs/assets/"), asset
        served = await client.get(asset)
        assert served.status_code == 200, asset
        assert len(served.content) > 1_000
    csp = page.headers["content-security-policy"]
    assert "http" not in csp  # 'self' only: no CDN
    assert (await client.get("/api/docs/scalar")).status_code == 404
