"""What every `loan-engine` command needs before it starts: the settings, and a database URL (starting
the embedded PostgreSQL in dev). Kept apart from cli.py, which imports every command, so that a feature's
commands (users/cli.py) can use these without importing the whole CLI."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, NoReturn, TypeVar

import click

from loan_engine.db import migrations
from loan_engine.errors import LoanEngineError, ValidationError
from loan_engine.settings import Settings, SettingsError

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

EXIT_CONFIG = 2
EXIT_USAGE = 2
EXIT_FAILURE = 1
T = TypeVar("T")


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


async def with_session(url: str, use: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``use`` with a session on ``url`` (an engine of its own, disposed of afterwards)."""
    from sqlalchemy.ext.asyncio import create_async_engine

    from loan_engine.db.engine import create_sessionmaker

    engine = create_async_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            return await use(session)
    finally:
        await engine.dispose()


def refused(exc: LoanEngineError) -> NoReturn:
    """One line on stderr for a refused command (every field of a 422), and its exit code: 2 for a 422
    (the input is wrong), 1 otherwise (not found, conflict)."""
    if isinstance(exc, ValidationError):
        reasons = "; ".join(f"{e.field} {e.message}" for e in exc.errors)
        click.echo(f"loan-engine: refused: {reasons}", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"loan-engine: {exc.detail}", err=True)
    sys.exit(EXIT_FAILURE)
