"""The application row submitting reads through the driver: its statement, its record and the table
name the same columns, in the order the record is built from."""

from __future__ import annotations

from dataclasses import fields

from loan_engine.applications import repository
from loan_engine.applications.models import Application
from loan_engine.applications.repository import ApplicationRecord


def test_the_locked_read_selects_the_record_s_fields_in_order() -> None:
    selected = repository._LOCKED.removeprefix("SELECT ").split(" FROM ")[0].split(", ")
    assert selected == [f.name for f in fields(ApplicationRecord)]


def test_the_record_has_every_column_of_the_table() -> None:
    assert {f.name for f in fields(ApplicationRecord)} == {c.name for c in Application.__table__.columns}
