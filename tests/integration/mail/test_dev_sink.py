"""The development sink keeps what it is sent under <data>/mail, and `loan-engine mail list|show` prints
it, labelled as the sink."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from loan_engine.cli import main
from loan_engine.mail.sink import start_sink, stored_messages
from loan_engine.mail.transport import Outgoing, SmtpTransport
from loan_engine.settings import MailSettings, SmtpSecurity


async def test_the_sink_keeps_messages_and_the_cli_shows_them(tmp_path: Path) -> None:
    sink = start_sink(tmp_path / "mail")
    try:
        settings = MailSettings(host="127.0.0.1", port=sink.port, security=SmtpSecurity.NONE)
        await SmtpTransport(settings).send(
            Outgoing("m-1", "ada@example.com", "Reset your password", "Open http://x/reset?token=abc", "<p>hi</p>")
        )
    finally:
        sink.stop()
    [stored] = stored_messages(tmp_path / "mail")
    assert (stored.recipient, stored.subject) == ("ada@example.com", "Reset your password")

    env = {"LOAN_ENGINE_DATA_DIR": str(tmp_path)}
    listed = CliRunner().invoke(main, ["mail", "list"], env=env)
    assert listed.exit_code == 0, listed.output
    assert "development mail sink" in listed.output
    assert stored.id in listed.output
    shown = CliRunner().invoke(main, ["mail", "show", stored.id], env=env)
    assert shown.exit_code == 0, shown.output
    assert "token=abc" in shown.output
    assert CliRunner().invoke(main, ["mail", "show", "no-such-id"], env=env).exit_code == 1
