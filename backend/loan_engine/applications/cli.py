"""`loan-engine applications expire`: store the expiry of lapsed offers (idempotent; a job runs it daily)."""

from __future__ import annotations

import asyncio

import click
from sqlalchemy.ext.asyncio import create_async_engine

from loan_engine.applications.service import expire_offers
from loan_engine.cli_support import database_url, load_settings
from loan_engine.db.engine import create_sessionmaker


@click.group()
def applications() -> None:
    """Loan applications."""


@applications.command()
def expire() -> None:
    """Mark every approved application whose offers have passed their validity as expired."""
    with database_url(load_settings()) as url:
        count = asyncio.run(_expire(url))
    click.echo(f"{count} application(s) expired")


async def _expire(url: str) -> int:
    engine = create_async_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            return await expire_offers(session)
    finally:
        await engine.dispose()
