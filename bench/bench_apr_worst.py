"""Issue 12 figures: what the worst public POST /api/apr request costs, and whether the worker stays
responsive while four of them run.

One uvicorn worker (the full app) pinned to core 0; this script, the load and the probe, on core 1.

1. ``worst``: 2,400 distinct flows (payments early, most advances late) on which Newton's method gives
   up at once (the equation's slope is positive at the first guess), so the solver falls back to
   bisection: about 110 evaluations of 2,400 terms. We measure the server's CPU time (all threads, from
   /proc) for one such request, and its status (200 when the server did all that work, 422 when it
   stopped at the work bound).
2. ``large_valid``: the heaviest request that succeeds in a few iterations (2,400 distinct flows that
   Newton solves), as a control: bounded work must still answer real requests.
3. ``/health/live`` latency, sequentially every 10 ms: alone, then while 4 clients send ``worst`` (and
   then ``large_valid``) back to back.
4. The same under ``large_valid`` with the app's objects frozen out of the garbage collector
   (``gc.freeze()`` once the app is built, ``frozen_app`` below): the remaining latency spikes are full
   collections walking the app's long-lived objects while requests hold thousands of new ones. Not done
   by the app today; measured here as a recommendation.

Writes bench/results/apr_worst.json.
"""

from __future__ import annotations

import gc
import http.client
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).parent))
from serving import cpu_seconds, scratch_database, uvicorn_process, write_results

from loan_engine.app import create_app

CLIENTS = 4
LOAD_SECONDS = 8.0
PROBE_EVERY_S = 0.01
HEALTH_IDLE_PROBES = 300


def frozen_app() -> Any:
    """The app, with every object alive once it is built moved to the collector's permanent generation."""
    app = create_app()
    gc.freeze()
    return app


def worst_body(n: int = 1200) -> dict[str, Any]:
    """Payments at periods 1-3, advances mostly at periods 200-299: at the solver's first guess (1 % a
    period) the late advances' weight makes the slope positive, so Newton stops and bisection runs."""
    advances = [{"amount": "1000", "periods": 0}]
    advances += [{"amount": f"{3 + k / 1000:.3f}", "periods": 200 + k % 100} for k in range(n - 1)]
    lent = 1000 + sum(3 + k / 1000 for k in range(n - 1))
    payments = [{"amount": f"{lent * 1.05 / n + k / 10000:.4f}", "periods": 1 + k % 3} for k in range(n)]
    return {"advances": advances, "payments": payments}


def large_valid_body(n: int = 2399) -> dict[str, Any]:
    """One advance and 2,399 monthly payments of distinct amounts (no two alike, so no runs to sum)."""
    payments = [{"amount": f"{500 + k / 100:.2f}", "periods": k + 1} for k in range(n)]
    return {"advances": [{"amount": "250000", "periods": 0}], "payments": payments, "unitPeriod": {"unit": "month"}}


class Client:
    """A keep-alive HTTP/1.1 connection (http.client: no pool, no retries, nothing between us and the server)."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=120)

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        return response.status, response.read()


def one_request_cpu(base: str, pid: int, body: bytes) -> dict[str, Any]:
    client = Client(base)
    client.request("GET", "/health/live")
    before_cpu, before = cpu_seconds(pid), time.perf_counter()
    status, payload = client.request("POST", "/api/apr", body)
    wall = time.perf_counter() - before
    cpu = cpu_seconds(pid) - before_cpu
    problem = json.loads(payload).get("type") if status != 200 else None
    return {"status": status, "problem_type": problem, "server_cpu_s": round(cpu, 3), "wall_s": round(wall, 3)}


def probe_latencies(base: str, seconds: float | None = None, count: int | None = None) -> list[float]:
    """Milliseconds per GET /health/live, one every PROBE_EVERY_S, for `seconds` or `count` probes."""
    client = Client(base)
    out: list[float] = []
    end = time.perf_counter() + (seconds or 1e9)
    while time.perf_counter() < end and (count is None or len(out) < count):
        started = time.perf_counter()
        status, _ = client.request("GET", "/health/live")
        assert status == 200, status
        out.append((time.perf_counter() - started) * 1000)
        time.sleep(max(0.0, PROBE_EVERY_S - (time.perf_counter() - started)))
    return out


def summary(latencies: list[float]) -> dict[str, float | int]:
    ordered = sorted(latencies)
    return {
        "probes": len(ordered),
        "p50_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2),
        "max_ms": round(ordered[-1], 2),
    }


def under_load(base: str, body: bytes) -> dict[str, Any]:
    """Health latency while CLIENTS clients send `body` back to back for LOAD_SECONDS."""
    stop = threading.Event()
    statuses: list[int] = []

    def hammer() -> None:
        client = Client(base)
        while not stop.is_set():
            status, _ = client.request("POST", "/api/apr", body)
            statuses.append(status)

    threads = [threading.Thread(target=hammer) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    time.sleep(0.2)  # let the four requests reach the server first
    latencies = probe_latencies(base, seconds=LOAD_SECONDS)
    stop.set()
    for thread in threads:
        thread.join()
    return {
        "health_live": summary(latencies),
        "apr_requests_completed": len(statuses),
        "apr_statuses": sorted(set(statuses)),
    }


def main(app: str = "loan_engine.app:create_app") -> None:
    if (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {1})  # the server has core 0
    worst = json.dumps(worst_body()).encode()
    valid = json.dumps(large_valid_body()).encode()
    with scratch_database("apr") as (url, _):
        env = {"DATABASE_URL": url, "ENVIRONMENT": "dev", "LOG_LEVEL": "WARNING"}
        with uvicorn_process(app, env=env, factory=True) as (base, process):
            warm = Client(base)
            for _ in range(3):
                warm.request("POST", "/api/apr", valid)
            figures = {
                "worst_request": one_request_cpu(base, process.pid, worst),
                "large_valid_request": one_request_cpu(base, process.pid, valid),
                "health_live_idle": summary(probe_latencies(base, count=HEALTH_IDLE_PROBES)),
                "health_live_during_4_worst": under_load(base, worst),
                "health_live_during_4_large_valid": under_load(base, valid),
            }
        frozen_env = {**env, "PYTHONPATH": str(Path(__file__).parent)}
        with uvicorn_process("bench_apr_worst:frozen_app", env=frozen_env, factory=True) as (base, _):
            Client(base).request("POST", "/api/apr", valid)
            figures["health_live_during_4_large_valid_gc_frozen"] = under_load(base, valid)
    write_results(
        "apr_worst",
        {
            **figures,
            "worst_request_body": f"{len(worst):,} bytes: 1,200 advances and 1,200 payments, all distinct",
            "method": (
                "uvicorn 1 worker (uvloop, httptools) pinned to core 0, the full app; this script on core 1. "
                "server CPU: utime + stime of the server process (all threads) around one request. "
                f"health: GET /health/live on its own keep-alive connection every {PROBE_EVERY_S * 1000:.0f} ms, "
                f"alone ({HEALTH_IDLE_PROBES} probes) and for {LOAD_SECONDS:.0f} s while {CLIENTS} clients send "
                "the request back to back"
            ),
        },
    )


if __name__ == "__main__":
    main(*sys.argv[1:2])  # another app factory (module:function) for experiments
