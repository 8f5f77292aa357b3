"""The `loan-engine` command: help everywhere, meaningful exit codes, database commands."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from loan_engine.cli import main
from loan_engine.db import migrations


@pytest.mark.parametrize("args", [["--help"], ["serve", "--help"], ["db", "--help"], ["db", "upgrade", "--help"]])
def test_help_everywhere(args: list[str]) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_unknown_command_is_a_usage_error() -> None:
    assert CliRunner().invoke(main, ["frobnicate"]).exit_code == 2


def test_db_current_reports_the_head(database_url: str) -> None:
    result = CliRunner().invoke(main, ["db", "current"], env={"DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    (head,) = migrations.head_revisions()
    assert head in result.output


def test_db_upgrade_is_idempotent(database_url: str) -> None:
    result = CliRunner().invoke(main, ["db", "upgrade"], env={"DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    assert "upgraded to head" in result.output


def test_configuration_errors_exit_2() -> None:
    result = CliRunner().invoke(main, ["db", "current"], env={"ENVIRONMENT": "prod", "DATABASE_URL": ""})
    assert result.exit_code == 2
    assert "DATABASE_URL is required" in result.output
