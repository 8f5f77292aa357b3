"""Payment posting end to end (issue 14), written to bench/results/payments.json:

- payments/s and latency (p50/p95/p99) of ``POST /api/loans/{id}/transactions`` through a real uvicorn
  (one worker, pinned to core 0): bearer authentication, the Idempotency-Key claim, the loan row lock,
  allocation (``finance.replay.apply``), the transaction row, the journal and its legs, the balance and
  installment updates, the audit row, the stored response, COMMIT;
- the same figures, in the same server and run, for a bare Litestar + asyncpg route that sends the same
  statements as the payment does (lock, key lookup, loan FOR UPDATE, installments, later events,
  transaction, the journal with its legs, the loan with its installment, audit row, key row) as
  hand-written SQL, with a fixed split and no authentication, allocation or SQLAlchemy;
- full / bare as a ratio;
- reading a loan (``GET /api/loans/{id}``: summary, schedule with paid-against, last 20 transactions),
  p50/p95 of sequential reads, for a new loan and for one with 700 days of history (a payment every day
  for 700 days: 700 transactions and journals), alternating.

Load: wrk (16 connections, a Lua script; closed-loop httpx clients when wrk is missing), every request
with a fresh Idempotency-Key, spread over many loans; full and bare rounds alternate. wrk and the
embedded PostgreSQL (fsync off) share core 1, the server has core 0. The server's CPU per request is
reported beside the rates: read the ratio and the CPU, not only the absolute numbers.

    python bench/bench_payments.py
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from litestar import Litestar, post
from litestar.datastructures import State
from litestar.params import FromPath

sys.path.insert(0, str(Path(__file__).parent))
from serving import cpu_seconds, scratch_database, uvicorn_process, write_results, wrk

ROOT = Path(__file__).parents[1]
BENCH_SECRET = "bench-only-signing-secret-" + "0123456789abcdef" * 2
LOANS = 100
CLIENTS = 16
ROUNDS = 4
SECONDS = 4.0


# ---- the app under test (uvicorn --factory bench_payments:bench_app) ---------------------------------


def bench_app() -> Litestar:
    from loan_engine.app import create_app

    app = create_app()
    pool: dict[str, asyncpg.Pool] = {}

    async def start() -> None:
        pool["p"] = await asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=5, max_size=10)

    app.on_startup.append(start)

    @post("/bench/bare-payment/{loan_id:uuid}", status_code=201)
    async def bare(state: State, loan_id: FromPath[uuid.UUID], data: dict[str, str]) -> dict[str, str]:
        key = data["key"]
        today = datetime.now(UTC).date()
        async with pool["p"].acquire() as conn, conn.transaction():
            await conn.fetchval("SELECT pg_try_advisory_xact_lock(hashtextextended($1 || chr(31) || $2, 0))", "b", key)
            await conn.fetchrow("SELECT fingerprint FROM idempotency_keys WHERE scope = 'b' AND key = $1", key)
            loan = await conn.fetchrow("SELECT last_seq, currency FROM loans WHERE id = $1 FOR UPDATE", loan_id)
            await conn.fetch("SELECT * FROM loan_installments WHERE loan_id = $1 ORDER BY number", loan_id)
            await conn.fetch(
                "SELECT kind, seq FROM loan_transactions WHERE loan_id = $1 AND value_date >= $2", loan_id, today
            )
            seq = loan["last_seq"] + 1
            await conn.execute(
                "INSERT INTO loan_transactions (loan_id, seq, kind, value_date, amount, channel, principal, actor) "
                "VALUES ($1, $2, 'payment', $3, 1.00, 'api', 1.00, 'bench')",
                loan_id,
                seq,
                today,
            )
            await conn.execute(  # the journal and its legs in one statement, as ledger/repository.py sends them
                "WITH j AS (INSERT INTO journals (loan_id, transaction_seq, kind, value_date) "
                "VALUES ($1, $2, 'payment', $3) RETURNING id) "
                "INSERT INTO journal_legs (journal_id, account_code, loan_id, side, amount, currency) "
                "SELECT j.id, leg.account, $1, leg.side, 1.00, $4 FROM j, "
                "unnest(ARRAY['1000', '1100'], ARRAY['debit', 'credit']) AS leg (account, side)",
                loan_id,
                seq,
                today,
                loan["currency"],
            )
            await conn.execute(  # the loan and its changed installment in one statement, as loans/repository.py
                "WITH i AS (UPDATE loan_installments SET principal_paid = principal_paid + 0 "
                "WHERE loan_id = $1 AND number = 1) "
                "UPDATE loans SET principal_outstanding = principal_outstanding - 1, last_seq = $2, "
                "version = version + 1, updated_at = now() WHERE id = $1",
                loan_id,
                seq,
            )
            await conn.execute(
                "INSERT INTO audit_log (event, outcome, actor_type, details) "
                "VALUES ('loan.payment.posted', 'success', 'client', '{}'::jsonb)"
            )
            await conn.execute(
                "INSERT INTO idempotency_keys (scope, key, fingerprint, method, path, response_status, response_body) "
                "VALUES ('b', $1, '\\x00', 'POST', '/bench', 201, '\\x00')",
                key,
            )
        return {"seq": str(seq)}

    app.register(bare)
    return app


# ---- driving it --------------------------------------------------------------------------------------


async def _prepare(base: str, url: str) -> tuple[dict[str, str], list[str], str]:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
        reg = await http.post(
            "/auth/register", json={"email": email, "displayName": "Bench", "password": "quartz-lantern-meadow-91"}
        )
        admin = reg.json()
        conn = await asyncpg.connect(url)
        await conn.execute("UPDATE users SET roles = ARRAY['admin'] WHERE id = $1", uuid.UUID(admin["user"]["id"]))
        auth = {"Authorization": f"Bearer {admin['accessToken']}"}
        borrower = (
            await http.post(
                "/auth/register",
                json={"email": f"b-{email}", "displayName": "B", "password": "quartz-lantern-meadow-91"},
            )
        ).json()
        product = (ROOT / "backend/loan_engine/products/default/personal-loan.json").read_text()
        await http.post("/api/admin/products", content=product, headers={**auth, "Content-Type": "application/json"})
        await http.post("/api/admin/products/PERSONAL/versions/1/publish", headers=auth)
        start = (datetime.now(UTC).date() - timedelta(days=20)).isoformat()
        loans = []
        for _ in range(LOANS):
            booked = await http.post(
                "/api/loans",
                json={
                    "borrowerId": borrower["user"]["id"],
                    "productCode": "PERSONAL",
                    "principal": "20000.00",
                    "termPeriods": 36,
                    "frequency": "monthly",
                    "grade": "B",
                    "startDate": start,
                },
                headers={**auth, "Idempotency-Key": str(uuid.uuid4())},
            )
            loan_id = booked.json()["loan"]["id"]
            await http.post(
                f"/api/loans/{loan_id}/disbursement", json={}, headers={**auth, "Idempotency-Key": str(uuid.uuid4())}
            )
            loans.append(loan_id)
        await conn.close()
        return auth, loans, borrower["user"]["id"]


async def _prepare_one(base: str, auth: dict[str, str], borrower_id: str) -> str:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        booked = await http.post(
            "/api/loans",
            json={
                "borrowerId": borrower_id,
                "productCode": "PERSONAL",
                "principal": "20000.00",
                "termPeriods": 36,
                "frequency": "monthly",
                "grade": "B",
                "startDate": datetime.now(UTC).date().isoformat(),
            },
            headers={**auth, "Idempotency-Key": str(uuid.uuid4())},
        )
        loan_id: str = booked.json()["loan"]["id"]
        await http.post(
            f"/api/loans/{loan_id}/disbursement", json={}, headers={**auth, "Idempotency-Key": str(uuid.uuid4())}
        )
        return loan_id


async def _run(base: str, auth: dict[str, str], loans: list[str], bare: bool, pid: int | None = None) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + SECONDS
    today = _today()

    async def client(index: int, http: httpx.AsyncClient) -> None:
        nonlocal errors
        n = index
        while time.perf_counter() < deadline:
            loan = loans[n % len(loans)]
            n += CLIENTS
            began = time.perf_counter()
            if bare:
                response = await http.post(f"/bench/bare-payment/{loan}", json={"key": str(uuid.uuid4())})
            else:
                response = await http.post(
                    f"/api/loans/{loan}/transactions",
                    json={"kind": "payment", "amount": "1.00", "valueDate": today},
                    headers={**auth, "Idempotency-Key": str(uuid.uuid4())},
                )
            latencies.append(time.perf_counter() - began)
            errors += response.status_code != 201

    started, cpu = time.perf_counter(), cpu_seconds(pid) if pid else 0.0
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=httpx.Limits(max_connections=CLIENTS)) as http:
        await asyncio.gather(*(client(i, http) for i in range(CLIENTS)))
    elapsed = time.perf_counter() - started
    cpu = cpu_seconds(pid) - cpu if pid else 0.0
    latencies.sort()

    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 2)

    return {
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": pct(0.5),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "errors": errors,
        "server_cpu_ms": round(cpu / len(latencies) * 1000, 2),
    }


def _wrk_script(folder: Path, auth: dict[str, str], loans: list[str], bare: bool) -> Path:
    """A wrk script posting payments round-robin over the loans, each request with a fresh key."""
    prefix = uuid.uuid4().hex
    ids = ", ".join(f'"{loan}"' for loan in loans)
    if bare:
        path, headers = '"/bench/bare-payment/" .. loan', '{["Content-Type"] = "application/json"}'
        body = "'{\"key\": \"' .. key .. '\"}'"
    else:
        path = '"/api/loans/" .. loan .. "/transactions"'
        headers = (
            f'{{["Content-Type"] = "application/json", ["Authorization"] = "{auth["Authorization"]}", '
            '["Idempotency-Key"] = key}'
        )
        body = f'\'{{"kind": "payment", "amount": "1.00", "valueDate": "{_today()}"}}\''
    script = folder / ("bare.lua" if bare else "full.lua")
    script.write_text(
        f"local loans = {{{ids}}}\nlocal n = 0\n"
        "request = function()\n"
        "  n = n + 1\n"
        "  local loan = loans[(n % #loans) + 1]\n"
        f'  local key = "{prefix}-" .. n\n'
        f'  return wrk.format("POST", {path}, {headers}, {body})\n'
        "end\n"
    )
    return script


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


def _run_wrk(base: str, script: Path, pid: int) -> dict[str, Any]:
    cpu = cpu_seconds(pid)
    result = wrk(base + "/", seconds=int(SECONDS), connections=CLIENTS, script=script)
    requests = result["rps"] * int(SECONDS)
    return {
        "rps": result["rps"],
        "p50_ms": result["p50_ms"],
        "p99_ms": result["p99_ms"],
        "errors": result["non_2xx"],
        "server_cpu_ms": round((cpu_seconds(pid) - cpu) / requests * 1000, 2),
    }


READS = 300


async def _aged_loan(base: str, auth: dict[str, str], borrower_id: str) -> str:
    """A loan started 700 days ago with a payment on each of its 700 days."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        start = datetime.now(UTC).date() - timedelta(days=700)
        booked = await http.post(
            "/api/loans",
            json={
                "borrowerId": borrower_id,
                "productCode": "PERSONAL",
                "principal": "20000.00",
                "termPeriods": 36,
                "frequency": "monthly",
                "grade": "B",
                "startDate": start.isoformat(),
            },
            headers={**auth, "Idempotency-Key": str(uuid.uuid4())},
        )
        loan_id: str = booked.json()["loan"]["id"]
        await http.post(
            f"/api/loans/{loan_id}/disbursement", json={}, headers={**auth, "Idempotency-Key": str(uuid.uuid4())}
        )
        for day in range(1, 701):
            paid = await http.post(
                f"/api/loans/{loan_id}/transactions",
                json={"kind": "payment", "amount": "20.00", "valueDate": (start + timedelta(days=day)).isoformat()},
                headers={**auth, "Idempotency-Key": str(uuid.uuid4())},
            )
            assert paid.status_code == 201, paid.text
        return loan_id


async def _reads(base: str, auth: dict[str, str], new: str, aged: str) -> dict[str, dict[str, float]]:
    times: dict[str, list[float]] = {"new": [], "aged_700_days": []}
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        for _ in range(READS):
            for name, loan in (("new", new), ("aged_700_days", aged)):
                began = time.perf_counter()
                response = await http.get(f"/api/loans/{loan}", headers=auth)
                times[name].append(time.perf_counter() - began)
                assert response.status_code == 200
    out = {}
    for name, values in times.items():
        values.sort()
        out[name] = {
            "p50_ms": round(values[len(values) // 2] * 1000, 2),
            "p95_ms": round(values[int(0.95 * len(values))] * 1000, 2),
        }
    return out


def main() -> None:
    from loan_engine.db.migrations import upgrade

    runs: dict[str, list[dict[str, Any]]] = {"full": [], "bare": []}
    driver = "wrk" if shutil.which("wrk") else "httpx"
    with scratch_database("payments", core=1) as (url, folder):
        upgrade(url.replace("postgresql://", "postgresql+asyncpg://"))
        env = {
            "DATABASE_URL": url,
            "ENVIRONMENT": "dev",
            "JWT_SECRET": BENCH_SECRET,
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")]),
        }
        with uvicorn_process("bench_payments:bench_app", env=env, factory=True, quiet=True) as (base, server):
            auth, loans, borrower_id = asyncio.run(_prepare(base, url))
            asyncio.run(_run(base, auth, loans, bare=False))  # warm-up
            asyncio.run(_run(base, auth, loans, bare=True))
            for _ in range(ROUNDS):
                for name, bare in (("full", False), ("bare", True)):
                    if driver == "wrk":  # a new script each round: its keys must not repeat an earlier round's
                        runs[name].append(_run_wrk(base, _wrk_script(folder, auth, loans, bare), server.pid))
                    else:
                        runs[name].append(asyncio.run(_run(base, auth, loans, bare=bare, pid=server.pid)))
            fresh = asyncio.run(_prepare_one(base, auth, borrower_id))
            aged = asyncio.run(_aged_loan(base, auth, borrower_id))
            reads = asyncio.run(_reads(base, auth, fresh, aged))
    full = statistics.median(r["rps"] for r in runs["full"])
    bare = statistics.median(r["rps"] for r in runs["bare"])
    write_results(
        "payments",
        {
            "method": f"closed loop, {CLIENTS} connections of {driver} (httpx clients in one process when wrk is "
            f"missing), {ROUNDS} alternating rounds of "
            f"{SECONDS} s after a warm-up, {LOANS} loans, uvicorn 1 worker pinned to core 0, embedded PostgreSQL "
            "(fsync off) pinned to core 1 with the load generator; server_cpu_ms is the server process's CPU "
            "(user + system) per request, which the load on the other core does not change",
            "full_payments_per_s": full,
            "bare_payments_per_s": bare,
            "full_over_bare": round(full / bare, 3),
            "full_p50_ms": statistics.median(r["p50_ms"] for r in runs["full"]),
            "full_p99_ms": statistics.median(r["p99_ms"] for r in runs["full"]),
            "bare_p50_ms": statistics.median(r["p50_ms"] for r in runs["bare"]),
            "full_server_cpu_ms": statistics.median(r["server_cpu_ms"] for r in runs["full"]),
            "bare_server_cpu_ms": statistics.median(r["server_cpu_ms"] for r in runs["bare"]),
            "loan_read": reads,
            "loan_read_aged_over_new_p95": round(reads["aged_700_days"]["p95_ms"] / reads["new"]["p95_ms"], 3),
            "runs": runs,
        },
    )


if __name__ == "__main__":
    main()
