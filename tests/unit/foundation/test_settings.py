"""Settings: dev works with nothing set; prod fails fast, naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from loan_engine.settings import Environment, LogFormat, Settings, SettingsError

PROD_OK = {
    "ENVIRONMENT": "prod",
    "DATABASE_URL": "postgresql://app:pw@db.internal:5432/loans",
    "JWT_SECRET": "x" * 32,
}


def test_dev_needs_no_configuration() -> None:
    settings = Settings.from_env({})
    assert settings.environment is Environment.DEV
    assert settings.database_url is None
    assert settings.log_format is LogFormat.CONSOLE
    assert not settings.jwt.configured  # no secret is ever invented


def test_prod_with_required_values_uses_json_logs_and_asyncpg() -> None:
    settings = Settings.from_env(PROD_OK)
    assert settings.is_prod
    assert settings.log_format is LogFormat.JSON
    assert settings.database_url == "postgresql+asyncpg://app:pw@db.internal:5432/loans"


@pytest.mark.parametrize(
    ("override", "variable"),
    [
        ({"DATABASE_URL": ""}, "DATABASE_URL"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"JWT_SECRET": ""}, "JWT_PRIVATE_KEY or JWT_SECRET"),
        ({"JWT_SECRET": "short"}, "JWT_SECRET"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
        ({"ENVIRONMENT": "staging"}, "ENVIRONMENT"),
        ({"DB_POOL_SIZE": "0"}, "DB_POOL_SIZE"),
        ({"DB_POOL_SIZE": "ten"}, "DB_POOL_SIZE"),
        ({"DB_STATEMENT_TIMEOUT_MS": "5"}, "DB_STATEMENT_TIMEOUT_MS"),
        ({"CORS_ALLOWED_ORIGINS": "example.com"}, "CORS_ALLOWED_ORIGINS"),
        ({"WEB_DIST": "/nonexistent"}, "WEB_DIST"),
        ({"JWT_PRIVATE_KEY": "not a pem"}, "JWT_"),
    ],
)
def test_invalid_values_name_the_variable(override: dict[str, str], variable: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env({**PROD_OK, **override})


def test_cors_origins_are_parsed() -> None:
    settings = Settings.from_env({"CORS_ALLOWED_ORIGINS": "https://a.example, http://localhost:5173/"})
    assert settings.cors_allowed_origins == ("https://a.example", "http://localhost:5173")


def test_web_dist_must_hold_an_index(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<!doctype html>")
    assert Settings.from_env({"WEB_DIST": str(tmp_path)}).web_dist == tmp_path.resolve()


def test_env_file_is_read_and_the_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("LOG_LEVEL=debug\nDB_POOL_SIZE=7\n")
    monkeypatch.setenv("DB_POOL_SIZE", "3")
    settings = Settings.from_env(env_file=env_file)
    assert settings.log_level == "DEBUG"
    assert settings.db_pool_size == 3


def test_bad_prod_configuration_exits_with_one_clear_line() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "JWT_"))}
    env["ENVIRONMENT"] = "prod"
    result = subprocess.run(
        [sys.executable, "-m", "loan_engine.cli", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == ["loan-engine: configuration error: DATABASE_URL is required when ENVIRONMENT=prod"]


def test_mail_settings_are_parsed_and_checked() -> None:
    from loan_engine.settings import SmtpSecurity

    mail = Settings.from_env(
        {
            "SMTP_HOST": "email-smtp.us-east-1.amazonaws.com",
            "SMTP_USERNAME": "AKIAEXAMPLE",
            "SMTP_PASSWORD": "smtp-password",
            "LENDER_NAME": "Acme Lending",
            "PUBLIC_BASE_URL": "https://loans.example/",
        }
    ).mail
    assert (mail.host, mail.port, mail.security) == ("email-smtp.us-east-1.amazonaws.com", 587, SmtpSecurity.STARTTLS)
    assert mail.public_base_url == "https://loans.example"
    assert "smtp-password" not in repr(mail)
    assert Settings.from_env({"SMTP_TLS": "tls"}).mail.port == 465
    for bad, variable in (
        ({"SMTP_USERNAME": "only-user"}, "SMTP_USERNAME"),
        ({"SMTP_TLS": "ssl3"}, "SMTP_TLS"),
        ({"PUBLIC_BASE_URL": "loans.example"}, "PUBLIC_BASE_URL"),
    ):
        with pytest.raises(SettingsError, match=variable):
            Settings.from_env(bad)
