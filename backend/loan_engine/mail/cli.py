"""`loan-engine mail list|show`: the messages the development sink kept under `.data/mail`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from loan_engine.mail.sink import SINK_LABEL, stored_messages
from loan_engine.settings import Settings, SettingsError

EXIT_FAILURE, EXIT_CONFIG = 1, 2


def _sink_folder() -> Path:
    # not cli_support's load_settings: the mail package sits below it (no database is needed here)
    try:
        return Settings.from_env().data_dir / "mail"
    except SettingsError as exc:
        click.echo(f"loan-engine: configuration error: {exc}", err=True)
        sys.exit(EXIT_CONFIG)


@click.group()
def mail() -> None:
    """Read the development mail sink (what `loan-engine serve` caught without SMTP_HOST)."""


@mail.command("list")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
def list_messages(limit: int) -> None:
    """The newest messages first: id, time received, recipient, subject."""
    folder = _sink_folder()
    click.echo(f"# {SINK_LABEL}: {folder}")
    messages = stored_messages(folder)[:limit]
    if not messages:
        click.echo("(no messages)")
    for message in messages:
        click.echo(f"{message.id}  {message.received_at:%Y-%m-%d %H:%M:%S}  {message.recipient}  {message.subject}")


@mail.command("show")
@click.argument("message_id", default="latest")
def show(message_id: str) -> None:
    """Print one message's headers and plain-text body (MESSAGE_ID from `mail list`, or `latest`)."""
    folder = _sink_folder()
    messages = stored_messages(folder)
    found = messages[:1] if message_id == "latest" else [m for m in messages if m.id == message_id]
    if not found:
        click.echo(f"loan-engine: no message {message_id!r} in the {SINK_LABEL} ({folder})", err=True)
        sys.exit(EXIT_FAILURE)
    message = found[0]
    click.echo(f"# {SINK_LABEL}")
    parsed = message.parsed()
    for header in ("From", "To", "Subject", "Date", "Message-ID"):
        click.echo(f"{header}: {parsed[header]}")
    click.echo("")
    click.echo(message.text())
