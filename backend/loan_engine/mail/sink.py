"""The development mail sink: an SMTP server on loopback (aiosmtpd) that keeps every message it is given
as an .eml file under `.data/mail`, so a developer can open a reset link without any mail account.
`loan-engine serve` starts it when no SMTP_HOST is configured (development only); `loan-engine mail
list|show` reads the folder. It is never a real mail server: nothing leaves the machine."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

SINK_LABEL = "development mail sink (nothing is sent to real addresses)"


class SinkHandler:
    """aiosmtpd handler: each accepted message becomes `<UTC time>-<id>.eml` in `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        name = f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        temporary = self.folder / f".{name}.tmp"
        temporary.write_bytes(envelope.original_content or envelope.content)
        temporary.replace(self.folder / name)  # atomic: a reader never sees half a message
        return "250 Message accepted for delivery"


def start_sink(folder: Path, host: str = "127.0.0.1", port: int = 0) -> Any:
    """Start the sink in a background thread; returns the aiosmtpd Controller (`.port`, `.stop()`)."""
    from aiosmtpd.controller import Controller  # the `embedded` extra: never in production images

    controller = Controller(SinkHandler(folder), hostname=host, port=port or _free_port(host))
    controller.start()
    return controller


def _free_port(host: str) -> int:
    import socket

    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True, slots=True)
class StoredMessage:
    id: str  # the file name without .eml
    received_at: datetime
    recipient: str
    subject: str
    path: Path

    def parsed(self) -> EmailMessage:
        parsed = message_from_bytes(self.path.read_bytes(), policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    def text(self) -> str:
        part = self.parsed().get_body(preferencelist=("plain",))
        return "" if part is None else str(part.get_content())


def stored_messages(folder: Path) -> list[StoredMessage]:
    """The sink's messages, newest first."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.eml"), reverse=True):
        headers = message_from_bytes(path.read_bytes(), policy=policy.default)
        stamp = datetime.strptime(path.stem.split("-", 1)[0], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
        found.append(StoredMessage(path.stem, stamp, str(headers["To"]), str(headers["Subject"]), path))
    return found
