"""One typed settings object, read once from the environment (and an optional .env file).

Dev needs no configuration at all. In prod every required value must be present and valid:
`Settings.from_env()` raises `SettingsError` naming the variable, and the CLI turns that into one
line on stderr and exit code 2. No secret ever defaults to a random value.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from dotenv import dotenv_values

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS_ENV = "LOAN_ENGINE_MIGRATIONS"
E = TypeVar("E", bound=StrEnum)


class SettingsError(ValueError):
    """A configuration value is missing or invalid; the message names the variable."""


class Environment(StrEnum):
    DEV = "dev"
    TEST = "test"
    PROD = "prod"


class LogFormat(StrEnum):
    JSON = "json"
    CONSOLE = "console"


_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@dataclass(frozen=True, slots=True)
class JwtSettings:
    """Signing key material. Exactly one of `secret` (HS256) or `private_key` (EdDSA/RS256) is set."""

    secret: str | None = field(default=None, repr=False)
    private_key: str | None = field(default=None, repr=False)
    public_key: str | None = None
    key_id: str = "k1"
    previous_secret: str | None = field(default=None, repr=False)
    previous_public_key: str | None = None
    previous_key_id: str | None = None
    issuer: str = "loan-engine"
    audience: str = "loan-engine-api"

    @property
    def configured(self) -> bool:
        return bool(self.secret or self.private_key)


class SmtpSecurity(StrEnum):
    STARTTLS = "starttls"  # port 587: plain connection upgraded with STARTTLS (SES's usual)
    TLS = "tls"  # port 465: TLS from the first byte
    NONE = "none"  # loopback only: the development sink and the tests' server


@dataclass(frozen=True, slots=True)
class MailSettings:
    """Where mail goes and who it is from. `host` None: no mail server is configured (dev: `serve` starts
    the development sink and sets `sink`; elsewhere the outbox keeps the messages until one is set)."""

    host: str | None = None
    port: int = 587
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    security: SmtpSecurity = SmtpSecurity.STARTTLS
    timeout_s: int = 20
    sender: str = "Loan Engine <no-reply@loan-engine.invalid>"
    sink: bool = False  # the host is the development sink (`loan-engine serve` without SMTP_HOST)
    lender_name: str = "Loan Engine Lending (development)"
    lender_address: str = "Set LENDER_ADDRESS to the lender's postal address"
    public_base_url: str = "http://127.0.0.1:8000"  # where links in messages point (the web app)


@dataclass(frozen=True, slots=True)
class Settings:
    environment: Environment = Environment.DEV
    database_url: str | None = field(default=None, repr=False)
    db_pool_size: int = 20
    db_statement_timeout_ms: int = 15_000
    # how long a statement waits for a row lock another transaction holds (a busy loan) before the request
    # answers 429 Busy; well under the statement timeout, so a lock wait is told apart from a slow database
    db_lock_timeout_ms: int = 3_000
    # client-side bounds, so a stopped or hung database is a prompt 503, not a request that waits as long
    # as the outage: connecting, waiting for a pooled connection, and any one command (None: the server's
    # statement timeout plus 5 s, so the server cancels a slow statement before the client gives up)
    db_connect_timeout_s: float = 5.0
    db_pool_timeout_s: float = 5.0
    db_command_timeout_s: float | None = None
    cors_allowed_origins: tuple[str, ...] = ()
    log_level: str = "INFO"
    log_format: LogFormat = LogFormat.CONSOLE
    log_health_checks: bool = False
    web_dist: Path | None = None
    data_dir: Path = PROJECT_ROOT / ".data"
    jwt: JwtSettings = field(default_factory=JwtSettings)
    # The key-encryption key that wraps each record's data key (an application's, an authenticator's; base64
    # of 32 bytes). Unset outside prod: the published development key (crypto.py); unset in prod: what
    # needs it (applications, two-step sign-in) answers 503 until it is set (never a weak key). In AWS a
    # KMS key replaces it.
    data_kek: str | None = field(default=None, repr=False)
    data_kek_id: str = "kek1"
    mail: MailSettings = field(default_factory=MailSettings)
    # run the job worker inside the API process (set by `loan-engine serve` in development)
    run_worker_in_process: bool = False

    @property
    def command_timeout_s(self) -> float:
        """The client-side bound on one database command."""
        return self.db_command_timeout_s or self.db_statement_timeout_ms / 1000 + 5

    @property
    def is_prod(self) -> bool:
        return self.environment is Environment.PROD

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, env_file: Path | None = None) -> Settings:
        """Build settings from `env` (default: os.environ over an optional .env file)."""
        if env is None:
            dotenv_path = env_file or PROJECT_ROOT / ".env"
            file_values = {k: v for k, v in dotenv_values(dotenv_path).items() if v is not None}
            env = {**file_values, **os.environ}
        return _parse(env)


def _parse(env: Mapping[str, str]) -> Settings:
    def get(name: str) -> str | None:
        value = env.get(name)
        return value.strip() if value and value.strip() else None

    environment = _enum(Environment, "ENVIRONMENT", get("ENVIRONMENT"), Environment.DEV)
    prod = environment is Environment.PROD
    database_url = get("DATABASE_URL")
    if prod and database_url is None:
        raise SettingsError("DATABASE_URL is required when ENVIRONMENT=prod")
    log_level = (get("LOG_LEVEL") or "INFO").upper()
    if log_level not in _LOG_LEVELS:
        raise SettingsError(f"LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}, got {log_level!r}")
    default_format = LogFormat.JSON if prod else LogFormat.CONSOLE
    web_dist = get("WEB_DIST")
    if web_dist is not None and not (Path(web_dist) / "index.html").is_file():
        raise SettingsError(f"WEB_DIST must be a folder containing index.html, got {web_dist!r}")
    migrations = get(MIGRATIONS_ENV)
    if migrations is not None and not (Path(migrations) / "env.py").is_file():
        raise SettingsError(f"{MIGRATIONS_ENV} must be the Alembic folder (with env.py), got {migrations!r}")
    settings = Settings(
        environment=environment,
        database_url=_database_url(database_url) if database_url else None,
        db_pool_size=_int("DB_POOL_SIZE", get("DB_POOL_SIZE"), 20, 1, 200),
        db_statement_timeout_ms=_int("DB_STATEMENT_TIMEOUT_MS", get("DB_STATEMENT_TIMEOUT_MS"), 15_000, 100, 600_000),
        db_lock_timeout_ms=_int("DB_LOCK_TIMEOUT_MS", get("DB_LOCK_TIMEOUT_MS"), 3_000, 10, 600_000),
        db_connect_timeout_s=_int("DB_CONNECT_TIMEOUT_S", get("DB_CONNECT_TIMEOUT_S"), 5, 1, 120),
        db_pool_timeout_s=_int("DB_POOL_TIMEOUT_S", get("DB_POOL_TIMEOUT_S"), 5, 1, 120),
        db_command_timeout_s=_int("DB_COMMAND_TIMEOUT_S", get("DB_COMMAND_TIMEOUT_S"), 0, 0, 3600) or None,
        cors_allowed_origins=_origins(get("CORS_ALLOWED_ORIGINS")),
        log_level=log_level,
        log_format=_enum(LogFormat, "LOG_FORMAT", get("LOG_FORMAT"), default_format),
        log_health_checks=_bool("LOG_HEALTH_CHECKS", get("LOG_HEALTH_CHECKS")),
        web_dist=Path(web_dist).resolve() if web_dist else None,
        data_dir=Path(get("LOAN_ENGINE_DATA_DIR") or PROJECT_ROOT / ".data"),
        jwt=_jwt(get),
        data_kek=_kek(get("DATA_KEK")),
        data_kek_id=get("DATA_KEK_ID") or "kek1",
        mail=_mail(get),
        run_worker_in_process=_bool("RUN_WORKER_IN_PROCESS", get("RUN_WORKER_IN_PROCESS")),
    )

    if prod and not settings.jwt.configured:
        raise SettingsError("JWT_PRIVATE_KEY or JWT_SECRET is required when ENVIRONMENT=prod")
    return settings


def _mail(get: Callable[[str], str | None]) -> MailSettings:
    """SMTP and the sender. Not required in prod (the deployment gains them with the worker service):
    without SMTP_HOST the outbox keeps every message and the worker logs `mail_not_configured`."""
    security = _enum(SmtpSecurity, "SMTP_TLS", get("SMTP_TLS"), SmtpSecurity.STARTTLS)
    default_port = {SmtpSecurity.STARTTLS: 587, SmtpSecurity.TLS: 465, SmtpSecurity.NONE: 25}[security]
    username, password = get("SMTP_USERNAME"), get("SMTP_PASSWORD")
    if (username is None) != (password is None):
        raise SettingsError("set both SMTP_USERNAME and SMTP_PASSWORD, or neither")
    base_url = (get("PUBLIC_BASE_URL") or "http://127.0.0.1:8000").rstrip("/")
    if not base_url.startswith(("http://", "https://")):
        raise SettingsError(f"PUBLIC_BASE_URL must be an http(s) URL, got {base_url!r}")
    defaults = MailSettings()
    return MailSettings(
        host=get("SMTP_HOST"),
        port=_int("SMTP_PORT", get("SMTP_PORT"), default_port, 1, 65535),
        username=username,
        password=password,
        security=security,
        timeout_s=_int("SMTP_TIMEOUT_S", get("SMTP_TIMEOUT_S"), 20, 1, 300),
        sender=get("MAIL_FROM") or defaults.sender,
        sink=_bool("MAIL_DEV_SINK", get("MAIL_DEV_SINK")),
        lender_name=get("LENDER_NAME") or defaults.lender_name,
        lender_address=get("LENDER_ADDRESS") or defaults.lender_address,
        public_base_url=base_url,
    )


def _jwt(get: Callable[[str], str | None]) -> JwtSettings:
    secret, private_key = get("JWT_SECRET"), get("JWT_PRIVATE_KEY")
    if secret and private_key:
        raise SettingsError("set only one of JWT_SECRET and JWT_PRIVATE_KEY")
    for name, value in (("JWT_SECRET", secret), ("JWT_PREVIOUS_SECRET", get("JWT_PREVIOUS_SECRET"))):
        if value is not None and len(value.encode()) < 32:
            raise SettingsError(f"{name} must be at least 32 bytes of random data")
    if private_key and "PRIVATE KEY" not in private_key:
        raise SettingsError("JWT_PRIVATE_KEY must be a PEM-encoded private key")
    return JwtSettings(
        secret=secret,
        private_key=private_key,
        public_key=get("JWT_PUBLIC_KEY"),
        key_id=get("JWT_KEY_ID") or "k1",
        previous_secret=get("JWT_PREVIOUS_SECRET"),
        previous_public_key=get("JWT_PREVIOUS_PUBLIC_KEY"),
        previous_key_id=get("JWT_PREVIOUS_KEY_ID"),
        issuer=get("JWT_ISSUER") or "loan-engine",
        audience=get("JWT_AUDIENCE") or "loan-engine-api",
    )


def _kek(raw: str | None) -> str | None:
    if raw is None:
        return None
    try:
        key = base64.b64decode(raw, validate=True)
    except ValueError:
        raise SettingsError("DATA_KEK must be base64") from None
    if len(key) != 32:
        raise SettingsError("DATA_KEK must be 32 random bytes, base64-encoded")
    return raw


def _database_url(raw: str) -> str:
    """Accept the usual spellings and normalise to the asyncpg driver."""
    for prefix in ("postgres://", "postgresql://", "postgresql+asyncpg://"):
        if raw.startswith(prefix):
            return "postgresql+asyncpg://" + raw[len(prefix) :]
    raise SettingsError("DATABASE_URL must start with postgresql:// (or postgres://)")


def _enum(kind: type[E], name: str, raw: str | None, default: E) -> E:
    if raw is None:
        return default
    try:
        return kind(raw.lower())
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise SettingsError(f"{name} must be one of {allowed}, got {raw!r}") from None


def _int(name: str, raw: str | None, default: int, low: int, high: int) -> int:
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _bool(name: str, raw: str | None) -> bool:
    if raw is None:
        return False
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}")


def _origins(raw: str | None) -> tuple[str, ...]:
    if raw is None:
        return ()
    origins = tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())
    for origin in origins:
        if origin != "*" and not origin.startswith(("http://", "https://")):
            raise SettingsError(f"CORS_ALLOWED_ORIGINS entries must be http(s) origins, got {origin!r}")
    return origins


def migrations_dir() -> Path:
    """The Alembic folder: LOAN_ENGINE_MIGRATIONS when set (an installed wheel, as in the container
    image, has no source tree around it), otherwise migrations/ of the source checkout."""
    configured = os.environ.get(MIGRATIONS_ENV, "").strip()
    return Path(configured) if configured else PROJECT_ROOT / "migrations"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings.from_env()
