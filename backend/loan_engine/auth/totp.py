"""TOTP codes (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps, through `pyotp`) and recovery codes.

Pure functions, no I/O. A code is accepted in the current step or one step either side (clock drift of
an authenticator app, and the seconds a person takes to type); the caller refuses a step at or before
the last one accepted, so a code seen over someone's shoulder cannot be used again.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Final

import pyotp

STEP_S: Final = 30
DIGITS: Final = 6
WINDOW: Final = 1  # steps either side of now
RECOVERY_CODES: Final = 10
# 16 characters of a 31-letter alphabet without look-alikes (no 0/o, 1/l/i): about 79 random bits per
# code, far beyond guessing, so a fast hash (SHA-256) is enough to store them; shown as four groups of four.
RECOVERY_ALPHABET: Final = "abcdefghjkmnpqrstuvwxyz23456789"


def new_secret() -> str:
    """160 random bits, base32 (what authenticator apps expect; RFC 4226 recommends 160)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The `otpauth://totp/…` URI an authenticator app reads (usually from a QR code)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_S).provisioning_uri(name=account, issuer_name=issuer)


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_S)


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step whose code `code` is (within the window), or None. Compared in constant time."""
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    otp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_S)
    step = current_step(now)
    found = None
    for candidate in range(step - WINDOW, step + WINDOW + 1):  # all three compared, found or not
        if hmac.compare_digest(otp.generate_otp(candidate), code):
            found = candidate
    return found


def new_recovery_codes(count: int = RECOVERY_CODES) -> list[str]:
    """`count` fresh codes like `abcd-efgh-jkmn-pqrs` (shown once; only their digests are kept)."""
    return ["-".join(_group() for _ in range(4)) for _ in range(count)]


def _group() -> str:
    return "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(4))


def recovery_digest(code: str) -> bytes:
    """What is stored for a recovery code: SHA-256 of its normalised form (case, spaces and dashes do not
    matter when typing it)."""
    normalised = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).digest()
