"""Compile to bytecode exactly the modules the server and the migrations import (run once at image build).

The image ships without the ~57 MB of bytecode pip would write for every module of every dependency
(most never run: faker's locales, other SQL dialects...). Without any bytecode each worker would
recompile what it imports at every start (about 0.6 s), because the non-root user cannot write it.
So: start the app the way uvicorn does, import what `loan-engine db upgrade` needs, and compile the
modules that got imported (checked-hash .pyc, so copy timestamps do not matter). Files that already
have bytecode (the base image's standard library, when it ships it) are left alone.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import pkgutil
import py_compile
import secrets
import sys
import tempfile
from pathlib import Path

# Modules of the optional `embedded` extra, which the image does not install.
OPTIONAL_MODULES = frozenset({"loan_engine.db.embedded"})


def import_what_runs() -> None:
    import alembic.command
    import alembic.runtime.environment
    import alembic.runtime.migration
    import sqlalchemy.dialects.postgresql.asyncpg
    import uvicorn
    import uvicorn.supervisors.multiprocess

    import loan_engine

    for module in pkgutil.walk_packages(loan_engine.__path__, "loan_engine."):
        if module.name not in OPTIONAL_MODULES:
            importlib.import_module(module.name)
    # Test settings with a database that is never connected to and a throwaway signing key (dev would
    # write a generated key to disk, and nothing of this run may stay in the image but bytecode).
    os.environ.update(
        ENVIRONMENT="test",
        DATABASE_URL="postgresql://warm@127.0.0.1:1/warm",
        JWT_SECRET=secrets.token_urlsafe(48),
        LOAN_ENGINE_DATA_DIR=tempfile.mkdtemp(),
    )
    config = uvicorn.Config("loan_engine.app:create_app", factory=True, log_config=None)
    config.load()  # imports the loop, protocol and lifespan implementations, then builds the app
    from loan_engine.app import create_app

    create_app().openapi_schema  # noqa: B018 - building the OpenAPI document imports its modules
    del alembic, sqlalchemy


def compile_imported() -> tuple[int, int]:
    compiled = skipped = 0
    for module in list(sys.modules.values()):
        source = getattr(module, "__file__", None)
        if not source or not source.endswith(".py") or not Path(source).is_file():
            continue
        cached = importlib.util.cache_from_source(source)
        if Path(cached).exists():
            skipped += 1
            continue
        py_compile.compile(
            source, cfile=cached, doraise=True, invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH
        )
        compiled += 1
    return compiled, skipped


def files_under(root: str) -> set[str]:
    return {str(path) for path in Path(root).rglob("*") if "__pycache__" not in path.parts}


if __name__ == "__main__":
    before = files_under(sys.prefix)
    import_what_runs()
    done, kept = compile_imported()
    if written := sorted(files_under(sys.prefix) - before):
        sys.exit(f"warm_bytecode: importing the app wrote files into the image: {written[:5]}")
    print(f"warm_bytecode: compiled {done} modules, {kept} already had bytecode")  # noqa: T201
