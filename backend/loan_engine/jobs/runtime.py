"""What the jobs share in one worker process: the database session factory and the mail transport."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from loan_engine.mail.transport import SmtpTransport, Transport
from loan_engine.settings import Settings


@dataclass(frozen=True, slots=True)
class WorkerRuntime:
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    transport: Transport | None


def transport_for(settings: Settings) -> Transport | None:
    return SmtpTransport(settings.mail) if settings.mail.host else None
