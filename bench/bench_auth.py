"""Identity figures (issue 4), written to bench/results/auth.json:

- sign-in latency p50/p99 with 8 concurrent sign-ins (8 closed-loop clients, each signing in again as
  soon as its previous sign-in returns), through a real uvicorn server and PostgreSQL;
- memory per Argon2id hash (peak RSS growth of a fresh process, one hash and 4 concurrent hashes);
- access-token verification cost in µs per token (HS256, EdDSA, RS256), in-process;
- requests/s of an authenticated GET /auth/me versus the same work without authentication in the same
  run: a bench-only route that loads the same principal with the same query and returns the same body,
  so the difference is exactly the bearer header parsing, JWT verification and guard machinery.

Method: uvicorn 1 worker pinned to core 0 and wrk pinned to core 1 (bench/serving.py); PostgreSQL is the
embedded one, unpinned. Authenticated and unauthenticated runs alternate back to back, 12 pairs of 3 s
after a warm-up (short alternations cancel the drift of a shared machine); reported: the ratio of the
median requests/s, the median ratio of the pairs, and the ratio of the server's CPU time per request.
Without wrk on PATH an asyncio httpx loop replaces it.

    python bench/bench_auth.py
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import timeit
import uuid
from pathlib import Path
from typing import Any

from litestar import get
from litestar.datastructures import State
from litestar.params import FromQuery

from loan_engine.app import create_app
from loan_engine.auth.schemas import UserRead
from loan_engine.auth.service import load_principal, user_read
from loan_engine.auth.tokens import AccessClaims

sys.path.insert(0, str(Path(__file__).parent))
from serving import scratch_database, uvicorn_server, write_results, wrk

ROOT = Path(__file__).parents[1]
ROUNDS = 12
SECONDS = 3
CONNECTIONS = 32
SIGN_IN_CLIENTS = 8
SIGN_INS_PER_CLIENT = 25
BENCH_SECRET = "bench-only-signing-secret-" + "0123456789abcdef" * 2
PASSWORD = "quartz-lantern-meadow-91"


# ---- the app under test (uvicorn imports this module with --factory bench_auth:bench_app) ------------


def bench_app() -> Any:
    """The real app plus GET /bench/principal: /auth/me's work without authentication."""

    @get("/bench/principal", include_in_schema=False)
    async def principal(state: State, user: FromQuery[uuid.UUID], sid: FromQuery[uuid.UUID]) -> UserRead:
        loaded = await load_principal(state.engine, AccessClaims(user, "bench", 0, session_id=sid))
        assert loaded is not None
        return user_read(loaded)  # type: ignore[arg-type]

    app = create_app()
    app.register(principal)
    return app


# ---- in-process figures ----------------------------------------------------------------------------


def verification_us() -> dict[str, float]:
    """µs to verify one access token, per key type (median of 5 timeit repeats)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

    from loan_engine.auth.tokens import TokenService
    from loan_engine.settings import JwtSettings

    def pem(key: Any) -> str:
        return key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()

    services = {
        "HS256": TokenService(JwtSettings(secret=BENCH_SECRET)),
        "EdDSA": TokenService(JwtSettings(private_key=pem(ed25519.Ed25519PrivateKey.generate()))),
        "RS256": TokenService(JwtSettings(private_key=pem(rsa.generate_private_key(65537, 2048)))),
    }
    figures: dict[str, Any] = {}
    for name, service in services.items():
        token = service.issue_for_user(uuid.uuid4(), uuid.uuid4(), ["borrower"]).token
        number = 2000 if name == "HS256" else 500
        cold = timeit.repeat(lambda s=service, t=token: s._verify(t), number=number, repeat=5)
        figures[name] = round(statistics.median(cold) / number * 1e6, 1)
        service.verify(token)
        warm = timeit.repeat(lambda s=service, t=token: s.verify(t), number=20_000, repeat=5)
        figures[f"{name}_seen_before"] = round(statistics.median(warm) / 20_000 * 1e6, 2)
    figures["method"] = (
        "median of 5 timeit repeats in-process. First sight of a token: signature and every claim checked "
        "by PyJWT. Seen before: the same token string answered from the per-process cache of verified "
        "tokens (until its exp), which is what every request after a client's first one costs"
    )
    return figures


_MEMORY_PROBE = """
import resource, threading, json
from argon2 import PasswordHasher
from loan_engine.auth import passwords as p
hasher = PasswordHasher(time_cost=p.TIME_COST, memory_cost=p.MEMORY_COST_KIB, parallelism=p.PARALLELISM)
hasher.hash("warm-up: loads the library; measured runs reuse nothing from it")
def rss(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
base = rss(); n = int(__import__("sys").argv[1])
threads = [threading.Thread(target=hasher.hash, args=("quartz-lantern-meadow-91",)) for _ in range(n)]
[t.start() for t in threads]; [t.join() for t in threads]
print(json.dumps({"before_kib": base, "after_kib": rss()}))
"""


def memory_per_hash() -> dict[str, Any]:
    """Peak-RSS growth of a fresh process running N concurrent hashes, per hash. The warm-up hash has
    already raised the peak by one hash's memory, so the N-hash run shows the growth beyond it."""
    from loan_engine.auth import passwords

    results = {}
    for concurrent in (1, 4):
        output = subprocess.run(
            [sys.executable, "-c", _MEMORY_PROBE, str(concurrent)], capture_output=True, text=True, check=True
        ).stdout
        results[concurrent] = json.loads(output)
    one, four = results[1], results[4]
    growth_for_three_more = (four["after_kib"] - four["before_kib"]) / 1024
    return {
        "argon2id_parameters": {
            "memory_cost_kib": passwords.MEMORY_COST_KIB,
            "time_cost": passwords.TIME_COST,
            "parallelism": passwords.PARALLELISM,
        },
        "configured_mib_per_hash": round(passwords.MEMORY_COST_KIB / 1024, 1),
        "measured_mib_per_extra_concurrent_hash": round(growth_for_three_more / 3, 1),
        "peak_rss_mib_one_hash_process": round(one["after_kib"] / 1024, 1),
        "max_concurrent_hashes_per_process": passwords.MAX_CONCURRENT_HASHES,
        "peak_hash_memory_per_process_mib": round(
            passwords.MAX_CONCURRENT_HASHES * passwords.MEMORY_COST_KIB / 1024, 1
        ),
        "method": "ru_maxrss of a fresh process after a warm-up hash, then 4 concurrent hashes in threads",
    }


# ---- HTTP figures ----------------------------------------------------------------------------------


async def _sign_in_latencies(base: str, accounts: list[str]) -> dict[str, Any]:
    import httpx

    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:

        async def worker(email: str) -> None:
            for _ in range(SIGN_INS_PER_CLIENT):
                started = time.perf_counter()
                response = await client.post("/auth/login", json={"email": email, "password": PASSWORD})
                latencies.append(time.perf_counter() - started)
                assert response.status_code == 200, response.text

        alone = []
        for email in accounts * 3:  # warm-up, and the latency of one sign-in at a time
            started = time.perf_counter()
            await client.post("/auth/login", json={"email": email, "password": PASSWORD})
            alone.append(time.perf_counter() - started)
        started = time.perf_counter()
        await asyncio.gather(*(worker(email) for email in accounts))
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "concurrent_sign_ins": len(accounts),
        "sign_ins": len(ordered),
        "p50_ms": round(ordered[len(ordered) // 2] * 1000, 1),
        "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
        "sign_ins_per_s": round(len(ordered) / elapsed, 1),
        "p50_ms_one_at_a_time": round(statistics.median(alone) * 1000, 1),
        "method": (
            f"{len(accounts)} closed-loop httpx clients x {SIGN_INS_PER_CLIENT} sign-ins each, "
            "server pinned to one core (Argon2id in worker threads, bounded by the semaphore)"
        ),
    }


async def _prepare(base: str) -> tuple[list[str], str, str, str]:
    """8 accounts for the sign-in run; an access token plus the ids /bench/principal needs."""
    import httpx

    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        emails = []
        for i in range(SIGN_IN_CLIENTS):
            email = f"bench-{i}-{uuid.uuid4().hex[:6]}@example.com"
            response = await client.post(
                "/auth/register", json={"email": email, "displayName": f"Bench {i}", "password": PASSWORD}
            )
            assert response.status_code == 201, response.text
            emails.append(email)
        signed_in = (await client.post("/auth/login", json={"email": emails[0], "password": PASSWORD})).json()
    import jwt

    claims = jwt.decode(signed_in["accessToken"], options={"verify_signature": False})
    return emails, signed_in["accessToken"], claims["sub"], claims["sid"]


async def _httpx_rate(url: str, headers: dict[str, str], seconds: int) -> dict[str, Any]:
    import httpx

    count, errors, latencies = 0, 0, []
    deadline = time.perf_counter() + seconds
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=CONNECTIONS)) as client:

        async def worker() -> None:
            nonlocal count, errors
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await client.get(url, headers=headers)
                latencies.append(time.perf_counter() - started)
                count += 1
                errors += response.status_code != 200

        await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))
    latencies.sort()
    return {
        "rps": round(count / seconds, 1),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 3),
        "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 3),
        "non_2xx": errors,
        "tool": f"httpx asyncio loop, {CONNECTIONS} connections, {seconds}s",
    }


def _server_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _server_pid() -> int:
    found = subprocess.run(["pgrep", "-n", "-f", "bench_auth:bench_app"], capture_output=True, text=True, check=True)
    return int(found.stdout.split()[0])


def _rate(url: str, token: str | None, seconds: int, script_dir: Path, pid: int | None = None) -> dict[str, Any]:
    """One load run; with `pid`, also the server's CPU time per request (robust to a busy machine)."""
    cpu_before = _server_cpu_s(pid) if pid else 0.0
    if shutil.which("wrk") is None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        result = asyncio.run(_httpx_rate(url, headers, seconds))
    else:
        script = None
        if token is not None:
            script = script_dir / "bearer.lua"
            script.write_text(f'wrk.headers["Authorization"] = "Bearer {token}"\n')
        result = wrk(url, seconds=seconds, connections=CONNECTIONS, script=script)
    if pid:
        requests = result["rps"] * seconds
        result["server_cpu_us_per_request"] = round((_server_cpu_s(pid) - cpu_before) / requests * 1e6, 1)
    return result


def http_figures() -> dict[str, Any]:
    from loan_engine.db.migrations import upgrade

    runs: dict[str, list[dict[str, Any]]] = {"authenticated": [], "unauthenticated": []}
    with scratch_database("auth") as (url, folder):
        upgrade(url.replace("postgresql://", "postgresql+asyncpg://"))
        env = {
            "DATABASE_URL": url,
            "ENVIRONMENT": "dev",
            "JWT_SECRET": BENCH_SECRET,
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")]),
        }
        with uvicorn_server("bench_auth:bench_app", env=env, factory=True) as base:
            emails, token, user_id, session_id = asyncio.run(_prepare(base))
            sign_in = asyncio.run(_sign_in_latencies(base, emails))
            me_url = f"{base}/auth/me"
            plain_url = f"{base}/bench/principal?user={user_id}&sid={session_id}"
            pid = _server_pid()
            _rate(me_url, token, 3, folder)  # warm-up both paths
            _rate(plain_url, None, 3, folder)
            for _ in range(ROUNDS):
                runs["authenticated"].append(_rate(me_url, token, SECONDS, folder, pid))
                runs["unauthenticated"].append(_rate(plain_url, None, SECONDS, folder, pid))
    median = {name: statistics.median(r["rps"] for r in rs) for name, rs in runs.items()}
    auth_rps, plain_rps = median["authenticated"], median["unauthenticated"]
    pair_ratios = [a["rps"] / p["rps"] for a, p in zip(runs["authenticated"], runs["unauthenticated"], strict=True)]
    cpu = {name: statistics.median(r["server_cpu_us_per_request"] for r in rs) for name, rs in runs.items()}
    return {
        "sign_in": sign_in,
        "authenticated_get": {
            "route": "GET /auth/me (Bearer HS256 access token)",
            "peer_route": "GET /bench/principal: same principal query and body, no authentication",
            "median_rps_authenticated": round(auth_rps, 1),
            "median_rps_unauthenticated": round(plain_rps, 1),
            "ratio_of_medians": round(auth_rps / plain_rps, 3),
            "median_ratio_of_back_to_back_pairs": round(statistics.median(pair_ratios), 3),
            "server_cpu_us_per_request": {name: round(v, 1) for name, v in cpu.items()},
            "ratio_at_cpu_saturation": round(cpu["unauthenticated"] / cpu["authenticated"], 3),
            "auth_cpu_cost_us_per_request": round(cpu["authenticated"] - cpu["unauthenticated"], 1),
            "target_ratio": 0.9,
            "runs": runs,
            "method": (
                f"uvicorn 1 worker pinned to core 0, load pinned to core 1, {CONNECTIONS} connections, "
                f"{ROUNDS} alternating {SECONDS} s runs after a 3 s warm-up each; medians. The server's CPU "
                "time per request (from /proc) gives the ratio a saturated server would reach, which a "
                "busy shared machine does not disturb the way it disturbs requests/s"
            ),
        },
    }


if __name__ == "__main__":
    figures: dict[str, Any] = {"token_verification_us": verification_us(), "memory_per_hash": memory_per_hash()}
    figures |= http_figures()
    write_results("auth", figures)
