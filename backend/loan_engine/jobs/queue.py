"""The Procrastinate app and the worker.

Procrastinate talks to PostgreSQL through psycopg 3 (its own small pool); our own code keeps SQLAlchemy
on asyncpg. Its tables and functions (`procrastinate_*`) come from our Alembic migration 0005, which
applies the schema of the pinned Procrastinate version (docs/JOBS.md: upgrading it needs a migration).
"""

from __future__ import annotations

from procrastinate import App, PsycopgConnector

from loan_engine.db.engine import create_engine, create_sessionmaker
from loan_engine.jobs.runtime import WorkerRuntime, transport_for
from loan_engine.jobs.tasks import blueprint
from loan_engine.settings import Settings


def conninfo(database_url: str) -> str:
    """The libpq form of our SQLAlchemy URL (psycopg does not read the `+asyncpg` driver suffix)."""
    return database_url.replace("postgresql+asyncpg://", "postgresql://", 1)


def build_app(database_url: str) -> App:
    app = App(connector=PsycopgConnector(conninfo=conninfo(database_url), min_size=1, max_size=4))
    app.add_tasks_from(blueprint(), namespace="le")
    return app


async def run_worker(
    settings: Settings, *, wait: bool = True, install_signal_handlers: bool = True, concurrency: int = 2
) -> None:
    """Run jobs until stopped (SIGTERM/SIGINT: the running jobs finish, up to 25 s), or, with `wait=False`,
    until the queue is empty. Finished jobs are deleted: their outcome is in the feature's own tables."""
    if settings.database_url is None:
        raise ValueError("the worker needs a database URL")
    engine = create_engine(settings)
    runtime = WorkerRuntime(engine, create_sessionmaker(engine), transport_for(settings))
    app = build_app(settings.database_url)
    try:
        async with app.open_async():
            await app.run_worker_async(
                concurrency=concurrency,
                wait=wait,
                install_signal_handlers=install_signal_handlers,
                delete_jobs="successful",
                additional_context={"runtime": runtime},
                shutdown_graceful_timeout=25,
            )
    finally:
        await engine.dispose()
