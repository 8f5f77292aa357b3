"""Argon2id parameters, the bound on concurrent hashes, and the password policy."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from argon2 import extract_parameters

from loan_engine.auth import passwords
from loan_engine.auth.passwords import PasswordHashing, policy_errors, user_inputs_for
from loan_engine.errors import ServiceUnavailableError


async def test_hashes_are_argon2id_with_at_least_owasp_minimum_cost() -> None:
    hashing = PasswordHashing()
    hashed = await hashing.hash("quartz-lantern-meadow-91")
    params = extract_parameters(hashed)
    assert hashed.startswith("$argon2id$")
    assert params.memory_cost >= 19 * 1024
    assert params.time_cost >= 2
    assert params.parallelism == 1
    assert (await hashing.verify(hashed, "quartz-lantern-meadow-91")).ok
    assert not (await hashing.verify(hashed, "quartz-lantern-meadow-92")).ok
    assert hashed != await hashing.hash("quartz-lantern-meadow-91")  # salted


async def test_unknown_account_verification_fails_but_does_the_work() -> None:
    hashing = PasswordHashing()
    started = time.perf_counter()
    result = await hashing.verify(None, "anything at all")
    assert not result.ok
    assert time.perf_counter() - started > 0.005  # an Argon2id verification, not an early return


async def test_a_hash_with_weaker_parameters_verifies_and_asks_for_a_rehash() -> None:
    from argon2 import PasswordHasher

    old = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("quartz-lantern-meadow-91")
    result = await PasswordHashing().verify(old, "quartz-lantern-meadow-91")
    assert result.ok
    assert result.needs_rehash


async def test_unicode_passwords_are_normalised() -> None:
    hashing = PasswordHashing()
    composed = "caf\u00e9-lantern-meadow-91"
    decomposed = "cafe\u0301-lantern-meadow-91"
    assert (await hashing.verify(await hashing.hash(composed), decomposed)).ok


async def test_no_more_than_the_bound_hash_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    hashing = PasswordHashing(max_concurrent=2)
    running, peak = 0, 0
    lock = threading.Lock()

    def slow_hash(password: str) -> str:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.05)
        with lock:
            running -= 1
        return password

    monkeypatch.setattr(hashing, "hash_sync", slow_hash)
    await asyncio.gather(*(hashing.hash(f"p{i}") for i in range(8)))
    assert peak == 2


async def test_a_hopeless_queue_answers_503_instead_of_waiting_for_ever(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "HASH_QUEUE_TIMEOUT_S", 0.05)
    hashing = PasswordHashing(max_concurrent=1)
    monkeypatch.setattr(hashing, "hash_sync", lambda p: time.sleep(0.3) or p)
    results = await asyncio.gather(hashing.hash("a"), hashing.hash("b"), return_exceptions=True)
    assert sum(isinstance(r, ServiceUnavailableError) for r in results) == 1


@pytest.mark.parametrize(
    "password",
    [
        "short",
        "elevenchars",
        "password1234",
        "qwertyuiop123",
        "111111111111",
        "iloveyou2024",
        "abcdefghijkl",
        "P@ssw0rd2024",
    ],
)
def test_weak_passwords_fail_the_policy(password: str) -> None:
    assert policy_errors(password, ["someone@example.com"])


def test_the_users_own_details_count_as_guessable() -> None:
    inputs = user_inputs_for("ramanujan.srinivasa@example.com", "Srinivasa Ramanujan")
    assert policy_errors("ramanujansrinivasa", inputs)
    assert not policy_errors("ramanujansrinivasa", [])  # the same string is strong for someone else


@pytest.mark.parametrize(
    "password",
    ["quartz-lantern-meadow-91", "correct horse battery staple", "Tr0ub4dor&3-zebra", "x" * 5 + "Kp9#vQ2!mZ7&wL"],
)
def test_strong_passwords_pass_without_composition_rules(password: str) -> None:
    assert policy_errors(password, ["someone@example.com"]) == []


def test_length_bounds() -> None:
    assert "at least 12" in policy_errors("Kp9#vQ2!mZ7", [])[0].message
    assert "at most 128" in policy_errors("Kp9#vQ2!mZ7&" * 11, [])[0].message
    assert policy_errors("otters juggle seven copper kettles " * 3 + "x" * 20, []) == []  # 125 chars
