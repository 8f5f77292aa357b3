"""`loan-engine serve` as a user runs it: a real process on an embedded PostgreSQL, stopped by SIGTERM."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from loan_engine.db.embedded import free_port
from tests.conftest import truncate_all


def _get(url: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "server exited early"
        try:
            if _get(url)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} not ready after {timeout} s")


def test_serve_starts_embedded_postgres_and_stops_cleanly_on_sigterm(scratch_dir: Path) -> None:
    data_dir = scratch_dir / "serve"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ENVIRONMENT")}
    env["LOAN_ENGINE_DATA_DIR"] = str(data_dir)
    process = subprocess.Popen(
        [sys.executable, "-m", "loan_engine.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_ready(f"http://127.0.0.1:{port}/health/ready", process)
        status, body = _get(f"http://127.0.0.1:{port}/health/ready")
        assert (status, body["migrations"]) == (200, "ok")
        # development: the shipped personal loan was seeded, published, before the server started
        status, product = _get(f"http://127.0.0.1:{port}/api/products/PERSONAL")
        assert (status, product["version"]) == (200, 1)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
    # the embedded database was stopped with the app, and its data stays for the next run
    assert not (data_dir / "postgres" / "pgdata" / "postmaster.pid").exists()
    assert (data_dir / "postgres" / "pgdata" / "PG_VERSION").exists()


def test_serve_outside_development_seeds_nothing(database_url: str) -> None:
    asyncio.run(truncate_all(database_url))  # whatever an earlier test left, the check starts from nothing
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "ENVIRONMENT": "test", "LOG_LEVEL": "WARNING"}
    process = subprocess.Popen(
        [sys.executable, "-m", "loan_engine.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_ready(f"http://127.0.0.1:{port}/health/ready", process)
        assert _get(f"http://127.0.0.1:{port}/api/products/PERSONAL")[0] == 404
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()


def test_start_up_freezes_what_it_built_out_of_the_garbage_collector(database_url: str) -> None:
    """In a fresh process (this one may have frozen already): once the app has started, what start-up
    built is frozen, so full collections under load no longer scan it (app.py says why)."""
    program = (
        "import asyncio, gc\n"
        "from loan_engine.app import create_app\n"
        "async def main():\n"
        "    app = create_app()\n"
        "    before = gc.get_freeze_count()\n"
        "    async with app.lifespan():\n"
        "        print(before, gc.get_freeze_count())\n"
        "asyncio.run(main())\n"
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "ENVIRONMENT": "test",
        "JWT_SECRET": "test-only-signing-secret-" + "0" * 32,
        "LOG_LEVEL": "WARNING",
    }
    result = subprocess.run(
        [sys.executable, "-c", program], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    before, after = map(int, result.stdout.split())
    assert before == 0
    assert after > 10_000  # the modules, the app and the mappers: tens of thousands of objects
