"""Alembic, driven from code: the CLI, the app's readiness check and the tests use these."""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from loan_engine.settings import MIGRATIONS_ENV, migrations_dir

FOREIGN_PREFIXES = ("procrastinate_",)  # the job queue's tables: its schema is applied, not modelled


def is_ours(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's `include_name`: compare only our own objects with the models, not the job queue's."""
    return not (type_ == "table" and name is not None and name.startswith(FOREIGN_PREFIXES))


def script_location() -> Path:
    """Where the migrations are (see settings.migrations_dir), checked so a missing folder says how to fix it."""
    location = migrations_dir()
    if not (location / "env.py").is_file():
        raise FileNotFoundError(f"no Alembic migrations in {location}: set {MIGRATIONS_ENV} to the migrations folder")
    return location


def alembic_config(database_url: str) -> Config:
    """An Alembic config for `database_url`; no alembic.ini is needed."""
    config = Config(stdout=sys.stdout)  # the current stdout, not the one at import time
    config.set_main_option("script_location", str(script_location()))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.set_main_option("file_template", "%%(year)d-%%(month).2d-%%(day).2d_%%(rev)s_%%(slug)s")
    return config


def head_revisions() -> frozenset[str]:
    """The revision ids a fully migrated database reports."""
    script = ScriptDirectory(str(script_location()))
    return frozenset(script.get_heads())


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


def current(database_url: str, verbose: bool = False) -> None:
    command.current(alembic_config(database_url), verbose=verbose)


def revision(database_url: str, message: str, autogenerate: bool = True) -> None:
    command.revision(alembic_config(database_url), message=message, autogenerate=autogenerate)


def versions_dir() -> Path:
    return script_location() / "versions"
