"""What every `loan-engine` command needs before it starts: the settings, and a database URL (starting
the embedded PostgreSQL in dev). Kept apart from cli.py, which imports every command, so that a feature's
commands (users/cli.py) can use these without importing the whole CLI."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from loan_engine.db import migrations
from loan_engine.settings import Settings, SettingsError

EXIT_CONFIG = 2
EXIT_FAILURE = 1


def load_settings() -> Settings:
    """Settings, or one clear line on stderr and exit code 2."""
    try:
        return Settings.from_env()
    except SettingsError as exc:
        click.echo(f"loan-engine: configuration error: {exc}", err=True)
        sys.exit(EXIT_CONFIG)


@contextmanager
def database_url(settings: Settings) -> Iterator[str]:
    """DATABASE_URL when set; otherwise an embedded PostgreSQL (dev and test only), migrated to head."""
    if settings.database_url is not None:
        yield settings.database_url
        return
    try:  # imported here: production installs leave the embedded server (the `embedded` extra) out
        from loan_engine.db.embedded import EmbeddedPostgres, EmbeddedPostgresError
    except ImportError:
        click.echo(
            "loan-engine: DATABASE_URL is not set and the embedded PostgreSQL is not installed "
            "(pip install 'loan-engine[embedded]')",
            err=True,
        )
        sys.exit(EXIT_CONFIG)
    server = EmbeddedPostgres(settings.data_dir / "postgres")
    try:
        server.start()
    except EmbeddedPostgresError as exc:
        click.echo(f"loan-engine: embedded PostgreSQL failed to start: {exc}", err=True)
        sys.exit(EXIT_FAILURE)
    url = server.url().replace("postgresql://", "postgresql+asyncpg://")
    click.echo(
        f"loan-engine: embedded PostgreSQL 16 on 127.0.0.1:{server.port} (data in {server.data_dir})",
        err=True,
    )
    try:
        migrations.upgrade(url)
        yield url
    finally:
        server.stop()
