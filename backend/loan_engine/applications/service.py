"""Application use cases: drafts, submit and decide, reads, withdrawal, underwriting, acceptance.

Each use case is one transaction. Submitting and accepting are idempotent by their ``Idempotency-Key``
(``idempotency.service``, the key's row in the same transaction). A state change locks the application
row (``SELECT … FOR UPDATE``); a transition the state machine does not allow is a 409 naming the current
state. The decision runs inside the submit transaction: the bureau is the sandbox (no network), the
policy and the quote are CPU work of about a millisecond (bench/bench_decisions.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Final

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.api.request import RequestMeta
from loan_engine.api.types import decode_cursor, encode_cursor
from loan_engine.applications import events, repository
from loan_engine.applications.bureau import SCORE_RANGE, BureauIdentity, CreditBureau, CreditReport, SandboxBureau
from loan_engine.applications.decision import NoActivePolicyError, evaluate, expiry, make_offer, ms, readable_trace
from loan_engine.applications.models import Application
from loan_engine.applications.notices import build_notice
from loan_engine.applications.repository import ApplicationRecord
from loan_engine.applications.schemas import (
    AcceptIn,
    AddressIn,
    AppChannel,
    ApplicationCreate,
    ApplicationDecision,
    ApplicationPage,
    ApplicationRead,
    ApplicationStatus,
    ApplicationSummary,
    ConsentOut,
    CreditReportOut,
    DecisionReason,
    DraftSections,
    HousingIn,
    IdentityOut,
    IncomeIn,
    LoanRequestIn,
    NoticeOut,
    OfferOut,
    ReviewIn,
    ReviewOut,
    SensitiveRead,
    StaffPerson,
    StaffView,
)
from loan_engine.audit.service import Party, record
from loan_engine.auth import accounts
from loan_engine.auth.principal import Role
from loan_engine.crypto import KeyWrapper, open_field, seal_fields
from loan_engine.db.transactions import transaction
from loan_engine.errors import ConflictError, FieldError, NotFoundError, PermissionDeniedError, ValidationError
from loan_engine.idempotency.service import Outcome, RequestKey, run_once
from loan_engine.loans.schemas import Channel, LoanCreate
from loan_engine.loans.service import Caller as LoanCaller
from loan_engine.loans.service import LoanService
from loan_engine.policy.engine import Decision
from loan_engine.policy.facts import ApplicationFacts
from loan_engine.policy.reasons import REASONS, ranked
from loan_engine.policy.service import active_policy
from loan_engine.products.schemas import ProductDefinition, ProductFrequency
from loan_engine.products.service import ProductCatalog, ProductLoan, draft_loan_terms

__all__ = ["Actor", "ApplicationService", "expire_offers"]

S = ApplicationStatus
SECTIONS: Final = ("loan", "identity", "income", "housing", "consents")
REVIEWABLE: Final = (S.REFERRED.value, S.DECLINED.value)
OUTCOME_STATUS: Final = {Decision.APPROVE: S.APPROVED, Decision.REFER: S.REFERRED, Decision.DECLINE: S.DECLINED}
# An application as the ORM maps it, or as submitting reads it through the driver (repository.py says why).
AnyApplication = Application | ApplicationRecord


@dataclass(frozen=True, slots=True)
class Actor:
    """Who calls: audit party, idempotency scope, channel, and what they may see (a borrower their own
    applications, an API client those it submitted, staff every one)."""

    party: Party
    scope: str
    channel: AppChannel
    user_id: uuid.UUID | None = None
    client_id: uuid.UUID | None = None
    roles: frozenset[Role] = frozenset()
    email_verified: bool = False

    @property
    def is_staff(self) -> bool:
        return self.channel is AppChannel.STAFF


def _now() -> datetime:
    return datetime.now(UTC)


def _require_verified(actor: Actor) -> None:
    """A borrower submits only after confirming their email (docs/ACCOUNTS.md); staff and partner API
    clients, who submit for a borrower, answer for the identity themselves. The principal was read from
    the database for this request, so its flag is current."""
    if actor.is_staff or actor.client_id is not None or actor.user_id is None:
        return
    if not actor.email_verified:
        raise PermissionDeniedError("Confirm your email address before submitting an application")


def _conflict(row: AnyApplication, verb: str) -> ConflictError:
    return ConflictError(f"The application is {row.status}; it cannot be {verb}")


class ApplicationService:
    def __init__(self, session: AsyncSession, keys: KeyWrapper, bureau: CreditBureau | None = None) -> None:
        self.session = session
        self.keys = keys
        self.bureau: CreditBureau = bureau or SandboxBureau()

    # --- drafts ----------------------------------------------------------------------------------

    async def create(self, actor: Actor, data: ApplicationCreate, meta: RequestMeta) -> ApplicationRead:
        async def work() -> ApplicationRead:
            borrower = await self._borrower_for(actor, data.borrower_id)
            now = _now()
            row = Application(
                id=uuid.uuid4(),
                borrower_id=borrower,
                client_id=actor.client_id,
                channel=actor.channel.value,
                status=S.DRAFT.value,
                created_at=now,
                updated_at=now,
            )
            self._apply(row, data, now)
            await repository.add(self.session, row)
            await repository.funnel(self.session, row.id, actor.channel.value, "started")
            return self._read(row)

        return await transaction(self.session, work)

    async def update(self, actor: Actor, application_id: uuid.UUID, data: DraftSections) -> ApplicationRead:
        async def work() -> ApplicationRead:
            row = await self._visible(actor, application_id, lock=True)
            if row.status != S.DRAFT.value:
                raise _conflict(row, "edited; only a draft can be")
            now = _now()
            self._apply(row, data, now)
            row.updated_at = now
            await self.session.flush()
            return self._read(row)

        return await transaction(self.session, work)

    def _apply(self, row: Application, data: DraftSections, now: datetime) -> None:
        if data.loan is not None:
            row.product_code, row.amount = data.loan.product_code, Decimal(data.loan.amount)
            row.term_periods, row.frequency = data.loan.term_periods, data.loan.frequency.value
        if data.identity is not None:
            ident = data.identity
            digits = ident.tax_id.replace("-", "")
            sealed = seal_fields(self.keys, row.id, {"taxId": digits, "birthDate": ident.birth_date.isoformat()})
            row.data_key_wrapped, row.key_id = sealed.wrapped_key, sealed.key_id
            row.tax_id_sealed, row.birth_date_sealed = sealed.fields["taxId"], sealed.fields["birthDate"]
            row.tax_id_last4 = digits[-4:]
            row.identity = {
                "firstName": ident.first_name,
                "lastName": ident.last_name,
                "address": msgspec.to_builtins(ident.address),
            }
        if data.income is not None:
            row.income = msgspec.to_builtins(data.income)
        if data.housing is not None:
            row.housing = msgspec.to_builtins(data.housing)
        if data.consents is not None:
            # Each consent keeps the time it was first given; withdrawing one clears it.
            old = row.consents or {}
            row.consents = {
                "creditReportAt": (old.get("creditReportAt") or now.isoformat())
                if data.consents.credit_report
                else None,
                "electronicDisclosuresAt": (old.get("electronicDisclosuresAt") or now.isoformat())
                if data.consents.electronic_disclosures
                else None,
            }

    # --- submit and decide -----------------------------------------------------------------------

    async def submit(
        self, actor: Actor, application_id: uuid.UUID, key: RequestKey, meta: RequestMeta
    ) -> Outcome[ApplicationRead]:
        async def work() -> ApplicationRead:
            row = await self._decidable(actor, application_id)
            if row.status != S.DRAFT.value:
                raise _conflict(row, "submitted; only a draft can be")
            _require_verified(actor)
            missing = _missing(row)
            if missing:
                raise ValidationError([FieldError(m, "is required before submitting") for m in missing])
            await self._decide(actor, row, meta)
            return self._read(row)

        return await run_once(self.session, key, 200, work, ApplicationRead)

    async def _decide(self, actor: Actor, row: ApplicationRecord, meta: RequestMeta) -> None:
        catalog = ProductCatalog(self.session)
        product = await catalog.published(row.product_code or "")
        active = await active_policy(self.session, product.product_id)
        if active is None:
            raise NoActivePolicyError(f"{product.code} has no active credit policy; applications cannot be decided")
        today = _now().date()
        assert row.amount is not None
        assert row.term_periods is not None
        grade = product.definition.pricing.grades[0]
        loan = ProductLoan(product.code, grade, str(row.amount), row.term_periods, today, row.frequency)
        _within_product(product.definition, product.currency.code, loan)
        report = await self.bureau.pull(self._bureau_identity(row))
        application = _application_facts(row)
        result = evaluate(active, product, application, report.facts, today)
        now = _now()
        decision = result.decision
        status = OUTCOME_STATUS[decision.decision]
        row.credit_report = _report_json(report)
        row.decision = {
            "outcome": decision.decision.value,
            "by": "policy",
            "policyVersion": active.version,
            "policyName": active.name,
            "grade": decision.grade,
            "maxAmount": None if decision.max_amount is None else str(decision.max_amount),
            "reasons": [{"code": r.code, "text": r.text} for r in decision.reasons],
            "facts": result.facts,
            "trace": result.trace,
            "policyMs": round(result.policy_ms, 3),
            "quoteMs": round(result.quote_ms, 3),
            "durationMs": round(result.policy_ms + result.quote_ms, 3),
            "decidedAt": now.isoformat(),
        }
        row.offers = [msgspec.to_builtins(o) for o in result.offers]
        row.status, row.submitted_at, row.decided_at, row.updated_at = status.value, now, now, now
        row.expires_at = expiry(product, now) if status is S.APPROVED else None
        await repository.decided(
            self.session,
            row,
            credit_report=_json(row.credit_report),
            decision=_json(row.decision),
            offers=_json(row.offers),
            channel=actor.channel.value,
            steps=("submitted", status.value),
        )
        details = {"outcome": decision.decision.value, "policyVersion": active.version, "product": product.code}
        await self._audit(events.SUBMITTED, actor, meta, row, details)

    # --- reads -----------------------------------------------------------------------------------

    async def get(self, actor: Actor, application_id: uuid.UUID) -> ApplicationRead:
        async def work() -> ApplicationRead:
            return self._read(await self._visible(actor, application_id))

        return await transaction(self.session, work, read_only=True)

    async def staff_view(self, actor: Actor, application_id: uuid.UUID) -> StaffView:
        async def work() -> StaffView:
            row = await self._visible(actor, application_id)
            decision, review = row.decision or {}, row.review or {}
            named = [row.assignee_id, review.get("by"), review.get("confirmedBy")]
            return StaffView(
                application=self._read(row),
                credit_report=_report_out(row.credit_report) if row.credit_report else None,
                facts=decision.get("facts"),
                trace=readable_trace(decision.get("trace") or []),
                policy_ms=_ms_or_none(decision.get("policyMs")),
                quote_ms=_ms_or_none(decision.get("quoteMs")),
                people=await self._people(named),
                reason_choices=[DecisionReason(code=r.code, text=r.text) for r in REASONS.values()],
            )

        return await transaction(self.session, work, read_only=True)

    async def sensitive(self, actor: Actor, application_id: uuid.UUID, meta: RequestMeta) -> SensitiveRead:
        """The unmasked tax id and date of birth, for staff; every view is in the audit log."""

        async def work() -> SensitiveRead:
            row = await self._visible(actor, application_id)
            if row.tax_id_sealed is None or row.birth_date_sealed is None or row.data_key_wrapped is None:
                raise NotFoundError("The application has no identity yet")
            tax_id = open_field(self.keys, row.id, row.data_key_wrapped, "taxId", row.tax_id_sealed)
            birth = open_field(self.keys, row.id, row.data_key_wrapped, "birthDate", row.birth_date_sealed)
            await self._audit(events.SENSITIVE_VIEWED, actor, meta, row, {"fields": ["taxId", "birthDate"]})
            return SensitiveRead(
                tax_id=f"{tax_id[:3]}-{tax_id[3:5]}-{tax_id[5:]}", birth_date=date.fromisoformat(birth)
            )

        return await transaction(self.session, work)

    async def page(
        self,
        actor: Actor,
        *,
        status: ApplicationStatus | None,
        product_code: str | None,
        assignee: str | None,
        min_age_hours: int | None,
        cursor: str | None,
        limit: int,
    ) -> ApplicationPage:
        after = decode_cursor(cursor, tuple[datetime, uuid.UUID]) if cursor else None
        assignee_id, unassigned = _assignee(actor, assignee)

        async def work() -> ApplicationPage:
            rows = await repository.page(
                self.session,
                borrower_id=None if actor.is_staff or actor.client_id else actor.user_id,
                client_id=actor.client_id,
                status=None if status is None else status.value,
                product_code=product_code,
                assignee=assignee_id,
                unassigned=unassigned,
                created_before=None if min_age_hours is None else _now() - timedelta(hours=min_age_hours),
                after=after,
                limit=limit,
            )
            people = await self._people([r.assignee_id for r in rows[:limit]]) if actor.is_staff else []
            names = {p.id: _person(p) for p in people}
            items = [_summary(r, names) for r in rows[:limit]]
            last = rows[limit - 1] if len(rows) > limit else None
            return ApplicationPage(items=items, next_cursor=encode_cursor((last.created_at, last.id)) if last else None)

        return await transaction(self.session, work, read_only=True)

    async def notice(self, actor: Actor, application_id: uuid.UUID) -> NoticeOut:
        """The adverse action or counteroffer notice of a decided application; 404 when its outcome calls
        for none (approved on the terms asked for, or not decided yet)."""

        async def work() -> NoticeOut:
            row = await self._visible(actor, application_id)
            ident = row.identity or {}
            notice = None
            if row.decision and row.decided_at is not None:
                applicant = f"{ident.get('firstName', '')} {ident.get('lastName', '')}".strip()
                offers = [msgspec.convert(o, OfferOut) for o in row.offers or []]
                notice = build_notice(row.id, applicant, row.decision, row.credit_report, offers, row.decided_at)
            if notice is None:
                raise NotFoundError("This application has no notice: it was not declined or counter-offered")
            return notice

        return await transaction(self.session, work, read_only=True)

    # --- the applicant's actions -----------------------------------------------------------------

    async def withdraw(self, actor: Actor, application_id: uuid.UUID, meta: RequestMeta) -> ApplicationRead:
        async def work() -> ApplicationRead:
            row = await self._visible(actor, application_id, lock=True)
            allowed = (S.DRAFT.value, S.SUBMITTED.value, S.APPROVED.value, S.REFERRED.value)
            if row.status not in allowed or _expired(row):
                raise _conflict(row, "withdrawn")
            row.status, row.updated_at = S.WITHDRAWN.value, _now()
            await repository.funnel(self.session, row.id, actor.channel.value, "withdrawn")
            await self._audit(events.WITHDRAWN, actor, meta, row, {})
            return self._read(row)

        return await transaction(self.session, work)

    async def accept(
        self, actor: Actor, application_id: uuid.UUID, data: AcceptIn, key: RequestKey, meta: RequestMeta
    ) -> Outcome[ApplicationRead]:
        """Accept an offer with e-sign consent: the loan is booked through the servicing booking service,
        on the offer's own terms and start date, so its schedule is the offer's, in this transaction."""
        if not data.esign_consent:
            raise ValidationError.one("esignConsent", "must be true: accepting signs the agreement electronically")

        async def work() -> ApplicationRead:
            row = await self._visible(actor, application_id, lock=True)
            if row.status != S.APPROVED.value or _expired(row):
                state = "expired" if _expired(row) else row.status
                raise ConflictError(f"The application is {state}; only an approved application's offer can be accepted")
            offers = [msgspec.convert(o, OfferOut) for o in row.offers or []]
            offer = next((o for o in offers if o.number == data.offer), None)
            if offer is None:
                raise ValidationError.one("offer", f"must be one of the offers: {[o.number for o in offers]}")
            now = _now()
            row.status, row.accepted_offer, row.updated_at = S.ACCEPTED.value, offer.number, now
            await repository.funnel(self.session, row.id, actor.channel.value, "accepted")
            booked = await LoanService(self.session).book_joined(self._loan_caller(actor), _booking(row, offer), meta)
            row.status, row.loan_id = S.BOOKED.value, booked.loan.id
            await self.session.flush()
            await repository.funnel(self.session, row.id, actor.channel.value, "booked")
            details = {"offer": offer.number, "loanId": str(booked.loan.id), "signatureName": data.signature_name}
            await self._audit(events.ACCEPTED, actor, meta, row, details)
            return self._read(row)

        return await run_once(self.session, key, 200, work, ApplicationRead)

    # --- underwriting ----------------------------------------------------------------------------

    async def claim(self, actor: Actor, application_id: uuid.UUID, meta: RequestMeta) -> ApplicationRead:
        async def work() -> ApplicationRead:
            row = await self._visible(actor, application_id)
            if row.status not in REVIEWABLE:
                raise _conflict(row, "claimed; only a referred or declined one can be")
            me = _underwriter(actor)
            if not await repository.claim(self.session, row.id, me, REVIEWABLE, _now()):
                await self.session.refresh(row)
                if row.assignee_id == me:
                    return self._read(row)
                who = await self._holder(row) or str(row.assignee_id)
                raise ConflictError(f"The application is {row.status} and already claimed by {who}")
            await self.session.refresh(row)
            await self._audit(events.CLAIMED, actor, meta, row, {})
            return self._read(row)

        return await transaction(self.session, work)

    async def release(self, actor: Actor, application_id: uuid.UUID, meta: RequestMeta) -> ApplicationRead:
        async def work() -> ApplicationRead:
            row = await self._claimed(actor, application_id)
            row.assignee_id, row.claimed_at, row.updated_at = None, None, _now()
            await self.session.flush()
            await self._audit(events.RELEASED, actor, meta, row, {})
            return self._read(row)

        return await transaction(self.session, work)

    async def review(
        self, actor: Actor, application_id: uuid.UUID, data: ReviewIn, meta: RequestMeta
    ) -> ApplicationRead:
        """Approve, decline with reasons, or counter-offer a claimed application. Approving (or
        counter-offering) an automatic decline is an override: it is only proposed here, and applies when
        a second person confirms it (``confirm_override``)."""
        _check_review(data)

        async def work() -> ApplicationRead:
            row = await self._claimed(actor, application_id)
            me, now = _underwriter(actor), _now()
            review: dict[str, Any] = {"action": data.action, "note": data.note, "by": str(me), "at": now.isoformat()}
            review |= {"reasons": data.reasons, "amount": data.amount, "termPeriods": data.term_periods}
            if row.status == S.DECLINED.value:
                if data.action == "decline":
                    raise _conflict(row, "declined again")
                row.review = {**review, "pending": True}
                row.updated_at = now
                await self.session.flush()
                await self._audit(
                    events.OVERRIDE_PROPOSED, actor, meta, row, {"action": data.action, "note": data.note}
                )
                return self._read(row)
            await self._apply_review(actor, row, review, now)
            await self._audit(events.REVIEWED, actor, meta, row, {"action": data.action, "note": data.note})
            return self._read(row)

        return await transaction(self.session, work)

    async def confirm_override(self, actor: Actor, application_id: uuid.UUID, meta: RequestMeta) -> ApplicationRead:
        async def work() -> ApplicationRead:
            row = await self._visible(actor, application_id, lock=True)
            review = row.review or {}
            if row.status != S.DECLINED.value or not review.get("pending"):
                raise ConflictError(f"The application is {row.status} with no override waiting for confirmation")
            me = _underwriter(actor)
            if review.get("by") == str(me):
                raise PermissionDeniedError(
                    "An override needs a second person: another underwriter or an admin confirms it"
                )
            now = _now()
            review = {**review, "pending": False, "confirmedBy": str(me), "confirmedAt": now.isoformat()}
            await self._apply_review(actor, row, review, now)
            await self._audit(events.OVERRIDE_CONFIRMED, actor, meta, row, {"proposedBy": review["by"]})
            return self._read(row)

        return await transaction(self.session, work)

    async def _apply_review(self, actor: Actor, row: Application, review: dict[str, Any], now: datetime) -> None:
        decision = dict(row.decision or {})
        decision |= {"by": "underwriter", "decidedAt": now.isoformat()}
        if review["action"] == "decline":
            reasons = ranked(review["reasons"])
            decision |= {"outcome": "decline", "reasons": [{"code": r.code, "text": r.text} for r in reasons]}
            row.status, row.offers, row.expires_at = S.DECLINED.value, [], None
        else:
            product = await ProductCatalog(self.session).published(row.product_code or "")
            amount = Decimal(review["amount"]) if review.get("amount") else row.amount
            term = review.get("termPeriods") or row.term_periods
            assert amount is not None
            assert term is not None
            grade = decision.get("grade") or product.definition.pricing.grades[-1]
            counter = amount != row.amount or term != row.term_periods
            offer = make_offer(
                product, 1, amount, term, grade, now.date(), counteroffer=counter, frequency=row.frequency or "monthly"
            )
            decision |= {"outcome": "approve", "grade": grade, "reasons": []}
            row.status, row.offers, row.expires_at = (
                S.APPROVED.value,
                [msgspec.to_builtins(offer)],
                expiry(product, now),
            )
        row.decision, row.review, row.decided_at, row.updated_at = decision, review, now, now
        row.assignee_id, row.claimed_at = None, None
        await self.session.flush()
        await repository.funnel(self.session, row.id, actor.channel.value, row.status)

    # --- helpers ---------------------------------------------------------------------------------

    async def _visible(self, actor: Actor, application_id: uuid.UUID, *, lock: bool = False) -> Application:
        """The application, if this caller may see it (another's is a 404, never a 403)."""
        row = await repository.get(self.session, application_id, for_update=lock)
        if row is None or not _may_see(actor, row):
            raise NotFoundError(f"No application {application_id}")
        return row

    async def _decidable(self, actor: Actor, application_id: uuid.UUID) -> ApplicationRecord:
        """As ``_visible(lock=True)``, read through the driver: the row submitting decides."""
        row = await repository.locked(self.session, application_id)
        if row is None or not _may_see(actor, row):
            raise NotFoundError(f"No application {application_id}")
        return row

    async def _claimed(self, actor: Actor, application_id: uuid.UUID) -> Application:
        row = await self._visible(actor, application_id, lock=True)
        if row.status not in REVIEWABLE:
            raise _conflict(row, "reviewed; only a referred or declined one can be")
        if row.assignee_id != _underwriter(actor):
            who = await self._holder(row) or "nobody"
            raise ConflictError(f"The application is {row.status} and claimed by {who}; claim it first")
        return row

    async def _borrower_for(self, actor: Actor, borrower_id: uuid.UUID | None) -> uuid.UUID:
        if actor.user_id is not None and not actor.is_staff:
            if borrower_id not in (None, actor.user_id):
                raise ValidationError.one("borrowerId", "a borrower applies for themselves; leave it out")
            return actor.user_id
        if borrower_id is None:
            raise ValidationError.one("borrowerId", "is required: the borrower this application is for")
        borrower = await accounts.get(self.session, borrower_id)
        if borrower is None or Role.BORROWER not in borrower.roles:
            raise ValidationError.one("borrowerId", "must be the id of a borrower's account")
        return borrower_id

    def _bureau_identity(self, row: AnyApplication) -> BureauIdentity:
        assert row.identity is not None
        assert row.data_key_wrapped is not None
        assert row.tax_id_sealed is not None
        assert row.birth_date_sealed is not None
        tax_id = open_field(self.keys, row.id, row.data_key_wrapped, "taxId", row.tax_id_sealed)
        birth = open_field(self.keys, row.id, row.data_key_wrapped, "birthDate", row.birth_date_sealed)
        ident = row.identity
        return BureauIdentity(
            ident["firstName"], ident["lastName"], date.fromisoformat(birth), tax_id, ident["address"]["postalCode"]
        )

    def _loan_caller(self, actor: Actor) -> LoanCaller:
        channel = {AppChannel.WEB: Channel.WEB, AppChannel.API: Channel.API, AppChannel.STAFF: Channel.STAFF}
        return LoanCaller(actor.party, actor.scope, channel[actor.channel], own_only=None)

    def _read(self, row: AnyApplication) -> ApplicationRead:
        return _read(row)

    async def _holder(self, row: Application) -> str | None:
        """Who holds the application's claim, by name and email (None: nobody, or an account now gone)."""
        found = await self._people([row.assignee_id])
        return _person(found[0]) if found else None

    async def _people(self, ids: list[Any]) -> list[StaffPerson]:
        """The named staff accounts (ids as UUIDs or strings; unknown and repeated ones left out), in one
        query through auth, which owns the users table."""
        wanted = list(dict.fromkeys(uuid.UUID(str(i)) for i in ids if i))
        found = await accounts.get_many(self.session, wanted)
        return [StaffPerson(id=u.id, display_name=u.display_name, email=u.email) for u in found]

    async def _audit(
        self, event: Any, actor: Actor, meta: RequestMeta, row: AnyApplication, details: dict[str, Any]
    ) -> None:
        subject = Party("application", str(row.id))
        await record(self.session, event, actor=actor.party, meta=meta, subject=subject, details=details)


async def expire_offers(session: AsyncSession) -> int:
    """The batch step (``loan-engine applications expire``, or a scheduled job): store ``expired`` on every
    approved application past its offers' validity; reads already show it as expired before this runs."""

    async def work() -> int:
        return await repository.expire_due(session, _now())

    return await transaction(session, work)


# --- pure helpers ----------------------------------------------------------------------------------


def _may_see(actor: Actor, row: AnyApplication) -> bool:
    if actor.is_staff:
        return True
    if actor.client_id is not None:
        return row.client_id == actor.client_id
    return row.borrower_id == actor.user_id


def _underwriter(actor: Actor) -> uuid.UUID:
    if actor.user_id is None or not actor.is_staff:
        raise PermissionDeniedError
    return actor.user_id


def _assignee(actor: Actor, assignee: str | None) -> tuple[uuid.UUID | None, bool]:
    """``me``, ``none`` or an underwriter's id (staff only; others' lists are theirs already)."""
    if assignee is None or not actor.is_staff:
        return None, False
    if assignee == "none":
        return None, True
    if assignee == "me":
        return actor.user_id, False
    try:
        return uuid.UUID(assignee), False
    except ValueError:
        raise ValidationError.one("assignee", "must be me, none or an underwriter's id") from None


def _check_review(data: ReviewIn) -> None:
    if data.action == "decline":
        if not data.reasons:
            raise ValidationError.one("reasons", "a decline needs at least one principal reason (Regulation B)")
        unknown = [c for c in data.reasons if c not in REASONS]
        if unknown:
            raise ValidationError.one("reasons", f"unknown reason codes: {', '.join(unknown)}")
    if data.action == "counteroffer" and data.amount is None and data.term_periods is None:
        raise ValidationError.one("amount", "a counter-offer changes the amount, the term or both")
    if not data.note.strip():
        raise ValidationError.one("note", "every underwriting action carries a note")


_LOAN_FIELDS: Final = {"principal": "loan.amount", "termPeriods": "loan.termPeriods", "frequency": "loan.frequency"}


def _within_product(defn: ProductDefinition, currency_code: str, loan: ProductLoan) -> None:
    """A 422 naming the application's own field (``loan.amount``) when the loan is outside the product."""
    try:
        draft_loan_terms(defn, currency_code, loan)
    except ValidationError as exc:
        raise ValidationError([FieldError(_LOAN_FIELDS.get(e.field, e.field), e.message) for e in exc.errors]) from None


def _expired(row: AnyApplication) -> bool:
    return row.status == S.APPROVED.value and row.expires_at is not None and row.expires_at <= _now()


def _missing(row: AnyApplication) -> list[str]:
    missing = [name for name in SECTIONS if getattr(row, "product_code" if name == "loan" else name) is None]
    consents = row.consents or {}
    if row.consents is not None:
        missing += [f"consents.{k}" for k in ("creditReportAt", "electronicDisclosuresAt") if not consents.get(k)]
    return missing


def _application_facts(row: AnyApplication) -> ApplicationFacts:
    income, housing = row.income or {}, row.housing or {}
    assert row.amount is not None
    assert row.term_periods is not None
    per_year = {"weekly": 52, "biweekly": 26, "semimonthly": 24, "monthly": 12}.get(row.frequency or "monthly", 12)
    return ApplicationFacts(
        monthly_income=Decimal(income["monthlyIncome"]),
        housing_payment=Decimal(housing["housingPayment"]),
        other_monthly_debts=Decimal(housing["otherMonthlyDebts"]),
        employment_status=income["employmentStatus"],
        months_employed=int(income.get("monthsEmployed", 0)),
        requested_amount=row.amount,
        term_periods=row.term_periods,
        periods_per_year=per_year,
    )


def _booking(row: Application, offer: OfferOut) -> LoanCreate:
    return LoanCreate(
        borrower_id=row.borrower_id,
        product_code=row.product_code or "",
        principal=str(offer.amount),
        term_periods=offer.term_periods,
        frequency=ProductFrequency(offer.frequency),
        grade=offer.grade,
        start_date=offer.start_date,
        first_payment_date=offer.first_payment_date,
        annual_rate=str(offer.annual_rate),
    )


def _json(value: Any) -> str:
    """JSON text for a JSONB parameter of the driver (zen's floats become JSON numbers, which is what the
    stored trace shows; Decimals and dates become strings, as everywhere on the wire)."""
    return msgspec.json.encode(value).decode()


def _report_json(report: CreditReport) -> dict[str, Any]:
    return {
        "bureau": report.bureau,
        "sandbox": report.sandbox,
        "persona": report.persona,
        "pulledAt": report.pulled_at.isoformat(),
        "keyFactors": list(report.key_factors),
        "facts": msgspec.to_builtins(report.facts),
    }


def _report_out(stored: dict[str, Any]) -> CreditReportOut:
    facts = stored["facts"]
    return CreditReportOut(
        bureau=stored["bureau"],
        sandbox=stored["sandbox"],
        persona=stored.get("persona"),
        pulled_at=datetime.fromisoformat(stored["pulledAt"]),
        score=facts.get("score"),
        score_range=list(SCORE_RANGE),
        key_factors=stored.get("keyFactors", []),
        facts=facts,
    )


def _mask_tax(last4: str | None) -> str:
    return f"***-**-{last4}" if last4 else ""


def _read(row: AnyApplication) -> ApplicationRead:
    status = S.EXPIRED if _expired(row) else S(row.status)
    ident = row.identity
    loan = None
    if row.product_code is not None and row.amount is not None and row.term_periods is not None:
        loan = LoanRequestIn(
            row.product_code,
            format(row.amount.normalize(), "f"),
            row.term_periods,
            ProductFrequency(row.frequency or "monthly"),
        )
    consents = row.consents
    return ApplicationRead(
        id=row.id,
        status=status,
        channel=AppChannel(row.channel),
        borrower_id=row.borrower_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        loan=loan,
        identity=None
        if ident is None
        else IdentityOut(
            first_name=ident["firstName"],
            last_name=ident["lastName"],
            birth_date_masked="****-**-**",
            tax_id_masked=_mask_tax(row.tax_id_last4),
            address=msgspec.convert(ident["address"], AddressIn),
        ),
        income=None if row.income is None else msgspec.convert(row.income, IncomeIn),
        housing=None if row.housing is None else msgspec.convert(row.housing, HousingIn),
        consents=None
        if consents is None
        else ConsentOut(
            credit_report_at=_dt(consents.get("creditReportAt")),
            electronic_disclosures_at=_dt(consents.get("electronicDisclosuresAt")),
        ),
        submitted_at=row.submitted_at,
        decision=_decision_out(row.decision),
        offers=[msgspec.convert(o, OfferOut) for o in row.offers or []],
        expires_at=row.expires_at,
        accepted_offer=row.accepted_offer,
        loan_id=row.loan_id,
        assignee_id=row.assignee_id,
        review=_review_out(row.review),
        missing=_missing(row) if row.status == S.DRAFT.value else [],
    )


def _dt(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _decision_out(stored: dict[str, Any] | None) -> ApplicationDecision | None:
    if not stored:
        return None
    return ApplicationDecision(
        outcome=stored["outcome"],
        by=stored["by"],
        policy_version=stored.get("policyVersion"),
        policy_name=stored.get("policyName"),
        grade=stored.get("grade"),
        max_amount=None if stored.get("maxAmount") is None else Decimal(stored["maxAmount"]),
        reasons=[DecisionReason(code=r["code"], text=r["text"]) for r in stored.get("reasons", [])],
        duration_ms=ms(float(stored.get("durationMs", 0))),
        decided_at=datetime.fromisoformat(stored["decidedAt"]),
    )


def _review_out(stored: dict[str, Any] | None) -> ReviewOut | None:
    if not stored:
        return None
    return ReviewOut(
        action=stored["action"],
        note=stored["note"],
        by=uuid.UUID(stored["by"]),
        at=datetime.fromisoformat(stored["at"]),
        confirmed_by=uuid.UUID(stored["confirmedBy"]) if stored.get("confirmedBy") else None,
        confirmed_at=_dt(stored.get("confirmedAt")),
        pending=bool(stored.get("pending")),
    )


def _person(person: StaffPerson) -> str:
    return f"{person.display_name} ({person.email})"


def _ms_or_none(value: float | None) -> Decimal | None:
    """A duration stored in the decision (a JSON number of milliseconds), or None when it was not."""
    return None if value is None else ms(value)


def _summary(row: Application, names: dict[uuid.UUID, str]) -> ApplicationSummary:
    ident = row.identity or {}
    applicant = f"{ident.get('firstName', '')} {ident.get('lastName', '')}".strip() or None
    return ApplicationSummary(
        id=row.id,
        status=S.EXPIRED if _expired(row) else S(row.status),
        channel=AppChannel(row.channel),
        borrower_id=row.borrower_id,
        product_code=row.product_code,
        amount=row.amount,
        created_at=row.created_at,
        submitted_at=row.submitted_at,
        assignee_id=row.assignee_id,
        applicant=applicant,
        assignee_name=names.get(row.assignee_id) if row.assignee_id else None,
        override_pending=bool((row.review or {}).get("pending")),
    )
