"""Configuration: one small TOML file per environment, overridable from the command line.

Everything account-specific (VPC, subnets, ARNs, domain names) lives in the operator's own config
file, never in git; `loan-infra.example.toml` documents every key. Resource names are derived from
`app` and `environment` so a fresh account needs only the network facts.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any, cast

from loan_infra.errors import ConfigError

DEFAULT_CONFIG_FILE = "loan-infra.toml"


@dataclass(frozen=True)
class NetworkConfig:
    vpc_id: str = ""
    subnets: tuple[str, ...] = ()
    security_groups: tuple[str, ...] = ()
    assign_public_ip: bool = False


@dataclass(frozen=True)
class AlbConfig:
    name: str = ""
    listener_arn: str = ""
    certificate_arn: str = ""
    api_url: str = ""
    health_check_path: str = "/health/live"
    deregistration_delay_seconds: int = 30


@dataclass(frozen=True)
class EcsConfig:
    cpu: int = 512
    memory: int = 1024
    desired_count: int = 2
    health_check_grace_seconds: int = 60
    cluster: str = ""
    worker_count: int = 1
    log_retention_days: int = 30
    migrate_command: tuple[str, ...] = ("loan-engine", "db", "upgrade")


@dataclass(frozen=True)
class EcrConfig:
    repository: str = ""
    keep_images: int = 30


@dataclass(frozen=True)
class WebConfig:
    bucket: str = ""
    distribution_id: str = ""
    aliases: tuple[str, ...] = ()
    certificate_arn: str = ""
    web_url: str = ""
    price_class: str = "PriceClass_100"
    content_security_policy: str = (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    )


@dataclass(frozen=True)
class StacksConfig:
    """Which stacks bootstrap deploys besides api (always): the rest can already exist in the account."""

    network: bool = False
    database: bool = False
    web: bool = True
    schedule: bool = True
    database_deletion_protection: bool = True


@dataclass(frozen=True)
class ScheduleConfig:
    enabled: bool = False
    expression: str = "cron(30 1 * * ? *)"
    # A harmless placeholder while the schedule is disabled; the nightly job's command replaces it.
    command: tuple[str, ...] = ("loan-engine", "--help")


@dataclass(frozen=True)
class SecretsConfig:
    database_url: str = ""
    jwt: str = ""
    data_kek: str = ""


@dataclass(frozen=True)
class GithubConfig:
    repository: str = ""
    environment: str = "test"


@dataclass(frozen=True)
class TimingConfig:
    poll_seconds: float = 10.0
    migration_minutes: float = 15.0
    deployment_minutes: float = 15.0
    invalidation_minutes: float = 15.0
    health_retries: int = 6


@dataclass(frozen=True)
class Config:
    app: str = "loan-engine"
    environment: str = "test"
    region: str = ""
    endpoint_url: str = ""
    network: NetworkConfig = field(default_factory=NetworkConfig)
    alb: AlbConfig = field(default_factory=AlbConfig)
    ecs: EcsConfig = field(default_factory=EcsConfig)
    ecr: EcrConfig = field(default_factory=EcrConfig)
    web: WebConfig = field(default_factory=WebConfig)
    stacks: StacksConfig = field(default_factory=StacksConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    secrets: SecretsConfig = field(default_factory=SecretsConfig)
    github: GithubConfig = field(default_factory=GithubConfig)
    timing: TimingConfig = field(default_factory=TimingConfig)
    # Stack outputs, filled in by the CLI before a release command runs (never from the file).
    outputs: tuple[tuple[str, str], ...] = ()

    @property
    def prefix(self) -> str:
        """The stem of every resource name, e.g. `loan-engine-test`."""
        return f"{self.app}-{self.environment}"

    @property
    def names(self) -> Names:
        return Names(self)


class Names:
    """Resource names: the stacks' outputs when the CLI has read them, else what the templates name them."""

    def __init__(self, config: Config) -> None:
        p = config.prefix
        out = dict(config.outputs)
        self.stack = {part: f"{p}-{part}" for part in ("network", "database", "api", "web", "schedule", "deploy-roles")}
        self.cluster = out.get("ClusterName", config.ecs.cluster or p)
        self.service = out.get("ApiServiceName", f"{p}-api")
        self.worker_service = out.get("WorkerServiceName", f"{p}-worker")
        self.family = out.get("ApiFamily", f"{p}-api")
        self.worker_family = out.get("WorkerFamily", f"{p}-worker")
        self.container = "api"
        self.worker_container = "worker"
        self.log_group = out.get("ApiLogGroupName", f"/ecs/{p}")
        self.worker_log_group = out.get("WorkerLogGroupName", f"/ecs/{p}-worker")
        self.repository = config.ecr.repository or f"{config.app}/api"
        self.repository_uri = out.get("RepositoryUri", "")
        self.target_group_arn = out.get("TargetGroupArn", "")
        self.execution_role_arn = out.get("ExecutionRoleArn", "")
        self.task_role_arn = out.get("TaskRoleArn", "")
        self.bucket_name = out.get("BucketName", config.web.bucket)
        self.distribution_id = out.get("DistributionId", config.web.distribution_id)
        self.database_url_secret = config.secrets.database_url or f"{config.app}/{config.environment}/database-url"
        self.jwt_secret = config.secrets.jwt or f"{config.app}/{config.environment}/jwt"
        self.data_kek_secret = config.secrets.data_kek or f"{config.app}/{config.environment}/data-kek"


def load_config(path: str | None, overrides: Sequence[str] = (), **flags: str | None) -> Config:
    """Read the TOML file (if any), apply `--set key=value` overrides, then the explicit flags."""
    data = _read_file(path)
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ConfigError(f"--set expects key=value, got {item!r}")
        _assign(data, key.strip().split("."), _parse_scalar(value.strip()))
    for flag, flag_value in flags.items():
        if flag_value:
            data[flag] = flag_value
    data.setdefault("endpoint_url", os.environ.get("AWS_ENDPOINT_URL", ""))
    data.setdefault("region", os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION", ""))
    config = cast(Config, _build(Config, data, ""))
    if not config.region:
        raise ConfigError("no AWS region: set `region` in the config file, --region, or AWS_REGION")
    return config


def _read_file(path: str | None) -> dict[str, Any]:
    candidate = path or os.environ.get("LOAN_INFRA_CONFIG") or ""
    if not candidate:
        if not Path(DEFAULT_CONFIG_FILE).is_file():
            return {}
        candidate = DEFAULT_CONFIG_FILE
    try:
        with Path(candidate).open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {candidate}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {candidate} is not valid TOML: {exc}") from None


def _assign(data: dict[str, Any], path: list[str], value: Any) -> None:
    for part in path[:-1]:
        data = data.setdefault(part, {})
    data[path[-1]] = value


def _parse_scalar(raw: str) -> Any:
    """`--set` values: TOML literals when they parse (numbers, booleans, arrays), else plain strings."""
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def _build(kind: type[Any], data: Mapping[str, Any], where: str) -> Any:
    known = {f.name: f for f in fields(kind)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ConfigError(f"unknown config key {where}{unknown[0]}")
    values: dict[str, Any] = {}
    defaults = kind()
    for name, value in data.items():
        default = getattr(defaults, name)
        if is_dataclass(default):
            if not isinstance(value, Mapping):
                raise ConfigError(f"config key {where}{name} must be a table")
            values[name] = _build(type(default), value, f"{where}{name}.")
        else:
            values[name] = _coerce(value, default, f"{where}{name}")
    return replace(defaults, **values)


def _coerce(value: Any, default: Any, key: str) -> Any:
    if isinstance(default, tuple):
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"config key {key} must be a list of strings")
        return tuple(value)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"config key {key} must be true or false")
        return value
    if isinstance(default, int | float) and not isinstance(value, bool):
        try:
            return type(default)(value)
        except (TypeError, ValueError):
            raise ConfigError(f"config key {key} must be a number, got {value!r}") from None
    if not isinstance(value, str):
        raise ConfigError(f"config key {key} must be a string")
    return value
