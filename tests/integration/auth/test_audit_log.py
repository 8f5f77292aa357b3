"""audit_log is append-only, enforced by PostgreSQL itself: UPDATE, DELETE and TRUNCATE fail for every
role, the table owner included."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.auth.conftest import Client, audit_rows, register, sql


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET event = 'nothing.happened'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ],
)
async def test_changing_or_removing_audit_rows_is_refused(client: Client, db: AsyncEngine, statement: str) -> None:
    await register(client)
    with pytest.raises(DBAPIError, match="audit_log is append-only"):
        await sql(db, statement)
    rows = await audit_rows(db)
    assert [r.event for r in rows] == ["user.registered"]


async def test_rows_can_still_be_added(client: Client, db: AsyncEngine) -> None:
    await sql(db, "INSERT INTO audit_log (event, outcome, actor_type) VALUES ('test.event', 'success', 'system')")
    assert len(await audit_rows(db, "test.event")) == 1


async def test_public_has_no_update_delete_or_truncate_grant(db: AsyncEngine) -> None:
    rows = await sql(
        db,
        "SELECT privilege_type FROM information_schema.role_table_grants "
        "WHERE table_name = 'audit_log' AND grantee = 'PUBLIC'",
    )
    assert {r.privilege_type for r in rows} & {"UPDATE", "DELETE", "TRUNCATE"} == set()
