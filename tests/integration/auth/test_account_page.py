"""The account page's API: a person's own sign-ins (device, address, started, last used; end any) and
their name."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.auth.conftest import STRONG_PASSWORD, Client, audit_rows, login, register, with_refresh


async def test_a_person_lists_their_sign_ins_and_ends_one(client: Client, db: AsyncEngine) -> None:
    account = await register(client)
    other = await login(client, account.email, STRONG_PASSWORD, headers={"User-Agent": "Phone-Browser/2"})
    assert other.status_code == 200
    other_auth = {"Authorization": f"Bearer {other.json()['accessToken']}"}

    listed = await client.get("/auth/sessions", headers=account.auth)
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert len(items) == 2
    assert [i["current"] for i in items].count(True) == 1
    phone = next(i for i in items if i["device"] == "Phone-Browser/2")
    assert phone["current"] is False
    assert {"address", "startedAt", "lastUsedAt"} <= phone.keys()

    ended = await client.post(f"/auth/sessions/{phone['id']}/end", headers=account.auth)
    assert ended.status_code == 204
    assert (await client.get("/auth/me", headers=other_auth)).status_code == 401  # at once, not in 15 min
    assert (await client.get("/auth/me", headers=account.auth)).status_code == 200
    assert len((await client.get("/auth/sessions", headers=account.auth)).json()["items"]) == 1
    assert (await client.post(f"/auth/sessions/{phone['id']}/end", headers=account.auth)).status_code == 404
    assert len(await audit_rows(db, "auth.session.ended")) == 1


async def test_nobody_sees_or_ends_another_persons_sign_in(client: Client) -> None:
    alice, bob = await register(client), await register(client)
    [bobs] = (await client.get("/auth/sessions", headers=bob.auth)).json()["items"]
    assert all(i["id"] != bobs["id"] for i in (await client.get("/auth/sessions", headers=alice.auth)).json()["items"])
    assert (await client.post(f"/auth/sessions/{bobs['id']}/end", headers=alice.auth)).status_code == 404
    assert (await client.get("/auth/me", headers=bob.auth)).status_code == 200


async def test_refreshing_moves_last_used(client: Client) -> None:
    account = await register(client)
    [before] = (await client.get("/auth/sessions", headers=account.auth)).json()["items"]
    refreshed = await client.post("/auth/refresh", headers=with_refresh(account.refresh_token))
    assert refreshed.status_code == 200
    auth = {"Authorization": f"Bearer {refreshed.json()['accessToken']}"}
    [after] = (await client.get("/auth/sessions", headers=auth)).json()["items"]
    assert after["lastUsedAt"] > before["lastUsedAt"]
    assert after["startedAt"] == before["startedAt"]


async def test_a_person_changes_their_name(client: Client, db: AsyncEngine) -> None:
    account = await register(client)
    changed = await client.patch("/auth/me", json={"displayName": "  Ada King  "}, headers=account.auth)
    assert changed.status_code == 200
    assert changed.json()["displayName"] == "Ada King"
    assert (await client.get("/auth/me", headers=account.auth)).json()["displayName"] == "Ada King"
    assert (await client.patch("/auth/me", json={"displayName": ""}, headers=account.auth)).status_code == 422
    [row] = await audit_rows(db, "user.profile.updated")
    assert row.details["after"] == {"displayName": "Ada King"}
