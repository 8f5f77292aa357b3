"""Admin endpoints for people: list and search, change roles, disable and enable; and the audit query."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.auth.conftest import Client, MakeAccount, audit_rows, login, sql, with_refresh


async def test_list_and_search_people(client: Client, make_account: MakeAccount) -> None:
    admin = await make_account("admin")
    await make_account(email="ann.underwriter@bank.example")
    await make_account(email="bob@example.com")
    await make_account("underwriter", email="carol@bank.example")
    everyone = (await client.get("/api/admin/users", headers=admin.auth)).json()
    assert {"items", "nextCursor"} == set(everyone)
    assert len(everyone["items"]) == 4
    assert everyone["nextCursor"] is None
    newest_first = [u["email"] for u in everyone["items"]]
    assert newest_first[:3] == ["carol@bank.example", "bob@example.com", "ann.underwriter@bank.example"]
    found = (await client.get("/api/admin/users", params={"q": "BANK.example"}, headers=admin.auth)).json()
    assert sorted(u["email"] for u in found["items"]) == ["ann.underwriter@bank.example", "carol@bank.example"]
    staff = (await client.get("/api/admin/users", params={"role": "underwriter"}, headers=admin.auth)).json()
    assert [u["email"] for u in staff["items"]] == ["carol@bank.example"]
    wildcard = (await client.get("/api/admin/users", params={"q": "%"}, headers=admin.auth)).json()
    assert wildcard["items"] == []  # LIKE metacharacters are matched literally
    bad = await client.get("/api/admin/users", params={"limit": 500}, headers=admin.auth)
    assert bad.status_code == 422
    assert (await client.get("/api/admin/users", params={"role": "root"}, headers=admin.auth)).status_code == 422


async def test_the_people_list_pages_by_cursor_with_its_filters(client: Client, make_account: MakeAccount) -> None:
    admin = await make_account("admin")
    for i in range(5):
        await make_account(email=f"person-{i}@bank.example")
    seen: list[str] = []
    params: dict[str, str | int] = {"limit": 2, "q": "bank.example"}
    pages = 0
    while True:
        page = (await client.get("/api/admin/users", params=params, headers=admin.auth)).json()
        pages += 1
        seen += [u["email"] for u in page["items"]]
        if page["nextCursor"] is None:
            break
        params = {**params, "cursor": page["nextCursor"]}
    assert pages == 3
    assert seen == [f"person-{i}@bank.example" for i in reversed(range(5))]  # each once, newest first
    await make_account(email="person-late@bank.example")  # a new row does not shift the pages already read
    second = (await client.get("/api/admin/users", params={"limit": 2, "q": "bank.example"}, headers=admin.auth)).json()
    after = (
        await client.get(
            "/api/admin/users",
            params={"limit": 2, "q": "bank.example", "cursor": second["nextCursor"]},
            headers=admin.auth,
        )
    ).json()
    assert [u["email"] for u in after["items"]] == ["person-3@bank.example", "person-2@bank.example"]
    garbage = await client.get("/api/admin/users", params={"cursor": "not-a-cursor"}, headers=admin.auth)
    assert garbage.status_code == 422
    assert garbage.json()["errors"][0]["field"] == "cursor"


async def test_get_one_person(client: Client, make_account: MakeAccount) -> None:
    admin, bob = await make_account("admin"), await make_account()
    response = await client.get(f"/api/admin/users/{bob.id}", headers=admin.auth)
    assert response.status_code == 200
    assert response.json()["email"] == bob.email
    missing = await client.get("/api/admin/users/00000000-0000-4000-8000-000000000000", headers=admin.auth)
    assert missing.status_code == 404
    assert (await client.get("/api/admin/users/not-a-uuid", headers=admin.auth)).status_code in (400, 404, 422)


async def test_role_change_applies_to_the_next_request_and_is_audited(
    client: Client, db: AsyncEngine, make_account: MakeAccount
) -> None:
    admin, bob = await make_account("admin"), await make_account()
    assert (await client.get("/api/admin/users", headers=bob.auth)).status_code == 403
    response = await client.put(
        f"/api/admin/users/{bob.id}/roles", json={"roles": ["admin", "borrower"]}, headers=admin.auth
    )
    assert response.status_code == 200
    assert response.json()["roles"] == ["admin", "borrower"]
    # bob's existing token says "borrower", but roles are read from the database on each request
    assert (await client.get("/api/admin/users", headers=bob.auth)).status_code == 200
    await client.put(f"/api/admin/users/{bob.id}/roles", json={"roles": ["borrower"]}, headers=admin.auth)
    assert (await client.get("/api/admin/users", headers=bob.auth)).status_code == 403
    events = await audit_rows(db, "user.roles.changed")
    assert [(e.details["before"], e.details["after"]) for e in events] == [
        (["borrower"], ["admin", "borrower"]),
        (["admin", "borrower"], ["borrower"]),
    ]
    assert {(e.actor_id, e.subject_id) for e in events} == {(admin.id, bob.id)}
    assert (
        await client.put(f"/api/admin/users/{bob.id}/roles", json={"roles": []}, headers=admin.auth)
    ).status_code == 422
    assert (
        await client.put(f"/api/admin/users/{bob.id}/roles", json={"roles": ["owner"]}, headers=admin.auth)
    ).status_code == 422


async def test_admins_cannot_demote_or_disable_themselves(client: Client, make_account: MakeAccount) -> None:
    admin = await make_account("admin")
    demote = await client.put(f"/api/admin/users/{admin.id}/roles", json={"roles": ["borrower"]}, headers=admin.auth)
    assert demote.status_code == 409
    assert (await client.post(f"/api/admin/users/{admin.id}/disable", headers=admin.auth)).status_code == 409


async def test_disabling_ends_every_session_at_once_and_enabling_restores_sign_in(
    client: Client, db: AsyncEngine, make_account: MakeAccount
) -> None:
    admin, bob = await make_account("admin"), await make_account()
    second = await login(client, bob.email, bob.password)
    second_token = second.json()["accessToken"]
    response = await client.post(f"/api/admin/users/{bob.id}/disable", headers=admin.auth)
    assert response.status_code == 200
    assert response.json()["status"] == "disabled"
    for token in (bob.access_token, second_token):
        assert (await client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})).status_code == 401
    assert (await client.post("/auth/refresh", headers=with_refresh(bob.refresh_token))).status_code == 401
    assert (await login(client, bob.email, bob.password)).status_code == 401
    sessions = await sql(db, "SELECT revoked_reason FROM auth_sessions WHERE user_id = :id", id=uuid.UUID(bob.id))
    assert [s.revoked_reason for s in sessions] == ["user_disabled", "user_disabled"]
    enabled = await client.post(f"/api/admin/users/{bob.id}/enable", headers=admin.auth)
    assert enabled.json()["status"] == "active"
    assert (await login(client, bob.email, bob.password)).status_code == 200
    # the old sessions stay ended
    assert (await client.get("/auth/me", headers=bob.auth)).status_code == 401
    disabled_event = (await audit_rows(db, "user.disabled"))[0]
    assert disabled_event.details == {"sessionsEnded": 2}
    assert len(await audit_rows(db, "user.enabled")) == 1


async def test_audit_query_filters_and_pages(client: Client, make_account: MakeAccount) -> None:
    admin = await make_account("admin")
    bob = await make_account()
    for _ in range(3):
        await login(client, bob.email, "not-bobs-password-x")
    first = await client.get("/api/admin/audit", params={"limit": 2}, headers=admin.auth)
    assert first.status_code == 200
    page = first.json()
    assert set(page) == {"items", "nextCursor"}
    assert len(page["items"]) == 2
    assert page["items"][0]["id"] > page["items"][1]["id"]  # newest first
    rest = (
        await client.get("/api/admin/audit", params={"limit": 50, "cursor": page["nextCursor"]}, headers=admin.auth)
    ).json()
    assert rest["nextCursor"] is None
    all_ids = [e["id"] for e in page["items"] + rest["items"]]
    assert all_ids == sorted(all_ids, reverse=True)
    assert len(all_ids) == 5  # 2 registrations + 3 failed sign-ins
    failed = (await client.get("/api/admin/audit", params={"event": "auth.login.failed"}, headers=admin.auth)).json()[
        "items"
    ]
    assert len(failed) == 3
    item = failed[0]
    assert set(item) == {
        "id", "occurredAt", "event", "outcome", "actorType", "actorId", "subjectType", "subjectId",
        "sourceAddress", "requestId", "details",
    }  # fmt: skip
    assert (item["outcome"], item["actorType"], item["subjectId"]) == ("failure", "anonymous", bob.id)
    assert item["sourceAddress"] == "testclient"
    assert item["requestId"]
    by_subject = (await client.get("/api/admin/audit", params={"subjectId": bob.id}, headers=admin.auth)).json()
    assert len(by_subject["items"]) == 4
    future = (await client.get("/api/admin/audit", params={"since": "2999-01-01T00:00:00Z"}, headers=admin.auth)).json()
    assert future["items"] == []
