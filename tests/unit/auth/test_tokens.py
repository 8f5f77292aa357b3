"""Access-token signing and verification: algorithms per key type, key rotation, claim checks, dev keys."""

from __future__ import annotations

import stat
import time
import uuid
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from loan_engine.auth.throttle import ACCOUNT, SOURCE
from loan_engine.auth.tokens import (
    AccessClaims,
    InvalidTokenError,
    TokenService,
    new_opaque_secret,
    resolve_jwt_settings,
    secret_digest,
)
from loan_engine.settings import Environment, JwtSettings, Settings, SettingsError

SECRET = "unit-test-secret-0123456789abcdef0123456789"
OTHER_SECRET = "unit-test-other-secret-0123456789abcdef0123"


def pem_pair(key: ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey) -> tuple[str, str]:
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private.decode(), public.decode()


def test_hs256_round_trip() -> None:
    tokens = TokenService(JwtSettings(secret=SECRET))
    user, session = uuid.uuid4(), uuid.uuid4()
    issued = tokens.issue_for_user(user, session, ["borrower"])
    claims = tokens.verify(issued.token)
    assert (claims.subject, claims.session_id, claims.client_id) == (user, session, None)
    assert claims.roles == {"borrower"}
    header = jwt.get_unverified_header(issued.token)
    assert header == {"alg": "HS256", "kid": "k1", "typ": "at+jwt"}
    assert issued.expires_in == 900


@pytest.mark.parametrize(
    ("key", "algorithm"),
    [(ed25519.Ed25519PrivateKey.generate(), "EdDSA"), (rsa.generate_private_key(65537, 2048), "RS256")],
)
def test_key_pairs_choose_their_algorithm(key: ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey, algorithm: str) -> None:
    private, public = pem_pair(key)
    tokens = TokenService(JwtSettings(private_key=private, public_key=public, key_id="pair"))
    assert tokens.algorithm == algorithm
    client = uuid.uuid4()
    claims = tokens.verify(tokens.issue_for_client(client, "lec_x", ["audit:read"]).token)
    assert (claims.subject, claims.client_id) == (client, "lec_x")
    assert claims.scopes == {"audit:read"}


def test_small_rsa_keys_and_mismatched_public_keys_are_refused() -> None:
    small, _ = pem_pair(rsa.generate_private_key(65537, 1024))
    with pytest.raises(SettingsError, match="2048"):
        TokenService(JwtSettings(private_key=small))
    private, _ = pem_pair(ed25519.Ed25519PrivateKey.generate())
    _, other_public = pem_pair(ed25519.Ed25519PrivateKey.generate())
    with pytest.raises(SettingsError, match="does not belong"):
        TokenService(JwtSettings(private_key=private, public_key=other_public))


def test_rotation_accepts_the_previous_key_until_it_is_removed() -> None:
    old = TokenService(JwtSettings(secret=SECRET, key_id="2026-10"))
    old_token = old.issue_for_user(uuid.uuid4(), uuid.uuid4(), ["admin"]).token
    private, public = pem_pair(ed25519.Ed25519PrivateKey.generate())
    rotated = TokenService(
        JwtSettings(private_key=private, key_id="2026-11", previous_secret=SECRET, previous_key_id="2026-10")
    )
    assert rotated.verify(old_token).roles == {"admin"}
    new_token = rotated.issue_for_user(uuid.uuid4(), uuid.uuid4(), ["admin"]).token
    assert jwt.get_unverified_header(new_token)["kid"] == "2026-11"
    assert rotated.verify(new_token)
    finished = TokenService(JwtSettings(private_key=private, key_id="2026-11"))
    with pytest.raises(InvalidTokenError):
        finished.verify(old_token)
    assert finished.verify(new_token)
    # a previous public key (EdDSA -> anything) is also accepted, and needs its own key id
    successor = TokenService(
        JwtSettings(secret=OTHER_SECRET, key_id="2026-12", previous_public_key=public, previous_key_id="2026-11")
    )
    assert successor.verify(new_token)
    with pytest.raises(SettingsError, match="PREVIOUS_KEY_ID"):
        TokenService(JwtSettings(secret=SECRET, previous_secret=OTHER_SECRET))
    with pytest.raises(SettingsError, match="differ"):
        TokenService(JwtSettings(secret=SECRET, previous_secret=OTHER_SECRET, previous_key_id="k1"))


def test_the_previous_key_verifies_but_never_signs() -> None:
    tokens = TokenService(JwtSettings(secret=SECRET, key_id="new", previous_secret=OTHER_SECRET, previous_key_id="old"))
    assert jwt.get_unverified_header(tokens.issue_for_user(uuid.uuid4(), uuid.uuid4(), []).token)["kid"] == "new"
    assert tokens.key_ids == ("new", "old")


def test_a_key_id_cannot_borrow_another_keys_algorithm() -> None:
    """kid=old names an HS256 key: an RS256 token claiming kid=old is refused, and vice versa."""
    private, _ = pem_pair(rsa.generate_private_key(65537, 2048))
    tokens = TokenService(JwtSettings(private_key=private, key_id="new", previous_secret=SECRET, previous_key_id="old"))
    now = int(time.time())
    claims = {
        "iss": "loan-engine", "aud": "loan-engine-api", "sub": str(uuid.uuid4()), "iat": now, "nbf": now,
        "exp": now + 60, "jti": "j", "typ": "at+jwt", "sid": str(uuid.uuid4()), "roles": [],
    }  # fmt: skip
    rs_as_old = jwt.encode(claims, private, algorithm="RS256", headers={"kid": "old", "typ": "at+jwt"})
    with pytest.raises(InvalidTokenError):
        tokens.verify(rs_as_old)
    hs_as_new = jwt.encode(claims, SECRET, algorithm="HS256", headers={"kid": "new", "typ": "at+jwt"})
    with pytest.raises(InvalidTokenError):
        tokens.verify(hs_as_new)
    assert tokens.verify(jwt.encode(claims, SECRET, algorithm="HS256", headers={"kid": "old", "typ": "at+jwt"}))


def test_issuer_and_audience_come_from_settings() -> None:
    tokens = TokenService(JwtSettings(secret=SECRET, issuer="https://api.example/auth", audience="loans"))
    claims = jwt.decode(
        tokens.issue_for_user(uuid.uuid4(), uuid.uuid4(), []).token, options={"verify_signature": False}
    )
    assert (claims["iss"], claims["aud"]) == ("https://api.example/auth", "loans")
    other = TokenService(JwtSettings(secret=SECRET))
    with pytest.raises(InvalidTokenError):
        other.verify(tokens.issue_for_user(uuid.uuid4(), uuid.uuid4(), []).token)


def test_dev_gets_a_persistent_private_secret_and_prod_never_does(tmp_path: Path) -> None:
    dev = Settings(environment=Environment.DEV, data_dir=tmp_path / "data")
    first = resolve_jwt_settings(dev)
    path = tmp_path / "data" / "dev-jwt-secret"
    assert first.secret is not None
    assert len(first.secret) == 128
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert resolve_jwt_settings(dev).secret == first.secret  # survives a restart
    assert [p.name for p in path.parent.iterdir()] == ["dev-jwt-secret"]  # no temporary files left
    configured = replace(dev, jwt=JwtSettings(secret=SECRET))
    assert resolve_jwt_settings(configured).secret == SECRET
    with pytest.raises(SettingsError):
        resolve_jwt_settings(Settings(environment=Environment.PROD, data_dir=tmp_path))
    assert not (tmp_path / "dev-jwt-secret").exists()


def test_opaque_secrets_are_random_and_stored_as_sha256() -> None:
    values = {new_opaque_secret() for _ in range(100)}
    assert len(values) == 100
    value = values.pop()
    assert len(value) == 43
    assert len(secret_digest(value)) == 32
    assert secret_digest(value) == secret_digest(value)


def test_back_off_grows_from_one_second_to_its_cap() -> None:
    assert [ACCOUNT.delay_s(n) for n in range(1, 10)] == [0, 0, 0, 0, 1, 2, 4, 8, 16]
    assert ACCOUNT.delay_s(1000) == 15 * 60
    assert SOURCE.delay_s(19) == 0
    assert SOURCE.delay_s(20) == 1
    assert SOURCE.delay_s(10_000) == 3600
    assert ACCOUNT.key("a@example.com") == "account:a@example.com"
    assert SOURCE.key(None) == "source:unknown"


def test_verified_tokens_are_cached_until_they_expire(monkeypatch: pytest.MonkeyPatch) -> None:
    from loan_engine.auth import tokens as module

    service = TokenService(JwtSettings(secret=SECRET))
    token = service.issue_for_user(uuid.uuid4(), uuid.uuid4(), ["borrower"]).token
    calls: list[str] = []
    real_verify = service._verify

    def counted(t: str) -> AccessClaims:
        calls.append(t)
        return real_verify(t)

    monkeypatch.setattr(service, "_verify", counted)
    first = service.verify(token)
    assert service.verify(token) == first
    assert len(calls) == 1  # the second check came from the cache
    later = time.time() + 15 * 60 + 31  # past exp + leeway
    monkeypatch.setattr(module, "time", SimpleNamespace(time=lambda: later))
    service.verify(token)  # PyJWT's own clock still says valid; the point: the stale entry was dropped
    assert len(calls) == 2


def test_invalid_tokens_are_never_cached_and_the_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from loan_engine.auth import tokens as module

    service = TokenService(JwtSettings(secret=SECRET))
    forged = jwt.encode({"sub": "x"}, OTHER_SECRET, algorithm="HS256", headers={"kid": "k1", "typ": "at+jwt"})
    with pytest.raises(InvalidTokenError):
        service.verify(forged)
    with pytest.raises(InvalidTokenError):
        service.verify(forged)
    assert forged not in service._verified
    monkeypatch.setattr(module, "VERIFIED_CACHE_SIZE", 3)
    for _ in range(5):
        service.verify(service.issue_for_user(uuid.uuid4(), uuid.uuid4(), []).token)
    assert len(service._verified) == 3
