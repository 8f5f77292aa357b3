"""SIGTERM under load, for scripts/image-smoke.sh: the requests in flight when the container is told to stop
all complete, none fails, and the container exits soon after.

1. A short burst of quick requests (a small load), all of which must succeed.
2. An ACCESS EXCLUSIVE lock on alembic_version, so N GET /health/ready requests block inside the server,
   waiting on the database the way slow queries do. pg_stat_activity shows when all N are waiting.
3. SIGTERM to the container (through the engine, so it reaches tini, PID 1), then the lock is released
   after --hold seconds. Every one of the N requests must answer 200; the container must exit.

Prints one JSON object with the figures on stdout. Exit status 1 when any check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shlex
import sys
import time

import asyncpg
import httpx

WAITING_ON_LOCK = """
SELECT count(*) FROM pg_stat_activity
WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()
"""


async def burst(client: httpx.AsyncClient, url: str, total: int, concurrency: int) -> tuple[int, float]:
    """`total` GETs of `url`, `concurrency` at a time: (failures, requests per second)."""
    failures = 0
    queue: asyncio.Queue[None] = asyncio.Queue()
    for _ in range(total):
        queue.put_nowait(None)

    async def worker() -> None:
        nonlocal failures
        while not queue.empty():
            queue.get_nowait()
            try:
                response = await client.get(url)
                failures += response.status_code != 200
            except httpx.HTTPError:
                failures += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return failures, total / (time.perf_counter() - started)


async def ready(client: httpx.AsyncClient, url: str) -> str:
    try:
        response = await client.get(url)
    except httpx.HTTPError as exc:
        return type(exc).__name__
    return str(response.status_code)


async def run(args: argparse.Namespace) -> dict[str, object]:
    limits = httpx.Limits(max_connections=args.requests + args.concurrency, max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        load_failed, load_rps = await burst(client, f"{args.url}/health/live", args.load, args.concurrency)

        locker = await asyncpg.connect(args.database_url)
        monitor = await asyncpg.connect(args.database_url)
        transaction = locker.transaction()
        await transaction.start()
        await locker.execute("LOCK TABLE alembic_version IN ACCESS EXCLUSIVE MODE")
        in_flight = [asyncio.create_task(ready(client, f"{args.url}/health/ready")) for _ in range(args.requests)]

        deadline = time.monotonic() + 10
        waiting = 0
        while waiting < args.requests:
            if time.monotonic() > deadline:
                await transaction.rollback()
                raise SystemExit(f"only {waiting} of {args.requests} requests reached the database")
            await asyncio.sleep(0.02)
            waiting = await monitor.fetchval(WAITING_ON_LOCK)

        sigterm_at = time.monotonic()
        kill = await asyncio.create_subprocess_exec(*shlex.split(args.kill_cmd), stdout=asyncio.subprocess.DEVNULL)
        waiter = await asyncio.create_subprocess_exec(*shlex.split(args.wait_cmd), stdout=asyncio.subprocess.PIPE)
        if await kill.wait() != 0:
            raise SystemExit("could not send SIGTERM to the container")

        await asyncio.sleep(args.hold)
        await transaction.rollback()  # the "slow queries" finish now
        released_at = time.monotonic()
        statuses = await asyncio.gather(*in_flight)
        answered_at = time.monotonic()

        try:
            stdout, _ = await asyncio.wait_for(waiter.communicate(), timeout=args.exit_timeout)
        except TimeoutError:
            waiter.kill()
            stdout = b""
        exited_at = time.monotonic()
        await locker.close()
        await monitor.close()

    exit_code = stdout.decode().strip() or "still running"
    return {
        "load_requests": args.load,
        "load_failed": load_failed,
        "load_requests_per_second": round(load_rps),
        "requests_in_flight_at_sigterm": waiting,
        "requests_failed": sum(status != "200" for status in statuses),
        "statuses": sorted(set(statuses)),
        "seconds_requests_held_after_sigterm": round(released_at - sigterm_at, 3),
        "seconds_sigterm_to_last_response": round(answered_at - sigterm_at, 3),
        "seconds_sigterm_to_exit": round(exited_at - sigterm_at, 3),
        "exit_code": exit_code,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the API, e.g. http://127.0.0.1:8000")
    parser.add_argument("--database-url", required=True, help="postgresql://... of the API's database")
    parser.add_argument("--kill-cmd", required=True, help="command that sends SIGTERM to the container")
    parser.add_argument("--wait-cmd", required=True, help="command that waits for the exit, printing its code")
    parser.add_argument("--requests", type=int, default=8, help="requests in flight at SIGTERM")
    parser.add_argument("--load", type=int, default=400, help="quick requests before that")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--hold", type=float, default=1.0, help="seconds the in-flight requests stay blocked")
    parser.add_argument("--exit-timeout", type=float, default=10.0)
    args = parser.parse_args()
    figures = asyncio.run(run(args))
    print(json.dumps(figures))  # noqa: T201
    ok = (
        figures["load_failed"] == 0
        and figures["requests_failed"] == 0
        and figures["exit_code"] == "0"
        and float(figures["seconds_sigterm_to_exit"]) <= args.exit_timeout  # type: ignore[arg-type]
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
