"""Envelope encryption of sensitive fields: an application's tax id and date of birth, a person's TOTP
secret (the second factor of sign-in).

Each record (an application, an account's authenticator) gets its own 256-bit data key; each field is
sealed with AES-GCM under it, with the record id and the field name as associated data (a ciphertext
moved to another row or column does not open). The data key is stored only wrapped: AES-GCM under the
key-encryption key (KEK) from settings (``DATA_KEK``, 32 bytes, base64). In AWS a KMS key replaces the
KEK: ``KeyWrapper`` is the seam, and ``wrap``/``unwrap`` become KMS ``Encrypt``/``Decrypt`` (or
``GenerateDataKey``) calls.
"""

from __future__ import annotations

import base64
import hashlib
import os
import uuid
from dataclasses import dataclass
from typing import Final

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from loan_engine.errors import LoanEngineError

__all__ = ["DEV_KEK", "KeyMissingError", "KeyWrapper", "Sealed", "open_field", "seal_fields"]

_NONCE: Final = 12
# Development and tests only (settings refuse to start in prod without DATA_KEK): a fixed, published key,
# so a developer's database survives restarts. It protects nothing and says so in its name.
DEV_KEK: Final = hashlib.sha256(b"loan-engine development key-encryption key (not a secret)").digest()


class KeyMissingError(LoanEngineError):
    """Production without ``DATA_KEK``: sensitive fields cannot be sealed, so what needs them is unavailable."""

    status, type, title = 503, "encryption-key-missing", "This service is unavailable: no encryption key"


@dataclass(frozen=True, slots=True)
class KeyWrapper:
    """Wraps and unwraps data keys with one key-encryption key, named by ``key_id`` (None: not configured)."""

    kek: bytes | None
    key_id: str

    @classmethod
    def from_base64(cls, text: str | None, key_id: str, *, prod: bool) -> KeyWrapper:
        if text:
            return cls(base64.b64decode(text), key_id)
        return cls(None, "missing") if prod else cls(DEV_KEK, "dev")

    def _aead(self) -> AESGCM:
        if self.kek is None:
            raise KeyMissingError("DATA_KEK is not configured; sensitive fields cannot be stored or read")
        return AESGCM(self.kek)

    def wrap(self, data_key: bytes) -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + self._aead().encrypt(nonce, data_key, self.key_id.encode())

    def unwrap(self, wrapped: bytes) -> bytes:
        return self._aead().decrypt(wrapped[:_NONCE], wrapped[_NONCE:], self.key_id.encode())


@dataclass(frozen=True, slots=True)
class Sealed:
    """A record's wrapped data key and its sealed fields."""

    wrapped_key: bytes
    key_id: str
    fields: dict[str, bytes]


def _aad(record: uuid.UUID, name: str) -> bytes:
    return record.bytes + name.encode()


def seal_fields(wrapper: KeyWrapper, record: uuid.UUID, fields: dict[str, str]) -> Sealed:
    """A fresh data key for ``record``; each field sealed under it; the key wrapped by the KEK."""
    data_key = AESGCM.generate_key(bit_length=256)
    aead = AESGCM(data_key)
    sealed = {}
    for name, value in fields.items():
        nonce = os.urandom(_NONCE)
        sealed[name] = nonce + aead.encrypt(nonce, value.encode(), _aad(record, name))
    return Sealed(wrapper.wrap(data_key), wrapper.key_id, sealed)


def open_field(wrapper: KeyWrapper, record: uuid.UUID, wrapped_key: bytes, name: str, sealed: bytes) -> str:
    """The clear text of one sealed field (raises ``cryptography.exceptions.InvalidTag`` if tampered)."""
    aead = AESGCM(wrapper.unwrap(wrapped_key))
    return aead.decrypt(sealed[:_NONCE], sealed[_NONCE:], _aad(record, name)).decode()
