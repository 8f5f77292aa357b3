"""`loan-engine ledger check`: the ledger check from the command line (exit 1 on any discrepancy)."""

from __future__ import annotations

import asyncio
import sys

import click
import msgspec
from sqlalchemy.ext.asyncio import create_async_engine

from loan_engine.cli_support import EXIT_FAILURE, database_url, load_settings
from loan_engine.db.engine import create_sessionmaker
from loan_engine.ledger import service
from loan_engine.ledger.schemas import LedgerCheck


@click.group()
def ledger() -> None:
    """The double-entry ledger."""


@ledger.command()
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
def check(as_json: bool) -> None:
    """Verify every journal balances, the general ledger balances, and every loan's subledger equals the
    loan's balances. Exits 1 when anything disagrees."""
    with database_url(load_settings()) as url:
        result = asyncio.run(_check(url))
    if as_json:
        click.echo(msgspec.json.encode(result).decode())
    else:
        for total in result.general_ledger:
            state = "balanced" if total.balanced else "NOT BALANCED"
            click.echo(f"general ledger {total.currency}: debits {total.debits} credits {total.credits} {state}")
        for journal_id in result.unbalanced_journals:
            click.echo(f"journal {journal_id} does not balance")
        for d in result.discrepancies:
            click.echo(f"loan {d.loan_id} {d.field}: ledger {d.ledger} loan {d.loan}")
        click.echo(f"{result.loans_checked} loans checked: {'ok' if result.ok else 'DISCREPANCIES'}")
    if not result.ok:
        sys.exit(EXIT_FAILURE)


async def _check(url: str) -> LedgerCheck:
    engine = create_async_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            return await service.check(session)
    finally:
        await engine.dispose()
