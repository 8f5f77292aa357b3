"""The account page's use cases: a person's own sign-ins (list, end any) and their profile (name)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.api.request import RequestMeta
from loan_engine.audit.service import Party, record
from loan_engine.auth import events, repository
from loan_engine.auth.accounts import user_read
from loan_engine.auth.principal import UserPrincipal
from loan_engine.auth.schemas import SignInList, SignInRead, UserRead
from loan_engine.db.transactions import transaction
from loan_engine.errors import AuthenticationError, NotFoundError


class AccountService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def sign_ins(self, principal: UserPrincipal) -> SignInList:
        async def load() -> SignInList:
            rows = await repository.live_sessions(self.session, principal.id)
            return SignInList(
                items=[
                    SignInRead(
                        id=row.id,
                        device=row.user_agent,
                        address=row.source_address,
                        started_at=row.created_at,
                        last_used_at=row.last_used_at,
                        current=row.id == principal.session_id,
                    )
                    for row in rows
                ]
            )

        return await transaction(self.session, load, read_only=True)

    async def end_sign_in(self, principal: UserPrincipal, session_id: uuid.UUID, meta: RequestMeta) -> None:
        """End one of the person's own sign-ins (its tokens stop working at once). Another person's, an
        ended one or an unknown id is a 404: nobody learns which sign-ins exist."""

        async def end() -> None:
            if not await repository.revoke_own_session(self.session, principal.id, session_id, "ended_by_user"):
                raise NotFoundError("No such sign-in")
            await record(
                self.session,
                events.SESSION_ENDED,
                actor=Party.user(principal.id),
                subject=Party.user(principal.id),
                meta=meta,
                details={"sessionId": str(session_id), "current": session_id == principal.session_id},
            )

        await transaction(self.session, end)

    async def update_profile(self, principal: UserPrincipal, display_name: str, meta: RequestMeta) -> UserRead:
        async def update() -> UserRead:
            user = await repository.get_user(self.session, principal.id, for_update=True)
            if user is None:
                raise AuthenticationError("The account no longer exists")
            before, after = user.display_name, display_name.strip()
            if before != after:
                user.display_name = after
                user.updated_at = datetime.now(UTC)
                await self.session.flush()
                await record(
                    self.session,
                    events.PROFILE_UPDATED,
                    actor=Party.user(principal.id),
                    subject=Party.user(principal.id),
                    meta=meta,
                    details={"before": {"displayName": before}, "after": {"displayName": after}},
                )
            return user_read(user)

        return await transaction(self.session, update)
