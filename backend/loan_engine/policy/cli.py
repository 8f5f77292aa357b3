"""`loan-engine policy load FILE --product CODE [--activate]`: a credit policy version from a policy file."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click
import msgspec

from loan_engine.cli_support import EXIT_USAGE, database_url, load_settings, refused, with_session
from loan_engine.errors import LoanEngineError, ValidationError
from loan_engine.policy.document import read_policy_document
from loan_engine.policy.loading import load_policy
from loan_engine.policy.service import checked_document


@click.group()
def policy() -> None:
    """Credit policies (the admin API and the admin pages cover the rest)."""


@policy.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--product", "code", required=True, help="The product code the policy is for (e.g. PERSONAL).")
@click.option("--activate", is_flag=True, help="Activate it: runs its test cases and the monotonicity checks.")
def load(file: Path, code: str, activate: bool) -> None:
    """Load a policy file (name, description, model, testCases) as a draft of CODE's credit policy.

    The product's open draft is replaced when there is one. With --activate the version's test cases and
    the monotonicity checks run first; a failure refuses it, listing each failing case and violation.
    """
    try:
        document = read_policy_document(file.read_bytes())
        checked_document(document)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        click.echo(f"loan-engine: {file}: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except ValidationError as exc:
        refused(exc)
    with database_url(load_settings()) as url:
        try:
            row = asyncio.run(with_session(url, lambda s: load_policy(s, code, document, activate=activate)))
        except LoanEngineError as exc:
            refused(exc)
    click.echo(f"policy {row.product_code} version {row.version}: {row.status} ({len(row.test_cases)} test cases)")
