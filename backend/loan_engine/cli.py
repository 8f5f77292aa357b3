"""The `loan-engine` command: serve the API and manage the database (`--help` on every command)."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from types import FrameType

import click
import uvicorn

from loan_engine.applications.cli import applications
from loan_engine.cli_support import database_url, load_settings, with_session
from loan_engine.db import migrations
from loan_engine.jobs.queue import run_worker
from loan_engine.ledger.cli import ledger
from loan_engine.mail.cli import mail
from loan_engine.policy.cli import policy
from loan_engine.policy.loading import seed_development
from loan_engine.products.cli import products
from loan_engine.quotes.cli import apr, quote
from loan_engine.settings import Environment, Settings
from loan_engine.users.cli import users


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="loan-engine")
def main() -> None:
    """Loan Engine: loan pricing with Truth-in-Lending disclosure (APR), accounts and API clients."""


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
@click.option("--no-seed", is_flag=True, help="Development: do not seed the shipped product and policy.")
def serve(host: str, port: int, workers: int, reload: bool, no_seed: bool) -> None:
    """Run the API with uvicorn. Without DATABASE_URL, an embedded PostgreSQL is started and migrated.

    In development (ENVIRONMENT=dev, the default) a database without them first gets the shipped
    personal loan (PERSONAL, published) and its consumer installment-loan policy (active); never in test
    or prod. On SIGTERM the server stops accepting connections and lets in-flight requests finish (up to
    25 s).
    """
    settings = load_settings()
    # uvicorn drains in-flight requests on SIGTERM/SIGINT, then re-raises the signal; these handlers
    # turn that into a normal exit so the embedded database is stopped on the way out.
    signal.signal(signal.SIGTERM, _exit_with(0))
    signal.signal(signal.SIGINT, _exit_with(130))
    with database_url(settings) as url, _dev_mail(settings, f"http://{host}:{port}"):
        os.environ["DATABASE_URL"] = url
        if settings.environment is Environment.DEV and not no_seed:
            for line in asyncio.run(with_session(url, seed_development)):
                click.echo(f"loan-engine: {line} (development seed)", err=True)
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


@contextmanager
def _dev_mail(settings: Settings, own_url: str) -> Iterator[None]:
    """Development without SMTP_HOST: start the mail sink (messages kept under .data/mail) and run the job
    worker inside the API process, so a sign-up's verification mail arrives with no other command. Links
    in messages point at this server unless PUBLIC_BASE_URL says otherwise."""
    if settings.environment is not Environment.DEV:
        yield
        return
    os.environ["RUN_WORKER_IN_PROCESS"] = "true"
    os.environ.setdefault("PUBLIC_BASE_URL", own_url)
    if settings.mail.host is not None:
        yield
        return
    from loan_engine.mail.sink import SINK_LABEL, start_sink

    folder = settings.data_dir / "mail"
    sink = start_sink(folder)
    os.environ.update({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(sink.port), "SMTP_TLS": "none", "MAIL_DEV_SINK": "1"})
    click.echo(
        f"loan-engine: {SINK_LABEL} on 127.0.0.1:{sink.port}, messages in {folder} (loan-engine mail list)", err=True
    )
    try:
        yield
    finally:
        sink.stop()


@main.command()
@click.option("--concurrency", default=2, show_default=True, type=click.IntRange(1, 32), help="Jobs run at once.")
def worker(concurrency: int) -> None:
    """Run background jobs (mail delivery from the outbox; later close of business) until SIGTERM.

    Uses DATABASE_URL (or the embedded database in dev) and the SMTP_* settings. Any number of workers
    may run: each job is taken by one. On SIGTERM running jobs finish (up to 25 s), then it exits.
    """
    settings = load_settings()
    with database_url(settings) as url:
        click.echo("loan-engine: worker started (queue: mail)", err=True)
        asyncio.run(run_worker(replace(settings, database_url=url), concurrency=concurrency))


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
main.add_command(products)
main.add_command(policy)
main.add_command(ledger)
main.add_command(mail)
main.add_command(applications)

main.add_command(quote)
main.add_command(apr)


if __name__ == "__main__":  # pragma: no cover
    main()
