"""Handing a message to an SMTP server (aiosmtplib): Amazon SES's SMTP interface in AWS, the development
sink locally, a real aiosmtpd server in the tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Protocol

import aiosmtplib

from loan_engine.settings import MailSettings, SmtpSecurity


class DeliveryError(Exception):
    """The server did not take the message; `permanent` when retrying cannot help (a 5xx refusal)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True, slots=True)
class Outgoing:
    message_id: str  # the outbox row's id: also the Message-ID, so a duplicate is recognisable downstream
    recipient: str
    subject: str
    text: str
    html: str


class Transport(Protocol):
    async def send(self, message: Outgoing) -> None: ...


def build_message(settings: MailSettings, outgoing: Outgoing) -> EmailMessage:
    """A multipart/alternative message: plain text first, HTML as the preferred alternative."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = outgoing.recipient
    message["Subject"] = outgoing.subject
    message["Date"] = format_datetime(datetime.now(UTC))
    domain = settings.sender.rsplit("@", 1)[-1].rstrip(">").strip() or "loan-engine.invalid"
    message["Message-ID"] = f"<{outgoing.message_id}@{domain}>" if outgoing.message_id else make_msgid()
    message.set_content(outgoing.text)
    message.add_alternative(outgoing.html, subtype="html")
    return message


class SmtpTransport:
    """One SMTP connection per batch would be faster; one per message keeps a failure local to it, and the
    volume (account mail and notices) is small."""

    def __init__(self, settings: MailSettings) -> None:
        if settings.host is None:
            raise ValueError("no SMTP_HOST configured")
        self.settings = settings

    async def send(self, message: Outgoing) -> None:
        settings = self.settings
        try:
            await aiosmtplib.send(
                build_message(settings, message),
                hostname=settings.host,
                port=settings.port,
                username=settings.username,
                password=settings.password,
                use_tls=settings.security is SmtpSecurity.TLS,
                start_tls=settings.security is SmtpSecurity.STARTTLS,
                timeout=settings.timeout_s,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [refusal.code for refusal in exc.recipients]
            raise DeliveryError(f"recipient refused: {codes}", permanent=all(c >= 500 for c in codes)) from exc
        except aiosmtplib.SMTPResponseException as exc:
            # 5xx is a refusal (bad address, policy); 4xx and everything else may pass on a retry
            raise DeliveryError(f"{exc.code} {exc.message}"[:500], permanent=500 <= exc.code < 600) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}"[:500]) from exc
