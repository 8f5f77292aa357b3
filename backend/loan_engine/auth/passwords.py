"""Password hashing (Argon2id, bounded concurrency) and the password policy (length + zxcvbn strength).

Memory: each Argon2id hash or verification allocates `MEMORY_COST_KIB` (19 MiB) for its duration, so
at most `MAX_CONCURRENT_HASHES` run at once per process (about 4 x 19 MiB = 76 MiB peak); further sign-ins
wait their turn on a semaphore instead of growing memory. Hashing runs in a worker thread so the event
loop keeps serving other requests; argon2-cffi releases the GIL while it hashes.
"""

from __future__ import annotations

import asyncio
import functools
import os
import unicodedata
from dataclasses import dataclass

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn import zxcvbn

from loan_engine.errors import FieldError, ServiceUnavailableError, ValidationError

# OWASP Password Storage Cheat Sheet minimum for Argon2id: m=19456 KiB (19 MiB), t=2, p=1.
TIME_COST = 2
MEMORY_COST_KIB = 19_456
PARALLELISM = 1
MAX_CONCURRENT_HASHES = max(2, min(4, os.cpu_count() or 1))
HASH_QUEUE_TIMEOUT_S = 10.0

MIN_LENGTH = 12
MAX_LENGTH = 128
MIN_SCORE = 3  # zxcvbn: 0 too guessable … 4 very unguessable; 3 = "safely unguessable" (< 10^10 guesses)
_ZXCVBN_MAX = 72  # zxcvbn refuses longer input; the first 72 characters decide the score


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the email is unknown, so both paths cost one Argon2id verification.
    Made once per process, with the same parameters as real hashes."""
    hasher = PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_COST_KIB, parallelism=PARALLELISM)
    return hasher.hash(os.urandom(16).hex())


def normalize(password: str) -> str:
    """NFKC, as NIST SP 800-63B 5.1.1.2 recommends, so the same password typed on any keyboard verifies."""
    return unicodedata.normalize("NFKC", password)


@dataclass(frozen=True, slots=True)
class Verification:
    ok: bool
    needs_rehash: bool = False


class PasswordHashing:
    """Argon2id hashing with a per-process bound on concurrent hashes."""

    def __init__(self, max_concurrent: int = MAX_CONCURRENT_HASHES) -> None:
        self._hasher = PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_COST_KIB, parallelism=PARALLELISM)
        self._slots = asyncio.Semaphore(max_concurrent)
        self.max_concurrent = max_concurrent
        self._dummy_hash = _dummy_hash()

    def hash_sync(self, password: str) -> str:
        return self._hasher.hash(normalize(password))

    async def hash(self, password: str) -> str:
        async with self._slot():
            return await anyio.to_thread.run_sync(self.hash_sync, password)

    async def verify(self, password_hash: str | None, password: str) -> Verification:
        """Check `password` against `password_hash`; with None, burn the same time against a dummy hash."""
        async with self._slot():
            return await anyio.to_thread.run_sync(self._verify_sync, password_hash, password)

    def _verify_sync(self, password_hash: str | None, password: str) -> Verification:
        try:
            self._hasher.verify(password_hash or self._dummy_hash, normalize(password))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return Verification(ok=False)
        if password_hash is None:
            return Verification(ok=False)
        return Verification(ok=True, needs_rehash=self._hasher.check_needs_rehash(password_hash))

    def _slot(self) -> _Slot:
        return _Slot(self._slots)


class _Slot:
    """Acquire a hashing slot, or 503 when the queue is so long that waiting is pointless."""

    def __init__(self, semaphore: asyncio.Semaphore) -> None:
        self._semaphore = semaphore

    async def __aenter__(self) -> None:
        try:
            await asyncio.wait_for(self._semaphore.acquire(), timeout=HASH_QUEUE_TIMEOUT_S)
        except TimeoutError:
            raise ServiceUnavailableError(
                "Too many sign-ins at once; try again shortly", headers={"Retry-After": "5"}
            ) from None

    async def __aexit__(self, *_: object) -> None:
        self._semaphore.release()


def policy_errors(password: str, user_inputs: list[str], field: str = "password") -> list[FieldError]:
    """Why `password` is not acceptable (empty when it is): NIST/ASVS length bounds and zxcvbn >= 3.

    No composition rules and no home-made word lists (ASVS 6.2.5): zxcvbn's dictionaries (common
    passwords, names, English words, keyboard patterns) plus the user's own email and name decide.
    """
    password = normalize(password)
    if len(password) < MIN_LENGTH:
        return [FieldError(field, f"must be at least {MIN_LENGTH} characters")]
    if len(password) > MAX_LENGTH:
        return [FieldError(field, f"must be at most {MAX_LENGTH} characters")]
    result = zxcvbn(password[:_ZXCVBN_MAX], user_inputs=[u for u in user_inputs if u], max_length=_ZXCVBN_MAX)
    if result["score"] >= MIN_SCORE:
        return []
    feedback = result.get("feedback") or {}
    hints = [feedback.get("warning") or "", *(feedback.get("suggestions") or [])]
    advice = " ".join(h for h in hints if h)
    message = "is too easy to guess" + (f": {advice}" if advice else "; add more unrelated words")
    return [FieldError(field, message)]


async def check_policy(password: str, user_inputs: list[str], field: str = "password") -> None:
    """Raise ValidationError unless `password` meets the policy (zxcvbn runs off the event loop)."""
    errors = await anyio.to_thread.run_sync(policy_errors, password, user_inputs, field)
    if errors:
        raise ValidationError(errors)


def user_inputs_for(email: str, display_name: str) -> list[str]:
    """Words zxcvbn should treat as known to an attacker: the email, its parts, the name's words."""
    local, _, domain = email.partition("@")
    return [email, local, domain, *domain.split("."), display_name, *display_name.split(), "loan engine", "loanengine"]
