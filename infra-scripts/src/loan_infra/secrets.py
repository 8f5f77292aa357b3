"""The API's secrets (DATABASE_URL, the JWT signing key and the data key-encryption key DATA_KEK) in
Secrets Manager or SSM Parameter Store.

The task definition only ever carries ARNs (`secrets: [{name, valueFrom}]`); ECS resolves them
at task start with the execution role. Values are read from the environment when they must be
supplied by a person (the database URL), generated when they can be (the JWT key), and never
printed, passed as flags, or overwritten by a re-run.

Config values for `secrets.database_url`, `secrets.jwt` and `secrets.data_kek` can be a Secrets Manager
name (created if missing), a Secrets Manager ARN, or an SSM parameter ARN (both reused as they are).
DATA_KEK (32 random bytes, base64) wraps the per-record data keys of encrypted fields (tax ids, dates of
birth, TOTP secrets); without it a production API answers 503 on those routes. It is generated once and
never rotated by this tool: a new key must first re-wrap every stored data key (docs/SECURITY.md).
A Secrets Manager JWT secret is JSON with JWT_SECRET and JWT_PREVIOUS_SECRET, so a rotation can
keep accepting tokens signed with the previous key until they expire.
"""

from __future__ import annotations

import base64
import json
import os
import secrets as pysecrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from botocore.exceptions import ClientError

from loan_infra.aws import Aws, error_code
from loan_infra.config import Names
from loan_infra.errors import ConfigError, InfraError
from loan_infra.output import Reporter

DATABASE_URL_ENV = "LOAN_INFRA_DATABASE_URL"
JWT_KEYS = ("JWT_SECRET", "JWT_PREVIOUS_SECRET")
Store = Literal["secretsmanager", "ssm"]


@dataclass(frozen=True)
class SecretRef:
    env: str
    value_from: str
    resource_arn: str
    store: Store


@dataclass(frozen=True)
class AppSecrets:
    refs: tuple[SecretRef, ...]

    def container_secrets(self) -> list[dict[str, str]]:
        return [{"name": r.env, "valueFrom": r.value_from} for r in self.refs]

    def arns(self, store: Store) -> list[str]:
        return sorted({r.resource_arn for r in self.refs if r.store == store})


@dataclass(frozen=True)
class _Spec:
    """One app secret: its config value (name or ARN), the env var it feeds, and how a new one starts."""

    spec: str
    env: str
    initial: Callable[[], str]
    json_keys: bool = False


def _specs(names: Names) -> tuple[_Spec, ...]:
    return (
        _Spec(names.database_url_secret, "DATABASE_URL", _database_url_from_env),
        _Spec(names.jwt_secret, "JWT_SECRET", _new_jwt_document, json_keys=True),
        _Spec(names.data_kek_secret, "DATA_KEK", _new_data_kek),
    )


def ensure_app_secrets(aws: Aws, out: Reporter, names: Names) -> AppSecrets:
    """Look up every app secret, creating the missing Secrets Manager ones (bootstrap)."""
    refs: list[SecretRef] = []
    for one in _specs(names):
        arn = _ensure(aws, out, one.spec, one.env, one.initial)
        refs += _refs(arn, one.env, json_keys=one.json_keys)
    return AppSecrets(tuple(refs))


def resolve_app_secrets(aws: Aws, names: Names, *, predict_missing: bool = False) -> AppSecrets:
    """Resolve every app secret to ARNs without creating or reading anything (deploys).

    With `predict_missing`, a secret that does not exist yet gets the ARN pattern it will have
    (`name-??????`: Secrets Manager appends six random characters), for writing IAM policies first.
    """
    refs: list[SecretRef] = []
    for one in _specs(names):
        arn = _resolve(aws, one.spec)
        if arn is None and not predict_missing:
            raise InfraError(f"secret {one.spec} does not exist: run `loan-infra bootstrap` first")
        predicted = one.spec if one.spec.startswith("arn:") else _arn_pattern(aws, one.spec)
        refs += _refs(arn or predicted, one.env, json_keys=one.json_keys)
    return AppSecrets(tuple(refs))


def _arn_pattern(aws: Aws, name: str) -> str:
    return f"arn:{aws.partition}:secretsmanager:{aws.region}:{aws.account_id}:secret:{name}-??????"


def _refs(arn: str, env: str, *, json_keys: bool) -> list[SecretRef]:
    if arn.startswith("arn:") and ":ssm:" in arn:
        return [SecretRef(env, arn, arn, "ssm")]
    if json_keys:
        # valueFrom "<secret arn>:<json key>::" picks one key of a JSON secret (ECS syntax).
        return [SecretRef(key, f"{arn}:{key}::", arn, "secretsmanager") for key in JWT_KEYS]
    return [SecretRef(env, arn, arn, "secretsmanager")]


def _resolve(aws: Aws, spec: str) -> str | None:
    if spec.startswith("arn:") and ":ssm:" in spec:
        return spec
    try:
        return aws.secretsmanager.describe_secret(SecretId=spec)["ARN"]
    except ClientError as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return None
        raise


def _ensure(aws: Aws, out: Reporter, spec: str, label: str, initial: Callable[[], str]) -> str:
    what = f"secret {spec} ({label})"
    if spec.startswith("arn:") and ":ssm:" in spec:
        _require_parameter(aws, spec)
        out.resource("exists", what, "SSM parameter")
        return spec
    arn = _resolve(aws, spec)
    if arn is not None:
        out.resource("exists", what)
        return arn
    if spec.startswith("arn:"):
        raise ConfigError(f"secret {spec} does not exist; give a name to have it created, or fix the ARN")
    if out.dry_run:
        out.resource("created", what)
        return _arn_pattern(aws, spec)
    created = aws.secretsmanager.create_secret(
        Name=spec,
        SecretString=initial(),
        Description=f"Loan Engine {label}, injected into the API task by ECS (managed by loan-infra)",
    )
    out.resource("created", what)
    return created["ARN"]


def _require_parameter(aws: Aws, arn: str) -> None:
    name = "/" + arn.split(":parameter/", 1)[1]
    found = aws.ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": [name]}])["Parameters"]
    if not found:
        raise ConfigError(f"SSM parameter {name} does not exist; create it (SecureString) first")


def _database_url_from_env() -> str:
    value = os.environ.get(DATABASE_URL_ENV, "").strip()
    if not value:
        raise ConfigError(
            f"the DATABASE_URL secret does not exist yet: put the URL in {DATABASE_URL_ENV} "
            "(read -rs it, never pass it as a flag) and re-run"
        )
    if not value.startswith(("postgresql://", "postgres://", "postgresql+asyncpg://")):
        raise ConfigError(f"{DATABASE_URL_ENV} must start with postgresql://")
    return value


def _new_data_kek() -> str:
    # The app's DATA_KEK format (settings.py): 32 random bytes, standard base64.
    return base64.b64encode(pysecrets.token_bytes(32)).decode("ascii")


def _new_jwt_document(previous: str | None = None) -> str:
    # 64 random bytes, URL-safe: well over the app's 32-byte minimum for HS256 keys.
    current = pysecrets.token_urlsafe(64)
    return json.dumps({"JWT_SECRET": current, "JWT_PREVIOUS_SECRET": previous or current})


def rotate(aws: Aws, out: Reporter, names: Names, which: str) -> None:
    """Write a new value: a fresh JWT key (old one kept as previous), or DATABASE_URL from the env."""
    spec = names.jwt_secret if which == "jwt" else names.database_url_secret
    arn = _resolve(aws, spec)
    if arn is None:
        raise InfraError(f"secret {spec} does not exist: run `loan-infra bootstrap` first")
    new_value = _rotated_jwt(aws, arn) if which == "jwt" else _database_url_from_env()
    if out.dry_run:
        out.resource("updated", f"secret {spec}", "new version")
        return
    if ":ssm:" in arn:
        aws.ssm.put_parameter(
            Name="/" + arn.split(":parameter/", 1)[1], Value=new_value, Type="SecureString", Overwrite=True
        )
    else:
        aws.secretsmanager.put_secret_value(SecretId=arn, SecretString=new_value)
    out.resource("updated", f"secret {spec}", "new version")


def _rotated_jwt(aws: Aws, arn: str) -> str:
    if ":ssm:" in arn:
        return pysecrets.token_urlsafe(64)
    current = aws.secretsmanager.get_secret_value(SecretId=arn)["SecretString"]
    try:
        previous = json.loads(current)["JWT_SECRET"]
    except (ValueError, KeyError, TypeError):
        raise InfraError(f"secret {arn} is not JSON with a JWT_SECRET key; fix it by hand first") from None
    return _new_jwt_document(previous=str(previous))
