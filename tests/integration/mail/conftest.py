"""A real SMTP server (aiosmtpd) in the test process, on a free loopback port, that can be told to refuse
messages; and the helpers to deliver the outbox to it and read what it received."""

from __future__ import annotations

import re
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from loan_engine.db.engine import create_sessionmaker
from loan_engine.mail.delivery import DeliveryReport, deliver_due
from loan_engine.mail.transport import SmtpTransport
from loan_engine.settings import MailSettings, SmtpSecurity


@dataclass
class Recorder:
    """aiosmtpd handler: refuses the next `refuse` messages with `refusal`, keeps the rest."""

    received: list[EmailMessage] = field(default_factory=list)
    refuse: int = 0
    refusal: str = "451 4.3.0 Mail server temporarily unavailable"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd)
        if self.refuse > 0:
            self.refuse -= 1
            return self.refusal
        parsed = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(parsed)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.received if m["To"] == address]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class SmtpServer:
    recorder: Recorder
    port: int

    @property
    def settings(self) -> MailSettings:
        return MailSettings(host="127.0.0.1", port=self.port, security=SmtpSecurity.NONE, timeout_s=5)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    recorder = Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    yield SmtpServer(recorder, port)
    controller.stop()


@pytest.fixture
async def mail_db(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(database_url)
    yield engine
    await engine.dispose()


async def deliver(engine: AsyncEngine, settings: MailSettings) -> DeliveryReport:
    return await deliver_due(create_sessionmaker(engine), SmtpTransport(settings))


def body(message: EmailMessage, kind: str = "plain") -> str:
    part = message.get_body(preferencelist=(kind,))
    assert part is not None
    return str(part.get_content())


def link_token(message: EmailMessage) -> str:
    found = re.search(r"token=([A-Za-z0-9_\-]+)", body(message))
    assert found, body(message)
    return found.group(1)
