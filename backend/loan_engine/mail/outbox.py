"""Writing to the outbox. `enqueue` joins the caller's transaction, so the message exists exactly when
the change that causes it commits: a rolled-back sign-up sends nothing, a committed one is never lost."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.db.transactions import require_transaction
from loan_engine.mail.compose import MailComposer
from loan_engine.mail.models import OutboxMessage


async def enqueue(
    session: AsyncSession,
    composer: MailComposer,
    *,
    event_key: str,
    to: str,
    template: str,
    sensitive: bool = False,
    expires_at: datetime | None = None,
    **context: Any,
) -> bool:
    """Render `template` for `to` and add it to the outbox under `event_key` (one message per event: a
    key already there adds nothing, so a retried use case cannot queue a second copy). Returns whether a
    message was added. `sensitive` messages (they carry a secret) lose their bodies once sent or expired;
    `expires_at` is when sending it stops making sense (the secret's own expiry)."""
    require_transaction(session)
    rendered = composer.render(template, **context)
    statement = (
        insert(OutboxMessage)
        .values(
            id=uuid.uuid4(),
            event_key=event_key[:200],
            template=template,
            recipient=to,
            subject=rendered.subject[:200],
            body_text=rendered.text,
            body_html=rendered.html,
            sensitive=sensitive,
            expires_at=expires_at,
        )
        .on_conflict_do_nothing(index_elements=[OutboxMessage.event_key])
        .returning(OutboxMessage.id)
    )
    return (await session.execute(statement)).scalar_one_or_none() is not None
