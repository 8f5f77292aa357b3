"""`loan-engine users …`: bootstrap the first admin of a fresh deployment without SQL."""

from __future__ import annotations

import asyncio
import sys

import click

from loan_engine.auth.passwords import PasswordHashing
from loan_engine.auth.schemas import UserRead
from loan_engine.cli_support import database_url, load_settings
from loan_engine.errors import ConflictError, NotFoundError, ValidationError
from loan_engine.users.service import AdminBootstrap

EXIT_FAILURE = 1
EXIT_USAGE = 2


@click.group()
def users() -> None:
    """People and roles (the admin API covers the rest once an admin exists)."""


@users.command("create-admin")
@click.option("--email", required=True, help="The admin's email address (their sign-in name).")
@click.option("--name", "display_name", default="Administrator", show_default=True, help="Display name.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of stdin (automatic when stdin is not a terminal).",
)
@click.option(
    "--promote",
    is_flag=True,
    help="If the email already has an account, give it the admin role and enable it (password unchanged).",
)
def create_admin(email: str, display_name: str, password_stdin: bool, promote: bool) -> None:
    """Create an admin account (or, with --promote, make an existing account an admin).

    The password is prompted for (hidden, asked twice) or read from stdin, never taken from the command
    line, so it stays out of shell history and process listings. It must meet the same policy as
    everyone's: at least 12 characters and not easily guessed. The action is recorded in the audit log.
    """
    settings = load_settings()
    password = None
    if not promote:
        password = _read_password(password_stdin)
    with database_url(settings) as url:
        try:
            user = asyncio.run(_run(url, email, display_name, password))
        except ValidationError as exc:
            reasons = "; ".join(f"{e.field} {e.message}" for e in exc.errors)
            click.echo(f"loan-engine: refused: {reasons}", err=True)
            sys.exit(EXIT_USAGE)
        except (ConflictError, NotFoundError) as exc:
            click.echo(f"loan-engine: {exc.detail}", err=True)
            sys.exit(EXIT_FAILURE)
    click.echo(f"admin {user.email} ({user.id}) roles: {', '.join(user.roles)}")


def _read_password(from_stdin: bool) -> str:
    if from_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            click.echo("loan-engine: no password on stdin", err=True)
            sys.exit(EXIT_USAGE)
        return password
    prompted: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return prompted


async def _run(url: str, email: str, display_name: str, password: str | None) -> UserRead:
    from sqlalchemy.ext.asyncio import create_async_engine

    from loan_engine.db.engine import create_sessionmaker

    engine = create_async_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            bootstrap = AdminBootstrap(session, PasswordHashing())
            if password is None:
                return await bootstrap.promote(email)
            return await bootstrap.create_admin(email, display_name, password)
    finally:
        await engine.dispose()
