"""Submit → decision end to end (issue 15), written to bench/results/decisions.json:

- decisions/s and latency (p50/p95/p99) of ``POST /api/applications/{id}/submit`` through a real uvicorn
  (one worker, pinned to core 0): bearer authentication, the Idempotency-Key claim, the application row
  lock, unsealing the identity (AES-GCM), the sandbox bureau, facts and derived figures, the product's
  active policy evaluated by zen-engine with its trace, the offer priced by the quote engine, the
  application update, two funnel rows, the audit row, the stored response, COMMIT;
- the split per decision: policy evaluation and quote (as the service timed them, stored in each
  decision), and time spent in database statements (in the server process, summed over the run and
  divided by the decisions: SQLAlchemy's cursor events for what it sends, asyncpg's query loggers for
  what the hot paths send through ``db.driver``; BEGIN and COMMIT are not counted). That last figure is
  from a statement's start to the moment its result is picked up, so on a saturated single worker it
  includes the wait for the event loop (other requests' CPU work), not only PostgreSQL; the machine's
  load average is recorded with it;
- beside the latency the clients see, the same percentiles of each submit's time inside the app (from
  the ASGI call to its return: not the sockets, uvicorn's parsing or the load generator's own work), to
  tell a tail made in the app from one made around it;
- the headline from a light load generator (HTTP/1.1 by hand on asyncio streams, tens of µs of CPU a
  request), and the same rounds once more with httpx beside it: httpx costs its process about a
  millisecond of CPU a request, on the core it shares with PostgreSQL, and once the server needs less
  than twice that, the clients' own queueing shows in the latency they measure;
- an open-loop round at the target rate (300 submits a second on a fixed schedule, by hand as the light
  round): the latency at that rate, each submit's counted from when it was scheduled, so a stall that
  delays those queued behind it shows (no coordinated omission). A closed loop at saturation measures
  its own queue instead: with 16 clients its latency is 16 / rate whatever the server does;
- where the CPU goes, per decision: the server process (the figure to compare between runs), the load
  generator and PostgreSQL (all its processes), the last two sharing core 1. When core 1 is full, the
  rate is bound by it, not by the server.

Drafts are created before the timed rounds (complete, with a prime sandbox persona so every decision is
an approval with an offer: the most work). Load: closed-loop clients, each submitting the next draft as
soon as its previous submit returns, then the open-loop round. PostgreSQL is the embedded one (fsync off),
pinned to core 1; the load generator is not pinned. The machine is shared with other work: figures are
indicative; run it once, briefly.

    python bench/bench_decisions.py
"""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from litestar import Litestar, get

sys.path.insert(0, str(Path(__file__).parent))
from serving import cpu_seconds, scratch_database, uvicorn_process, write_results

ROOT = Path(__file__).parents[1]
BENCH_SECRET = "bench-only-signing-secret-" + "0123456789abcdef" * 2
CLIENTS = 16
ROUNDS = 2
SECONDS = 3.0
DRAFTS = 9_000  # enough for the warm-up, two httpx rounds at 450 decisions/s, two light ones at 650 and the rate round
TARGET_RATE = 300.0  # decisions a second (issue 15), offered in the open-loop round
RATE_SECONDS = 4.0
RATE_CONNECTIONS = 32
_db_seconds = [0.0]
_in_app_seconds: list[float] = []  # each submit's time inside the app, from the ASGI call to its return


def bench_app() -> Litestar:
    """The app, plus a bench-only route reporting the time spent in database statements."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from sqlalchemy.pool import Pool

    from loan_engine.app import create_app

    started: dict[int, float] = {}

    def logged(query: Any) -> None:  # asyncpg's LoggedQuery: a statement sent through db.driver
        if not query.query.startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            _db_seconds[0] += query.elapsed

    @event.listens_for(Pool, "connect")
    def connected(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.driver_connection.add_query_logger(logged)

    @event.listens_for(Engine, "before_cursor_execute")
    def before(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        started[id(cursor)] = time.perf_counter()

    @event.listens_for(Engine, "after_cursor_execute")
    def after(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        began = started.pop(id(cursor), None)
        if began is not None:
            _db_seconds[0] += time.perf_counter() - began

    app = create_app()

    @get("/bench/db-seconds")
    async def db_seconds() -> dict[str, float]:
        return {"seconds": _db_seconds[0]}

    @get("/bench/in-app-seconds")
    async def in_app_seconds() -> list[float]:
        """The submits' times inside the app since the last call (and forgets them)."""
        times = list(_in_app_seconds)
        _in_app_seconds.clear()
        return times

    app.register(db_seconds)
    app.register(in_app_seconds)
    inner = app.asgi_handler

    async def timed(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].endswith("/submit"):
            return await inner(scope, receive, send)
        began = time.perf_counter()
        try:
            return await inner(scope, receive, send)
        finally:
            _in_app_seconds.append(time.perf_counter() - began)

    app.asgi_handler = timed
    return app


def _sections(n: int) -> dict[str, Any]:
    return {
        "loan": {"productCode": "PERSONAL", "amount": "8000", "termPeriods": 36, "frequency": "monthly"},
        "identity": {
            "firstName": "Bench",
            "lastName": f"Applicant{n}",
            "birthDate": "1984-05-17",
            "taxId": "555-12-0002",
            "address": {"line1": "1 Main St", "city": "Springfield", "region": "IL", "postalCode": "62701"},
        },
        "income": {"monthlyIncome": "7000", "employmentStatus": "employed", "monthsEmployed": 60},
        "housing": {"housing": "rent", "housingPayment": "1400", "otherMonthlyDebts": "250"},
        "consents": {"creditReport": True, "electronicDisclosures": True},
    }


async def _prepare(base: str, url: str) -> tuple[dict[str, str], list[str]]:
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
        password = "quartz-lantern-meadow-91"
        admin = (
            await http.post("/auth/register", json={"email": email, "displayName": "B", "password": password})
        ).json()
        conn = await asyncpg.connect(url)
        await conn.execute("UPDATE users SET roles = ARRAY['admin'] WHERE id = $1", uuid.UUID(admin["user"]["id"]))
        await conn.close()
        staff = {"Authorization": f"Bearer {admin['accessToken']}"}
        product = (ROOT / "backend/loan_engine/products/default/personal-loan.json").read_text()
        await http.post("/api/admin/products", content=product, headers={**staff, "Content-Type": "application/json"})
        await http.post("/api/admin/products/PERSONAL/versions/1/publish", headers=staff)
        policy = (ROOT / "backend/loan_engine/policy/default/consumer-installment.json").read_text()
        path = "/api/admin/products/PERSONAL/policy/versions"
        await http.post(path, content=policy, headers={**staff, "Content-Type": "application/json"})
        assert (await http.post(f"{path}/1/activate", headers=staff)).status_code == 200
        borrower = (
            await http.post("/auth/register", json={"email": f"a-{email}", "displayName": "A", "password": password})
        ).json()
        auth = {"Authorization": f"Bearer {borrower['accessToken']}"}
        conn = await asyncpg.connect(url)  # the borrower has confirmed their email (submit requires it)
        await conn.execute(
            "UPDATE users SET email_verified_at = now() WHERE id = $1", uuid.UUID(borrower["user"]["id"])
        )
        await conn.close()
        drafts: list[str] = []

        async def make(start: int) -> None:
            for n in range(start, DRAFTS, 8):
                made = await http.post("/api/applications", json=_sections(n), headers=auth)
                assert made.status_code == 201, made.text
                drafts.append(made.json()["id"])

        await asyncio.gather(*(make(i) for i in range(8)))
        return auth, drafts


def _postgres_cpu(postmaster: int) -> dict[int, float]:
    """CPU seconds so far of the PostgreSQL server and of each of its processes (a backend per pooled
    connection, the autovacuum workers that come and go, ...), by process id."""
    found = {postmaster: cpu_seconds(postmaster)}
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == postmaster:
                found[int(entry.name)] = cpu_seconds(int(entry.name))
        except (OSError, ValueError):  # the process ended meanwhile
            continue
    return found


def _postgres_cpu_since(postmaster: int, before: dict[int, float]) -> float:
    """CPU seconds PostgreSQL's processes used since ``before``: those alive now (one that ended meanwhile,
    an autovacuum worker say, is not counted)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in _postgres_cpu(postmaster).items())


async def _submit_by_hand(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, auth: dict[str, str], draft: str
) -> bool:
    """One submit written and read by hand on a keep-alive HTTP/1.1 connection (tens of µs of CPU, where
    httpx spends about a millisecond), asking for gzip as httpx does so the server's work is the same.
    True when it was approved."""
    request = (
        f"POST /api/applications/{draft}/submit HTTP/1.1\r\nHost: {host}\r\n"
        f"Authorization: {auth['Authorization']}\r\nIdempotency-Key: {uuid.uuid4()}\r\n"
        "Accept-Encoding: gzip, deflate\r\nContent-Length: 0\r\n\r\n"
    )
    writer.write(request.encode())
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(int(h.split(b":")[1]) for h in head.split(b"\r\n") if h.lower().startswith(b"content-length:"))
    body = await reader.readexactly(length)
    if b"content-encoding: gzip" in head.lower():
        body = gzip.decompress(body)
    return head.startswith(b"HTTP/1.1 200 ") and json.loads(body)["status"] == "approved"


async def _light_client(
    base: str, auth: dict[str, str], drafts: list[str], deadline: float, latencies: list[float]
) -> int:
    """One closed-loop client of the light load generator, on one keep-alive connection. Returns how many
    submits were not approved."""
    host, port = base.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    errors = 0
    while time.perf_counter() < deadline and drafts:
        began = time.perf_counter()
        approved = await _submit_by_hand(reader, writer, host, auth, drafts.pop())
        latencies.append(time.perf_counter() - began)
        errors += not approved
    writer.close()
    return errors


async def _at_rate(
    base: str, auth: dict[str, str], drafts: list[str], rate: float, seconds: float, pid: int
) -> dict[str, Any]:
    """Open loop: submits start on a fixed schedule, ``rate`` a second, whatever the earlier ones are doing
    (on up to ``RATE_CONNECTIONS`` keep-alive connections), and each one's latency counts from the moment it
    was *scheduled*, so a stall delays every submit queued behind it and shows in the percentiles (no
    coordinated omission). The latency a target like "300 a second, p95 under 50 ms" speaks of."""
    host, port = base.removeprefix("http://").split(":")
    idle: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(RATE_CONNECTIONS):
        idle.put_nowait(await asyncio.open_connection(host, int(port)))
    latencies: list[float] = []
    errors = 0

    async def one(scheduled: float, draft: str) -> None:
        nonlocal errors
        reader, writer = await idle.get()
        try:
            errors += not await _submit_by_hand(reader, writer, host, auth, draft)
        finally:
            idle.put_nowait((reader, writer))
        latencies.append(time.perf_counter() - scheduled)

    count = min(int(rate * seconds), len(drafts))
    cpu, start = cpu_seconds(pid), time.perf_counter() + 0.01
    tasks = []
    for i in range(count):
        scheduled = start + i / rate
        if (wait := scheduled - time.perf_counter()) > 0:
            await asyncio.sleep(wait)
        tasks.append(asyncio.create_task(one(scheduled, drafts.pop())))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    cpu = cpu_seconds(pid) - cpu
    while not idle.empty():
        idle.get_nowait()[1].close()
    latencies.sort()
    return {
        "offered_per_s": rate,
        "completed_per_s": round(count / elapsed, 1),
        "decisions": count,
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 2),
        "p95_ms": round(latencies[int(0.95 * len(latencies))] * 1000, 2),
        "p99_ms": round(latencies[int(0.99 * len(latencies))] * 1000, 2),
        "server_cpu_ms_per_decision": round(cpu * 1000 / count, 2),
        "errors": errors,
    }


async def _run(
    base: str,
    auth: dict[str, str],
    drafts: list[str],
    seconds: float,
    pid: int | None = None,
    postmaster: int | None = None,
    *,
    light: bool = False,
) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal errors
        if light:
            errors += await _light_client(base, auth, drafts, deadline, latencies)
            return
        while time.perf_counter() < deadline and drafts:
            application = drafts.pop()
            began = time.perf_counter()
            response = await http.post(
                f"/api/applications/{application}/submit", headers={**auth, "Idempotency-Key": str(uuid.uuid4())}
            )
            latencies.append(time.perf_counter() - began)
            errors += response.status_code != 200 or response.json()["status"] != "approved"

    async with httpx.AsyncClient(base_url=base, timeout=30, limits=httpx.Limits(max_connections=CLIENTS)) as http:
        db_before = (await http.get("/bench/db-seconds")).json()["seconds"]
        await http.get("/bench/in-app-seconds")  # forget the warm-up's
        started, cpu = time.perf_counter(), cpu_seconds(pid) if pid else 0.0
        client_cpu, pg_before = time.process_time(), _postgres_cpu(postmaster) if postmaster else {}
        await asyncio.gather(*(client(http) for _ in range(CLIENTS)))
        elapsed = time.perf_counter() - started
        cpu = cpu_seconds(pid) - cpu if pid else 0.0
        client_cpu = time.process_time() - client_cpu
        pg_cpu = _postgres_cpu_since(postmaster, pg_before) if postmaster else 0.0
        db_after = (await http.get("/bench/db-seconds")).json()["seconds"]
        in_app = sorted((await http.get("/bench/in-app-seconds")).json())
    latencies.sort()

    def pct(p: float, of: list[float] = latencies) -> float:
        return round(of[min(len(of) - 1, int(p * len(of)))] * 1000, 2) if of else 0.0

    return {
        "decisions": len(latencies),
        "decisions_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": pct(0.5),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "in_app_p50_ms": pct(0.5, in_app),
        "in_app_p95_ms": pct(0.95, in_app),
        "db_ms_per_decision": round((db_after - db_before) * 1000 / max(1, len(latencies)), 3),
        "server_cpu_ms": round(cpu * 1000 / max(1, len(latencies)), 2),
        "load_generator_cpu_ms": round(client_cpu * 1000 / max(1, len(latencies)), 2),
        "postgres_cpu_ms": round(pg_cpu * 1000 / max(1, len(latencies)), 2),
        "errors": errors,
        "ran_out_of_drafts": not drafts,
    }


async def _split(url: str) -> dict[str, float]:
    conn = await asyncpg.connect(url)
    row = await conn.fetchrow(
        "SELECT avg((decision->>'policyMs')::numeric) AS policy, avg((decision->>'quoteMs')::numeric) AS quote, "
        "count(*) AS n FROM applications WHERE decision IS NOT NULL"
    )
    await conn.close()
    return {"policy_ms_mean": round(float(row["policy"]), 3), "quote_ms_mean": round(float(row["quote"]), 3)}


def main() -> None:
    from loan_engine.db.migrations import upgrade

    with scratch_database("decisions", core=1) as (url, folder):
        upgrade(url.replace("postgresql://", "postgresql+asyncpg://"))
        postmaster = int((folder / "pg" / "pgdata" / "postmaster.pid").read_text().split()[0])
        env = {
            "DATABASE_URL": url,
            "ENVIRONMENT": "dev",
            "JWT_SECRET": BENCH_SECRET,
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")]),
        }
        with uvicorn_process("bench_decisions:bench_app", env=env, factory=True, quiet=True) as (base, server):
            auth, drafts = asyncio.run(_prepare(base, url))
            asyncio.run(_run(base, auth, drafts, 1.0))  # warm-up
            runs = [asyncio.run(_run(base, auth, drafts, SECONDS, server.pid, postmaster)) for _ in range(ROUNDS)]
            light = [
                asyncio.run(_run(base, auth, drafts, SECONDS, server.pid, postmaster, light=True))
                for _ in range(ROUNDS)
            ]
            at_rate = asyncio.run(_at_rate(base, auth, drafts, TARGET_RATE, RATE_SECONDS, server.pid))
        split = asyncio.run(_split(url))
    write_results("decisions", _figures(runs, light, at_rate, split))


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(r[key] for r in runs))


def _figures(
    runs: list[dict[str, Any]], light: list[dict[str, Any]], at_rate: dict[str, Any], split: dict[str, float]
) -> dict[str, Any]:
    """The headline is the light load generator's (as wrk is for the payments): httpx, kept beside it,
    spends more CPU per request than the server on the core it shares with PostgreSQL, so its rounds
    measure the client as much as the server."""
    return {
        "method": f"closed loop, {CLIENTS} clients, {ROUNDS} rounds of {SECONDS} s after a 1 s warm-up, each "
        "request a submit of a complete draft (prime persona: approved with an offer), uvicorn 1 worker pinned "
        "to core 0, embedded PostgreSQL (fsync off) pinned to core 1 with the load generator (its 1-min load "
        "average at the end is recorded beside the figures). The headline rounds write HTTP/1.1 by hand on "
        "asyncio streams (tens of us of CPU a request); httpx_closed_loop repeats them with httpx. "
        "server_cpu_ms is the server process's CPU per decision, core_1_cpu_ms that of the load generator and "
        "of PostgreSQL; in_app_ms the percentiles of each submit's time inside the app (ASGI call to return)",
        "decisions_per_s": _median(light, "decisions_per_s"),
        "p50_ms": _median(light, "p50_ms"),
        "p95_ms": _median(light, "p95_ms"),
        "p99_ms": _median(light, "p99_ms"),
        "in_app_ms": {"p50": _median(light, "in_app_p50_ms"), "p95": _median(light, "in_app_p95_ms")},
        "server_cpu_ms_per_decision": _median(light, "server_cpu_ms"),
        "core_1_cpu_ms_per_decision": {
            "load_generator": _median(light, "load_generator_cpu_ms"),
            "postgres": _median(light, "postgres_cpu_ms"),
        },
        "split_per_decision_ms": {
            "policy_evaluation": split["policy_ms_mean"],
            "quote": split["quote_ms_mean"],
            "database_statements": _median(light, "db_ms_per_decision"),
        },
        "at_target_rate": {
            "method": f"open loop: {TARGET_RATE:.0f} submits a second for {RATE_SECONDS} s on a fixed schedule "
            f"(up to {RATE_CONNECTIONS} keep-alive connections, HTTP/1.1 by hand), each latency from its "
            "scheduled start, so queueing behind a stall counts (no coordinated omission)",
            **at_rate,
        },
        "httpx_closed_loop": {
            "decisions_per_s": _median(runs, "decisions_per_s"),
            "p50_ms": _median(runs, "p50_ms"),
            "p95_ms": _median(runs, "p95_ms"),
            "in_app_p95_ms": _median(runs, "in_app_p95_ms"),
            "server_cpu_ms_per_decision": _median(runs, "server_cpu_ms"),
            "load_generator_cpu_ms_per_decision": _median(runs, "load_generator_cpu_ms"),
        },
        "target": {"decisions_per_s": 300, "p95_ms": 50},
        "targets_met": {
            "decisions_per_s_at_least_300": _median(light, "decisions_per_s") >= 300,
            "p95_under_50_ms_at_300_per_s": at_rate["p95_ms"] < 50 and at_rate["errors"] == 0,
            "p95_under_50_ms_at_saturation": _median(light, "p95_ms") < 50,
        },
        "errors": sum(r["errors"] for r in [*runs, *light]) + at_rate["errors"],
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
        "runs": {"light": light, "httpx": runs},
    }


if __name__ == "__main__":
    main()
