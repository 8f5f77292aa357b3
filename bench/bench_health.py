"""Issue 2 figures: seconds from `make run` to ready, and /health/live requests/s through our full
middleware stack versus a bare Litestar app answering the same route, same server settings, same run.

Writes bench/results/health.json.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from serving import free_port, scratch_database, uvicorn_server, wait_http, write_results, wrk

ROOT = Path(__file__).parents[1]
ROUNDS = 3


def start_to_ready() -> float:
    """`make run` on a warm machine (venv and web build present) until /health/ready is 200."""
    port = free_port()
    env = {**os.environ, "PORT": str(port)}
    process = subprocess.Popen(
        ["make", "--no-print-directory", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        return wait_http(f"http://127.0.0.1:{port}/health/ready", timeout=120)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def throughput() -> dict[str, object]:
    runs: dict[str, list[dict[str, object]]] = {"full": [], "bare": []}
    with scratch_database("health") as (url, _):
        env = {"DATABASE_URL": url, "ENVIRONMENT": "dev", "LOG_LEVEL": "WARNING"}
        for _ in range(ROUNDS):  # alternate so drift on the machine hits both alike
            with uvicorn_server("loan_engine.app:create_app", env=env, factory=True) as base:
                wrk(base + "/health/live", seconds=3)  # warm-up
                runs["full"].append(wrk(base + "/health/live"))
            with uvicorn_server("bare_app:app", env={"PYTHONPATH": str(Path(__file__).parent)}) as base:
                wrk(base + "/health/live", seconds=3)
                runs["bare"].append(wrk(base + "/health/live"))
    best = {name: max(r, key=lambda x: x["rps"]) for name, r in runs.items()}  # type: ignore[arg-type,return-value]
    return {
        "full_stack": best["full"],
        "bare_litestar": best["bare"],
        "ratio_full_to_bare": round(best["full"]["rps"] / best["bare"]["rps"], 3),  # type: ignore[operator]
        "all_rps": {name: [r["rps"] for r in rs] for name, rs in runs.items()},
        "method": f"uvicorn 1 worker pinned to core 0, wrk pinned to core 1, best of {ROUNDS} alternating runs",
    }


if __name__ == "__main__":
    write_results("health", {"start_to_ready_s": round(start_to_ready(), 2), **throughput()})
