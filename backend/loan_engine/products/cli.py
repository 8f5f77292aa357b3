"""`loan-engine products load FILE [--publish]`: a product from a file (the admin API's create body)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click
import msgspec

from loan_engine.cli_support import EXIT_USAGE, database_url, load_settings, refused, with_session
from loan_engine.errors import LoanEngineError
from loan_engine.products.loading import load_product, read_product


@click.group()
def products() -> None:
    """Loan products (the admin API and the admin pages cover the rest)."""


@products.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--publish", is_flag=True, help="Publish the version (retires the one on offer).")
def load(file: Path, publish: bool) -> None:
    """Load a product from FILE (JSON: code, name, currency, description, definition).

    A new code makes the product with its version 1 as a draft; a code that exists gets its open draft
    replaced by the file's definition (a new draft when none is open). With --publish the version is
    checked and published, or refused naming each field that stops it from making a valid loan.
    """
    try:
        data = read_product(file.read_bytes())
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        click.echo(f"loan-engine: {file}: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    with database_url(load_settings()) as url:
        try:
            version = asyncio.run(with_session(url, lambda s: load_product(s, data, publish=publish)))
        except LoanEngineError as exc:
            refused(exc)
    click.echo(f"product {version.product_code} version {version.version}: {version.status}")
    for problem in version.problems:
        click.echo(f"  to fix before publishing: {problem.field} {problem.message}")
