"""Where the migrations are found: the checkout's migrations/, or LOAN_ENGINE_MIGRATIONS (the image sets it,
because an installed wheel has no source tree around it)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from loan_engine.db import migrations
from loan_engine.settings import PROJECT_ROOT, Settings, SettingsError


def test_the_checkout_migrations_are_used_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOAN_ENGINE_MIGRATIONS", raising=False)
    assert migrations.script_location() == PROJECT_ROOT / "migrations"
    assert migrations.head_revisions()


def test_a_configured_folder_is_used_instead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "migrations"
    shutil.copytree(PROJECT_ROOT / "migrations", copy, ignore=shutil.ignore_patterns("__pycache__"))
    heads = migrations.head_revisions()
    monkeypatch.setenv("LOAN_ENGINE_MIGRATIONS", str(copy))
    assert migrations.script_location() == copy
    assert migrations.head_revisions() == heads
    assert migrations.alembic_config("postgresql+asyncpg://x@h/db").get_main_option("script_location") == str(copy)

    for revision in (copy / "versions").glob("*.py"):
        revision.unlink()
    assert migrations.head_revisions() == frozenset()  # it really reads the configured folder


def test_a_missing_folder_names_the_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOAN_ENGINE_MIGRATIONS", str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="LOAN_ENGINE_MIGRATIONS"):
        migrations.head_revisions()
    with pytest.raises(SettingsError, match="LOAN_ENGINE_MIGRATIONS"):
        Settings.from_env({"LOAN_ENGINE_MIGRATIONS": str(tmp_path / "nowhere")})
