"""Helpers shared by the HTTP benchmarks: start a server process, wait for it, drive it with wrk.

Servers are pinned to core 0 and wrk to core 1 (taskset) so the server gets exactly one core, as in
../shared/reference/performance.md.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from loan_engine.db.embedded import free_port

ROOT = Path(__file__).parents[1]
RESULTS = Path(__file__).parent / "results"
UVICORN_FLAGS = [
    "--workers",
    "1",
    "--loop",
    "uvloop",
    "--http",
    "httptools",
    "--no-access-log",
    "--log-level",
    "warning",
]


@contextmanager
def scratch_database(name: str, core: int | None = None) -> Iterator[tuple[str, Path]]:
    """A throwaway embedded PostgreSQL (fsync off) in .data/bench-<name>-*: yields its URL and a scratch
    folder, and removes both afterwards. With ``core``, the server is pinned to that core (its backends,
    forked later, inherit it), so it does not take the server-under-test's core."""
    from loan_engine.db.embedded import EmbeddedPostgres

    (ROOT / ".data").mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=ROOT / ".data", prefix=f"bench-{name}-"))
    server = EmbeddedPostgres(folder / "pg", durable=False).start()
    if core is not None and _pinned(core):
        _pin_tree(int((server.pgdata / "postmaster.pid").read_text().split()[0]), core)
    try:
        yield server.url(), folder
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _pin_tree(pid: int, core: int) -> None:
    """Pin a process and its children (PostgreSQL's checkpointer, WAL writer, ...) to ``core``."""
    children = [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit() and _parent(entry) == pid]
    for each in (pid, *children):
        subprocess.run(["taskset", "-a", "-p", "-c", str(core), str(each)], check=False, capture_output=True)


def _parent(entry: Path) -> int | None:
    try:
        return int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError):
        return None


def wait_http(url: str, timeout: float = 30.0, status: int = 200) -> float:
    """Seconds until `url` answers `status`."""
    import urllib.error
    import urllib.request

    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == status:
                    return time.perf_counter() - started
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.02)
    raise TimeoutError(f"{url} did not answer {status} within {timeout} s")


def _pinned(core: int) -> list[str]:
    return ["taskset", "-c", str(core)] if shutil.which("taskset") and (os.cpu_count() or 1) > 1 else []


@contextmanager
def uvicorn_process(
    target: str, env: dict[str, str] | None = None, factory: bool = False, quiet: bool = False
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Run `uvicorn target` on a free port (pinned to core 0); yields its base URL and the process. ``quiet``
    sends the server's output (say, one access line per request) to /dev/null."""
    port = free_port()
    command = [*_pinned(0), sys.executable, "-m", "uvicorn", target, "--port", str(port), *UVICORN_FLAGS]
    if factory:
        command.append("--factory")
    output = subprocess.DEVNULL if quiet else None
    process = subprocess.Popen(command, env={**os.environ, **(env or {})}, cwd=ROOT, stdout=output, stderr=output)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(base + "/health/live")
        yield base, process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


@contextmanager
def uvicorn_server(
    target: str, env: dict[str, str] | None = None, factory: bool = False, quiet: bool = False
) -> Iterator[str]:
    """`uvicorn_process`, yielding only the base URL."""
    with uvicorn_process(target, env, factory, quiet) as (base, _):
        yield base


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, all its threads together (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(url: str, seconds: int = 10, connections: int = 32, script: Path | None = None) -> dict[str, Any]:
    """Requests/s and latency percentiles from one wrk run (pinned to core 1)."""
    command = [*_pinned(1), "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script is not None:
        command += ["-s", str(script)]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", output, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        "p50_ms": _ms(latency["50"]),
        "p99_ms": _ms(latency["99"]),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "tool": f"wrk -t1 -c{connections} -d{seconds}s",
    }


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
    return round(float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit], 3)


def write_results(name: str, figures: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    figures = {"measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **figures}
    path.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))
    return path
