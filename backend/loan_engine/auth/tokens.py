"""Access tokens (JWT, PyJWT) and opaque secrets (refresh tokens, client secrets).

Access tokens follow RFC 8725 and RFC 9068: header `typ: at+jwt` and a `kid` naming one of the keys
configured in settings (the current key, and optionally the previous one during a rotation); the
algorithm is pinned per key (HS256 for a secret, EdDSA or RS256 from the private key's type), so a
token can never choose its own algorithm or key. Every claim is required: iss, aud, sub, exp, iat,
nbf, jti, typ, plus `sid` and `roles` for people or `client_id` and `scope` for API clients.

Refresh tokens and client secrets are 256-bit random strings; only their SHA-256 is stored.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import jwt
import structlog
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

from loan_engine.settings import Environment, JwtSettings, Settings, SettingsError

ACCESS_TOKEN_TTL = timedelta(minutes=15)
SESSION_ABSOLUTE_TTL = timedelta(days=30)  # a sign-in's refresh tokens stop working 30 days after it
REFRESH_IDLE_TTL = timedelta(days=7)  # an unused refresh token expires after 7 days (inactivity timeout)
LEEWAY_S = 30  # clock skew tolerated on exp / nbf / iat
ACCESS_TOKEN_TYPE = "at+jwt"
REQUIRED_CLAIMS = ("iss", "aud", "sub", "exp", "iat", "nbf", "jti", "typ")
VERIFIED_CACHE_SIZE = 10_000  # tokens (well under 10 MB)
DEV_SECRET_FILE = "dev-jwt-secret"
_MIN_RSA_BITS = 2048
log = structlog.get_logger("loan_engine.auth")


class InvalidTokenError(Exception):
    """The token is not an acceptable access token; `reason` is for logs only, never for the client."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class _Key:
    kid: str
    algorithm: str
    signing: Any  # bytes for HS256, a private key object otherwise
    verifying: Any  # bytes for HS256, a public key object otherwise


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    expires_in: int  # seconds


@dataclass(frozen=True, slots=True)
class AccessClaims:
    """The verified content of an access token."""

    subject: uuid.UUID
    token_id: str
    expires_at: int
    session_id: uuid.UUID | None = None  # people only: the sign-in (refresh-token family) it belongs to
    roles: frozenset[str] = frozenset()
    client_id: str | None = None  # API clients only
    scopes: frozenset[str] = frozenset()

    @property
    def is_client(self) -> bool:
        return self.client_id is not None


class TokenService:
    """Signs and verifies access tokens with the keys from settings."""

    def __init__(self, settings: JwtSettings, ttl: timedelta = ACCESS_TOKEN_TTL) -> None:
        if not settings.configured:
            raise SettingsError("a JWT signing key is required (JWT_SECRET or JWT_PRIVATE_KEY)")
        self.issuer = settings.issuer
        self.audience = settings.audience
        self.ttl_s = int(ttl.total_seconds())
        self._current = _current_key(settings)
        keys = {self._current.kid: self._current}
        previous = _previous_key(settings)
        if previous is not None:
            if previous.kid in keys:
                raise SettingsError("JWT_PREVIOUS_KEY_ID must differ from JWT_KEY_ID")
            keys[previous.kid] = previous
        self._keys = keys
        self._jwt = jwt.PyJWT()
        self._verified: OrderedDict[str, AccessClaims] = OrderedDict()

    @property
    def algorithm(self) -> str:
        return self._current.algorithm

    @property
    def key_ids(self) -> tuple[str, ...]:
        return tuple(self._keys)

    def issue_for_user(self, user_id: uuid.UUID, session_id: uuid.UUID, roles: Iterable[str]) -> IssuedToken:
        return self._issue(str(user_id), {"sid": str(session_id), "roles": sorted(roles)})

    def issue_for_client(self, client_uuid: uuid.UUID, client_id: str, scopes: Iterable[str]) -> IssuedToken:
        return self._issue(str(client_uuid), {"client_id": client_id, "scope": " ".join(sorted(scopes))})

    def _issue(self, subject: str, extra: dict[str, Any]) -> IssuedToken:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "iat": now,
            "nbf": now,
            "exp": now + self.ttl_s,
            "jti": uuid.uuid4().hex,
            "typ": ACCESS_TOKEN_TYPE,
            **extra,
        }
        key = self._current
        headers = {"kid": key.kid, "typ": ACCESS_TOKEN_TYPE}
        token = jwt.encode(claims, key.signing, algorithm=key.algorithm, headers=headers)
        return IssuedToken(token, self.ttl_s)

    def verify(self, token: str) -> AccessClaims:
        """The claims of a valid access token, or InvalidTokenError.

        A token verified before (the same exact string, so the same signature) is answered from a small
        per-process cache until it expires, skipping the signature check and PyJWT's parsing; forged or
        invalid tokens are never cached. Revocation does not depend on this: callers check the database.
        """
        now = time.time()
        cached = self._verified.get(token)
        if cached is not None:
            if now < cached.expires_at + LEEWAY_S:
                self._verified.move_to_end(token)
                return cached
            del self._verified[token]
        claims = self._verify(token)
        self._verified[token] = claims
        if len(self._verified) > VERIFIED_CACHE_SIZE:
            self._verified.popitem(last=False)
        return claims

    def _verify(self, token: str) -> AccessClaims:
        kid = _unverified_kid(token)
        key = self._keys.get(kid) if kid is not None else None
        if key is None:
            raise InvalidTokenError("unknown key id")
        try:
            decoded = self._jwt.decode_complete(
                token,
                key.verifying,
                algorithms=[key.algorithm],
                audience=self.audience,
                issuer=self.issuer,
                leeway=LEEWAY_S,
                options={"require": list(REQUIRED_CLAIMS), "strict_aud": True},
            )
        except jwt.InvalidTokenError as exc:
            raise InvalidTokenError(type(exc).__name__) from exc
        header, payload = decoded["header"], decoded["payload"]
        if header.get("typ") != ACCESS_TOKEN_TYPE or payload.get("typ") != ACCESS_TOKEN_TYPE:
            raise InvalidTokenError("wrong token type")
        return _claims(payload)


def _unverified_kid(token: str) -> str | None:
    """The header's `kid`, read only to pick one of our own keys (PyJWT then verifies everything)."""
    header_segment = token.split(".", 1)[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(header_segment + "=" * (-len(header_segment) % 4)))
    except (ValueError, TypeError):
        return None
    kid = header.get("kid") if isinstance(header, dict) else None
    return kid if isinstance(kid, str) else None


def _claims(payload: dict[str, Any]) -> AccessClaims:
    try:
        subject = uuid.UUID(payload["sub"])
        if "client_id" in payload:
            client_id, scope = payload["client_id"], payload["scope"]
            if not isinstance(client_id, str) or not isinstance(scope, str) or "sid" in payload:
                raise InvalidTokenError("bad client claims")
            return AccessClaims(
                subject, str(payload["jti"]), int(payload["exp"]), client_id=client_id, scopes=frozenset(scope.split())
            )
        roles = payload["roles"]
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise InvalidTokenError("bad roles claim")
        return AccessClaims(
            subject,
            str(payload["jti"]),
            int(payload["exp"]),
            session_id=uuid.UUID(payload["sid"]),
            roles=frozenset(roles),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InvalidTokenError("bad claims") from exc


def _current_key(settings: JwtSettings) -> _Key:
    if settings.secret is not None:
        secret = settings.secret.encode()
        return _Key(settings.key_id, "HS256", secret, secret)
    assert settings.private_key is not None
    try:
        private = serialization.load_pem_private_key(settings.private_key.encode(), password=None)
    except (ValueError, TypeError) as exc:
        raise SettingsError("JWT_PRIVATE_KEY is not a readable unencrypted PEM private key") from exc
    if isinstance(private, Ed25519PrivateKey):
        algorithm = "EdDSA"
    elif isinstance(private, RSAPrivateKey) and private.key_size >= _MIN_RSA_BITS:
        algorithm = "RS256"
    else:
        raise SettingsError("JWT_PRIVATE_KEY must be an Ed25519 key or an RSA key of at least 2048 bits")
    public = private.public_key()
    configured_public = _load_public(settings.public_key, "JWT_PUBLIC_KEY") if settings.public_key else None
    if configured_public is not None and _public_pem(configured_public) != _public_pem(public):
        raise SettingsError("JWT_PUBLIC_KEY does not belong to JWT_PRIVATE_KEY")
    return _Key(settings.key_id, algorithm, private, public)


def _previous_key(settings: JwtSettings) -> _Key | None:
    if settings.previous_secret is None and settings.previous_public_key is None:
        return None
    if settings.previous_key_id is None:
        raise SettingsError("JWT_PREVIOUS_KEY_ID is required with JWT_PREVIOUS_SECRET or JWT_PREVIOUS_PUBLIC_KEY")
    if settings.previous_secret is not None and settings.previous_public_key is not None:
        raise SettingsError("set only one of JWT_PREVIOUS_SECRET and JWT_PREVIOUS_PUBLIC_KEY")
    if settings.previous_secret is not None:
        secret = settings.previous_secret.encode()
        return _Key(settings.previous_key_id, "HS256", None, secret)
    assert settings.previous_public_key is not None
    public = _load_public(settings.previous_public_key, "JWT_PREVIOUS_PUBLIC_KEY")
    if isinstance(public, Ed25519PublicKey):
        return _Key(settings.previous_key_id, "EdDSA", None, public)
    if isinstance(public, RSAPublicKey) and public.key_size >= _MIN_RSA_BITS:
        return _Key(settings.previous_key_id, "RS256", None, public)
    raise SettingsError("JWT_PREVIOUS_PUBLIC_KEY must be an Ed25519 key or an RSA key of at least 2048 bits")


def _load_public(pem: str, name: str) -> Any:
    try:
        return serialization.load_pem_public_key(pem.encode())
    except (ValueError, TypeError) as exc:
        raise SettingsError(f"{name} is not a readable PEM public key") from exc


def _public_pem(key: Any) -> bytes:
    pem: bytes = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return pem


def token_service_for(settings: Settings) -> TokenService:
    """The app's token service. Dev without a configured key gets a persistent random dev key."""
    return TokenService(resolve_jwt_settings(settings))


def resolve_jwt_settings(settings: Settings) -> JwtSettings:
    """Settings' key material. When none is configured, in dev and test: a random 64-byte secret made
    once and kept in `<data_dir>/dev-jwt-secret` (0600), shared by every worker and restart, with a
    warning in the log. Never a per-process random key (workers would reject each other's tokens).
    Prod cannot get here: settings refuse to start it without a key."""
    if settings.jwt.configured:
        return settings.jwt
    if settings.environment is Environment.PROD:
        raise SettingsError("JWT_SECRET or JWT_PRIVATE_KEY is required when ENVIRONMENT=prod")
    path = settings.data_dir / DEV_SECRET_FILE
    secret = _read_or_create_secret(path)
    log.warning("dev_jwt_secret_in_use", path=str(path), hint="set JWT_SECRET or JWT_PRIVATE_KEY outside dev")
    return replace(settings.jwt, secret=secret, key_id="dev")


def _read_or_create_secret(path: Path) -> str:
    """Create the secret at most once, even with several workers starting together (link is atomic)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(64))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another worker won the race; use its secret
        finally:
            temporary.unlink()
    secret = path.read_text().strip()
    if len(secret.encode()) < 32:
        raise SettingsError(f"{path} holds a secret shorter than 32 bytes; delete it to get a new one")
    return secret


def new_opaque_secret() -> str:
    """256 random bits, URL-safe (refresh tokens, client secrets)."""
    return secrets.token_urlsafe(32)


def secret_digest(value: str) -> bytes:
    """What we store instead of an opaque secret: its SHA-256. A fast hash is right here because the
    secret has 256 bits of entropy (no dictionary to try); passwords get Argon2id instead."""
    return hashlib.sha256(value.encode()).digest()
