"""The `loan-engine` command: serve the API and manage the database (`--help` on every command)."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

import click
import uvicorn

from loan_engine.auth.cli import users
from loan_engine.db import migrations
from loan_engine.quotes.cli import apr, quote
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="loan-engine")
def main() -> None:
    """Loan Engine: loan pricing, disclosure, decisions and servicing."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="TCP port.")
@click.option(
    "--workers",
    envvar="WEB_CONCURRENCY",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes (env WEB_CONCURRENCY).",
)
@click.option("--reload", is_flag=True, help="Restart on code changes (development only).")
def serve(host: str, port: int, workers: int, reload: bool) -> None:
    """Run the API with uvicorn. Without DATABASE_URL, an embedded PostgreSQL is started and migrated.

    On SIGTERM the server stops accepting connections and lets in-flight requests finish (up to 25 s).
    """
    settings = load_settings()
    # uvicorn drains in-flight requests on SIGTERM/SIGINT, then re-raises the signal; these handlers
    # turn that into a normal exit so the embedded database is stopped on the way out.
    signal.signal(signal.SIGTERM, _exit_with(0))
    signal.signal(signal.SIGINT, _exit_with(130))
    with database_url(settings) as url:
        os.environ["DATABASE_URL"] = url
        uvicorn.run(
            "loan_engine.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=None if reload else workers,
            reload=reload,
            log_config=None,
            access_log=False,
            proxy_headers=True,
            server_header=False,
            timeout_graceful_shutdown=25,
        )


def _exit_with(code: int) -> Callable[[int, FrameType | None], None]:
    def handler(_signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(code)

    return handler


@main.group()
def db() -> None:
    """Schema migrations (Alembic). Uses DATABASE_URL, or the embedded database in dev."""


@db.command()
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Upgrade the schema to REVISION (default: head)."""
    with database_url(load_settings()) as url:
        migrations.upgrade(url, revision)
        click.echo(f"database upgraded to {revision}")


@db.command()
@click.argument("revision")
def downgrade(revision: str) -> None:
    """Downgrade the schema to REVISION (for example -1 or base)."""
    with database_url(load_settings()) as url:
        migrations.downgrade(url, revision)
        click.echo(f"database downgraded to {revision}")


@db.command()
@click.option("--verbose", is_flag=True)
def current(verbose: bool) -> None:
    """Show the revision the database is at."""
    with database_url(load_settings()) as url:
        migrations.current(url, verbose=verbose)


@db.command()
@click.option("-m", "--message", required=True, help="What the revision changes.")
@click.option("--empty", is_flag=True, help="Do not autogenerate from the models.")
def revision(message: str, empty: bool) -> None:
    """Create a new migration file, autogenerated from the models unless --empty."""
    with database_url(load_settings()) as url:
        migrations.revision(url, message, autogenerate=not empty)


main.add_command(users)

main.add_command(quote)
main.add_command(apr)


if __name__ == "__main__":  # pragma: no cover
    main()
