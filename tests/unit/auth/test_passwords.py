"""Argon2id parameters, the bound on concurrent hashes, and the password policy."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pytest
from argon2 import PasswordHasher, extract_parameters

from loan_engine.auth import passwords
from loan_engine.auth.passwords import PasswordHashing, policy_errors, user_inputs_for
from loan_engine.errors import ServiceUnavailableError


class RecordingHasher:
    """argon2's PasswordHasher (slotted, so it cannot be patched), recording the hashes it verifies."""

    def __init__(self, hasher: PasswordHasher) -> None:
        self.hasher = hasher
        self.verified: list[str] = []

    def verify(self, password_hash: str, password: str) -> bool:
        self.verified.append(password_hash)
        return self.hasher.verify(password_hash, password)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.hasher, name)


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


async def test_unknown_account_verification_fails_but_does_the_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """No early return for an unknown account: a real Argon2id verification against a dummy hash made
    with the production parameters."""
    hashing = PasswordHashing()
    recording = RecordingHasher(hashing._hasher)
    monkeypatch.setattr(hashing, "_hasher", recording)
    checked = recording.verified
    result = await hashing.verify(None, "anything at all")
    assert not result.ok
    assert len(checked) == 1
    assert extract_parameters(checked[0]) == extract_parameters(await hashing.hash("anything at all"))


async def test_a_hash_with_weaker_parameters_verifies_and_asks_for_a_rehash() -> None:
    old = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("quartz-lantern-meadow-91")
    result = await PasswordHashing().verify(old, "quartz-lantern-meadow-91")
    assert result.ok
    assert result.needs_rehash


async def test_unicode_passwords_are_normalised() -> None:
    hashing = PasswordHashing()
    composed = "caf\u00e9-lantern-meadow-91"
    decomposed = "cafe\u0301-lantern-meadow-91"
    assert (await hashing.verify(await hashing.hash(composed), decomposed)).ok


async def until(condition: Callable[[], bool]) -> None:
    """Let the event loop and the hashing threads run until `condition` holds (10 s at most: a bound on a
    hang, not a timing assertion)."""
    for _ in range(10_000):
        if condition():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("the condition never held")


async def test_no_more_than_the_bound_hash_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    hashing = PasswordHashing(max_concurrent=2)
    running = 0
    lock = threading.Lock()
    release = threading.Event()

    def blocked_hash(password: str) -> str:
        nonlocal running
        with lock:
            running += 1
        release.wait(timeout=10)
        return password

    monkeypatch.setattr(hashing, "hash_sync", blocked_hash)
    tasks = [asyncio.create_task(hashing.hash(f"p{i}")) for i in range(8)]
    # every task is either hashing or queued for a slot: then count those hashing
    await until(lambda: running + len(hashing._slots._waiters or ()) == 8)
    assert running == 2
    release.set()
    assert await asyncio.gather(*tasks) == [f"p{i}" for i in range(8)]


async def test_a_hopeless_queue_answers_503_instead_of_waiting_for_ever(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "HASH_QUEUE_TIMEOUT_S", 0.05)
    hashing = PasswordHashing(max_concurrent=1)
    release = threading.Event()
    monkeypatch.setattr(hashing, "hash_sync", lambda p: p if release.wait(timeout=10) else "")
    holder = asyncio.create_task(hashing.hash("a"))
    await until(hashing._slots.locked)  # the only slot is taken and stays taken
    with pytest.raises(ServiceUnavailableError) as refused:
        await hashing.hash("b")
    assert refused.value.headers["Retry-After"] == "5"
    release.set()
    assert await holder == "a"


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
