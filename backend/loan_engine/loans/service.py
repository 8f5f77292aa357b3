"""Loans: booking, disbursement, servicing transactions with their journals, reads and the payoff quote.

Each POST is one use case in one transaction, idempotent by its ``Idempotency-Key`` (the key's row is
written in that transaction: ``idempotency.service``). A posting locks the loan row (``SELECT … FOR
UPDATE``): a loan's transactions are serialized, different loans never wait for each other. A posting
that sorts after every earlier transaction is applied incrementally (``finance.replay.apply``); a
backdated one or a reversal replays the whole history (``finance.replay.replay``) and posts the
*difference* between each transaction's new effect and what the ledger holds for it as adjustment
journals; no posted row is ever edited. The loan's typed balance columns and the installments that
changed are rewritten from the new state, in the same transaction as the transaction row, its journal
and its audit row (docs/SERVICING.md, docs/LEDGER.md).
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, Final, TypeAlias

from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.api.fields import wire_field
from loan_engine.api.request import RequestMeta
from loan_engine.api.types import decode_cursor, encode_cursor
from loan_engine.audit.service import Party, record
from loan_engine.auth import accounts
from loan_engine.auth.principal import Role
from loan_engine.db.driver import Row
from loan_engine.db.transactions import require_transaction, transaction
from loan_engine.errors import FieldError, NotFoundError, PermissionDeniedError, ValidationError
from loan_engine.finance.allocation import Installment
from loan_engine.finance.errors import FinanceInputError
from loan_engine.finance.money import currency
from loan_engine.finance.replay import (
    Effect,
    Event,
    EventKind,
    LoanContract,
    LoanState,
    LoanStatus,
    apply,
    book,
    payoff_quote,
    possible_kinds,
    ranked_after,
    replay,
)
from loan_engine.idempotency.service import Outcome, RequestKey, run_once
from loan_engine.ledger import service as ledger
from loan_engine.ledger.accounts import JournalHeader, Posting, mapping_for, subtract
from loan_engine.ledger.postings import posting_for
from loan_engine.ledger.schemas import JournalPage
from loan_engine.loans import events, repository
from loan_engine.loans.contract import cached_contract, contract_json, contract_of, rules_of
from loan_engine.loans.models import Loan
from loan_engine.loans.schemas import (
    Channel,
    DisbursementCreate,
    InstallmentRead,
    LoanCreate,
    LoanPage,
    LoanRead,
    LoanSummary,
    NextPayment,
    PayoffRead,
    PostingResult,
    TransactionCreate,
    TransactionKind,
    TransactionPage,
    TransactionRead,
)
from loan_engine.products.definition import loan_terms
from loan_engine.products.service import ProductCatalog

__all__ = ["Caller", "LoanService", "Outcome"]

# A loan's columns: mapped (booking, lists), read by the driver (postings, reads), or as a posting left them.
LoanView: TypeAlias = Loan | Row | SimpleNamespace
RECENT: Final = 20
# What an API client may post (a payment processor: settled payments, returns, recoveries collected).
CLIENT_KINDS: Final = frozenset({EventKind.PAYMENT, EventKind.PAYMENT_REVERSAL, EventKind.RECOVERY})
REASON_OPTIONAL: Final = frozenset({EventKind.PAYMENT, EventKind.DISBURSEMENT})


@dataclass(frozen=True, slots=True)
class Caller:
    """Who posts or reads: the audit actor, the idempotency scope, the channel, and what they may see.
    ``own_only`` is set for a borrower (not staff): they see and pay only their own loans."""

    party: Party
    scope: str
    channel: Channel
    own_only: uuid.UUID | None = None

    @property
    def is_staff(self) -> bool:
        return self.channel is Channel.STAFF


def _invalid(exc: FinanceInputError) -> ValidationError:
    return ValidationError([FieldError(wire_field(exc.field), exc.message)])


def _today() -> date:
    return datetime.now(UTC).date()


class LoanService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- idempotent use cases --------------------------------------------------------------------

    async def book(self, caller: Caller, data: LoanCreate, key: RequestKey, meta: RequestMeta) -> Outcome[LoanRead]:
        """Book a loan on the published version of a product: the schedule is ``build_schedule`` of the
        product's ``loan_terms``, exactly as a quote of the same terms."""

        async def work() -> LoanRead:
            return await self.book_joined(caller, data, meta)

        return await run_once(self.session, key, 201, work, LoanRead)

    async def book_joined(self, caller: Caller, data: LoanCreate, meta: RequestMeta) -> LoanRead:
        """``book`` inside the caller's transaction (an accepted application books its loan in the same
        transaction as the acceptance)."""
        require_transaction(self.session)
        product = await ProductCatalog(self.session).published(data.product_code)
        borrower = await accounts.get(self.session, data.borrower_id)
        if borrower is None or Role.BORROWER not in borrower.roles:
            raise ValidationError.one("borrowerId", "must be the id of a borrower's account")
        principal = Decimal(data.principal)
        defn, cur = product.definition, product.currency
        terms = loan_terms(
            defn,
            cur,
            principal,
            data.term_periods,
            data.frequency.value,
            data.grade,
            data.start_date,
            data.first_payment_date,
        )
        rate = terms.annual_rate.scaleb(2)
        if data.annual_rate is not None and Decimal(data.annual_rate) != rate:
            raise ValidationError.one(
                "annualRate", f"must be the product's rate for grade {data.grade} at this term, {rate.normalize()}"
            )
        rules, returned_fee = rules_of(defn)
        try:
            contract = LoanContract(terms, rules, returned_payment_fee=returned_fee.quantize(cur.quantum))
        except FinanceInputError as exc:
            raise _invalid(exc) from None
        state = book(contract)
        rows = state.installments
        loan = Loan(
            id=uuid.uuid4(),
            product_version_id=product.version_id,
            product_code=product.code,
            borrower_id=data.borrower_id,
            currency=cur.code,
            principal=principal,
            annual_rate=rate,
            frequency=data.frequency.value,
            term_periods=data.term_periods,
            grade=data.grade,
            start_date=data.start_date,
            first_payment_date=rows[0].due_date,
            maturity_date=rows[-1].due_date,
            status=LoanStatus.APPROVED.value,
            contract=contract_json(
                defn,
                cur.code,
                principal,
                data.term_periods,
                data.frequency.value,
                data.grade,
                data.start_date,
                data.first_payment_date,
            ),
            principal_outstanding=Decimal(0),
            interest_outstanding=Decimal(0),
            fees_outstanding=Decimal(0),
            credit_balance=Decimal(0),
            written_off=Decimal(0),
            recovered=Decimal(0),
            accrual_basis=Decimal(0),
            interest_recognized=state.interest_recognized,
            last_value_date=state.last_value_date,
            last_seq=0,
            version=1,
            created_by=caller.party.id or caller.party.type,
            created_at=datetime.now(UTC),
            updated_at=datetime.now(UTC),
        )
        await repository.add_loan(self.session, loan)
        await repository.insert_installments(self.session, [_row(loan.id, r) for r in rows])
        await record(
            self.session,
            events.LOAN_BOOKED,
            actor=caller.party,
            meta=meta,
            subject=Party("loan", str(loan.id)),
            details={
                "product": product.code,
                "productVersion": product.version,
                "principal": str(principal),
                "termPeriods": data.term_periods,
                "frequency": data.frequency.value,
                "annualRate": str(rate),
            },
        )
        return LoanRead(
            loan=_summary(loan, rows),
            schedule=[_installment(r) for r in rows],
            recent_transactions=[],
            allowed_kinds=_allowed_kinds(caller, LoanStatus.APPROVED),
        )

    async def disburse(
        self, caller: Caller, loan_id: uuid.UUID, data: DisbursementCreate, key: RequestKey, meta: RequestMeta
    ) -> Outcome[PostingResult]:
        async def work() -> PostingResult:
            loan = await self._locked(caller, loan_id)
            contract = await self._contract(loan.id)
            value_date = data.value_date or loan.start_date
            return await self._post(
                caller,
                loan,
                contract,
                EventKind.DISBURSEMENT,
                value_date,
                contract.net_proceeds,
                data.reason,
                None,
                meta,
            )

        return await run_once(self.session, key, 201, work, PostingResult)

    async def post_transaction(
        self, caller: Caller, loan_id: uuid.UUID, data: TransactionCreate, key: RequestKey, meta: RequestMeta
    ) -> Outcome[PostingResult]:
        kind = EventKind(data.kind.value)
        if caller.own_only is not None and kind is not EventKind.PAYMENT:
            raise PermissionDeniedError("A borrower may post payments only")
        if caller.channel is Channel.API and kind not in CLIENT_KINDS:
            raise PermissionDeniedError("An API client may post payments, payment reversals and recoveries only")
        if caller.is_staff and kind not in REASON_OPTIONAL and not data.reason.strip():
            raise ValidationError.one("reason", "is required for this transaction")

        async def work() -> PostingResult:
            loan = await self._locked(caller, loan_id)
            contract = await self._contract(loan.id)
            amount = Decimal(data.amount)
            if kind is EventKind.PAYMENT_REVERSAL:
                if data.reverses_seq is None:
                    raise ValidationError.one("reversesSeq", "names the payment to reverse")
                reversed_row = await repository.transaction(self.session, loan.id, data.reverses_seq)
                if reversed_row is None or reversed_row.kind != EventKind.PAYMENT.value:
                    raise ValidationError.one(
                        "reversesSeq", f"transaction {data.reverses_seq} is not a payment of this loan"
                    )
                amount = reversed_row.amount.quantize(contract.terms.currency.quantum)
            return await self._post(
                caller, loan, contract, kind, data.value_date, amount, data.reason, data.reverses_seq, meta
            )

        return await run_once(self.session, key, 201, work, PostingResult)

    # --- posting ------------------------------------------------------------------------------------

    async def _locked(self, caller: Caller, loan_id: uuid.UUID) -> Row:
        loan = await repository.loan(self.session, loan_id, for_update=True)
        _visible(caller, loan)
        assert loan is not None
        return loan

    async def _contract(self, loan_id: uuid.UUID) -> LoanContract:
        """The loan's contract; its JSON is read only when this process has not built it yet."""
        return cached_contract(loan_id) or contract_of(loan_id, await repository.contract(self.session, loan_id))

    async def _post(  # noqa: PLR0917 - the event and its context
        self,
        caller: Caller,
        loan: Row,
        contract: LoanContract,
        kind: EventKind,
        value_date: date,
        amount: Decimal,
        reason: str,
        reverses: int | None,
        meta: RequestMeta,
    ) -> PostingResult:
        if value_date > _today():
            raise ValidationError.one("valueDate", "must not be in the future")
        state = _state(loan, await repository.installments(self.session, loan.id, _minor(loan.currency)))
        seq = loan.last_seq + 1
        try:
            event = Event(kind, value_date, amount, seq, reverses)
        except FinanceInputError as exc:
            raise _invalid(exc) from None
        # The common case (a payment today on a loan with nothing dated later) applies one event to the
        # stored state; anything else replays the history.
        fast = kind is not EventKind.PAYMENT_REVERSAL and not await repository.has_events_after(
            self.session, loan.id, value_date, (k.value for k in ranked_after(kind))
        )
        mapping = mapping_for(loan.product_code)
        try:
            if fast:
                new_state, effect = apply(contract, state, event)
                effects: tuple[Effect, ...] = (effect,)
                stored: dict[int, Posting] = {}
            else:
                history = [_event(row) for row in await repository.history(self.session, loan.id)]
                new_state, effects = replay(contract, [*history, event])
                stored = await ledger.seq_postings(self.session, loan.id, mapping)
        except FinanceInputError as exc:
            raise _invalid(exc) from None
        mine = next(e for e in effects if e.seq == seq)
        split = mine.split
        values = {
            "loan_id": loan.id,
            "seq": seq,
            "kind": kind.value,
            "value_date": value_date,
            "amount": event.amount,
            "channel": caller.channel.value,
            "reason": reason,
            "reverses_seq": reverses,
            "principal": split.principal,
            "interest": split.interest,
            "fees": split.fees,
            "excess": split.excess,
            "actor": caller.party.id or caller.party.type,
            "request_id": None,
        }
        booked_at = await repository.insert_transaction(self.session, values)
        header = JournalHeader(loan.id, kind.value, value_date, loan.currency, transaction_seq=seq)
        await ledger.post_posting(self.session, header, posting_for(mine), mapping)
        adjustments = 0
        for effect in effects:
            if effect.seq == seq:
                continue
            difference = subtract(posting_for(effect), stored.get(effect.seq, Posting()))
            adjustment = JournalHeader(
                loan.id,
                "adjustment",
                value_date,
                loan.currency,
                transaction_seq=effect.seq,
                caused_by_seq=seq,
                memo=f"Replay after transaction {seq} ({kind.value} on {value_date.isoformat()})",
            )
            journal = await ledger.post_posting(self.session, adjustment, difference, mapping)
            adjustments += journal is not None
        stored_loan = await self._store_state(loan, state, new_state, seq, kind, value_date)
        transaction_read = _transaction({**values, "booked_at": booked_at})
        await record(
            self.session,
            events.BY_KIND[kind],
            actor=caller.party,
            meta=meta,
            subject=Party("loan", str(loan.id)),
            details={
                "seq": seq,
                "amount": str(event.amount),
                "valueDate": value_date.isoformat(),
                "channel": caller.channel.value,
                "reason": reason,
                "reverses": reverses,
                "split": {
                    "principal": str(split.principal),
                    "interest": str(split.interest),
                    "fees": str(split.fees),
                    "excess": str(split.excess),
                },
                "replayed": not fast,
                "adjustments": adjustments,
            },
        )
        return PostingResult(
            transaction=transaction_read,
            replayed=not fast,
            adjustments=adjustments,
            loan=_summary(stored_loan, new_state.installments),
        )

    async def _store_state(  # noqa: PLR0917
        self, loan: Row, before: LoanState, after: LoanState, seq: int, kind: EventKind, value_date: date
    ) -> SimpleNamespace:
        """Write the new state: the installments that changed, the loan's state columns. Returns the loan
        as it now stands."""
        old = {row.number: row for row in before.installments}
        new = {row.number: row for row in after.installments}
        changed = [_row(loan.id, row) for number, row in new.items() if number in old and old[number] != row]
        await repository.insert_installments(self.session, [_row(loan.id, r) for n, r in new.items() if n not in old])
        if len(new) < len(old):
            await repository.delete_installments_after(self.session, loan.id, max(new, default=0))
        values = {
            "status": after.status.value,
            "principal_outstanding": after.principal_outstanding,
            "interest_outstanding": after.interest_outstanding,
            "fees_outstanding": after.fees_outstanding,
            "credit_balance": after.credit_balance,
            "written_off": after.written_off,
            "recovered": after.recovered,
            "last_value_date": after.last_value_date,
            "accrued_through": after.last_value_date,
            "accrual_basis": after.accrual_basis,
            "interest_recognized": after.interest_recognized,
            "last_seq": seq,
            "maturity_date": after.installments[-1].due_date if after.installments else loan.maturity_date,
            "disbursed_on": value_date if kind is EventKind.DISBURSEMENT else loan.disbursed_on,
            "updated_at": datetime.now(UTC),
        }
        await repository.store_state(self.session, loan.id, values, changed)
        return SimpleNamespace(**{**dict(loan.items()), **values, "version": loan.version + 1})

    # --- reads ----------------------------------------------------------------------------------

    async def get(self, caller: Caller, loan_id: uuid.UUID) -> LoanRead:
        async def work() -> LoanRead:
            loan = await repository.loan(self.session, loan_id)
            _visible(caller, loan)
            assert loan is not None
            rows = await repository.installments(self.session, loan.id, _minor(loan.currency))
            recent = await repository.transactions(self.session, loan.id, before_seq=None, limit=RECENT)
            installments = _installments(rows)
            return LoanRead(
                loan=_summary(loan, installments),
                schedule=[_installment(r) for r in installments],
                recent_transactions=[_transaction(t) for t in recent],
                allowed_kinds=_allowed_kinds(caller, LoanStatus(loan.status)),
            )

        return await transaction(self.session, work, read_only=True, isolation="REPEATABLE READ")

    async def transactions(self, caller: Caller, loan_id: uuid.UUID, cursor: str | None, limit: int) -> TransactionPage:
        before = decode_cursor(cursor, tuple[int])[0] if cursor else None

        async def work() -> TransactionPage:
            _visible(caller, await repository.loan(self.session, loan_id))
            rows = await repository.transactions(self.session, loan_id, before_seq=before, limit=limit + 1)
            page = rows[:limit]
            next_cursor = encode_cursor((page[-1].seq,)) if len(rows) > limit else None
            return TransactionPage(items=[_transaction(t) for t in page], next_cursor=next_cursor)

        return await transaction(self.session, work, read_only=True)

    async def journal(self, caller: Caller, loan_id: uuid.UUID, cursor: str | None, limit: int) -> JournalPage:
        async def work() -> JournalPage:
            _visible(caller, await repository.loan(self.session, loan_id))
            return await ledger.loan_journal(self.session, loan_id, cursor, limit)

        return await transaction(self.session, work, read_only=True)

    async def payoff(self, caller: Caller, loan_id: uuid.UUID, on: date | None) -> PayoffRead:
        async def work() -> PayoffRead:
            loan = await repository.loan(self.session, loan_id)
            _visible(caller, loan)
            assert loan is not None
            contract = await self._contract(loan.id)
            state = _state(loan, await repository.installments(self.session, loan.id, _minor(loan.currency)))
            day = on or max(_today(), state.last_value_date)
            try:
                quote = payoff_quote(contract, state, day)
            except FinanceInputError as exc:
                raise ValidationError.one("date", exc.message) from None
            return PayoffRead(
                date=day,
                principal=quote.principal.amount,
                interest=quote.accrued_interest.amount,
                fees=quote.fees.amount,
                credit=quote.credit.amount,
                total=quote.total.amount,
                per_diem=quote.per_diem.amount,
            )

        return await transaction(self.session, work, read_only=True)

    async def page(
        self,
        caller: Caller,
        *,
        status: LoanStatus | None,
        borrower_id: uuid.UUID | None,
        product_code: str | None,
        cursor: str | None,
        limit: int,
        borrower_email: str | None = None,
    ) -> LoanPage:
        after = decode_cursor(cursor, tuple[datetime, uuid.UUID]) if cursor else None

        async def work() -> LoanPage:
            borrower = caller.own_only or borrower_id
            if borrower_email is not None and caller.own_only is None:
                # Staff look a borrower up by email; no such borrower (or another id) is an empty page.
                found = await accounts.find_by_email(self.session, borrower_email)
                if found is None or borrower not in {None, found.id}:
                    return LoanPage(items=[], next_cursor=None)
                borrower = found.id
            rows = await repository.loans_page(
                self.session,
                borrower_id=borrower,
                status=None if status is None else status.value,
                product_code=product_code,
                after=after,
                limit=limit + 1,
            )
            page = rows[:limit]
            last = page[-1][0] if page else None
            next_cursor = encode_cursor((last.created_at, last.id)) if last and len(rows) > limit else None
            items = [
                _summary(loan, None, _next_payment(loan, due, None if amount is None else _money(loan, amount)))
                for loan, due, amount in page
            ]
            return LoanPage(items=items, next_cursor=next_cursor)

        return await transaction(self.session, work, read_only=True)


def loans_csv(loans: Sequence[LoanSummary]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    fields = [
        "id",
        "borrower_id",
        "product_code",
        "currency",
        "principal",
        "annual_rate",
        "frequency",
        "term_periods",
        "status",
        "principal_outstanding",
        "interest_outstanding",
        "fees_outstanding",
        "total_outstanding",
        "credit_balance",
        "written_off",
        "recovered",
        "start_date",
        "maturity_date",
        "created_at",
    ]
    writer.writerow(fields)
    for loan in loans:
        writer.writerow([getattr(loan, name) for name in fields])
    return buffer.getvalue()


# --- mapping rows and states -------------------------------------------------------------------


def _visible(caller: Caller, loan: LoanView | None) -> None:
    """404 for a loan that does not exist or that a borrower does not own (not 403: the id says nothing)."""
    if loan is None or (caller.own_only is not None and loan.borrower_id != caller.own_only):
        raise NotFoundError("No such loan")


def _minor(code: str) -> int:
    return currency(code).minor_units


def _installments(rows: Sequence[Row]) -> tuple[Installment, ...]:
    """Installments as read by ``repository.installments`` (its columns are the Installment's fields, its
    amounts already at the currency's scale)."""
    return tuple(Installment(*row) for row in rows)


def _state(loan: Row, rows: Sequence[Row]) -> LoanState:
    """The loan's servicing state as stored: its balance columns and its installments."""
    quantum = Decimal(1).scaleb(-_minor(loan.currency))
    return LoanState(
        status=LoanStatus(loan.status),
        principal_outstanding=loan.principal_outstanding.quantize(quantum),
        interest_outstanding=loan.interest_outstanding.quantize(quantum),
        fees_outstanding=loan.fees_outstanding.quantize(quantum),
        credit_balance=loan.credit_balance.quantize(quantum),
        written_off=loan.written_off.quantize(quantum),
        recovered=loan.recovered.quantize(quantum),
        installments=_installments(rows),
        last_value_date=loan.last_value_date or loan.start_date,
        accrual_basis=loan.accrual_basis,
        interest_recognized=loan.interest_recognized.quantize(quantum),
    )


def _event(row: Any) -> Event:
    return Event(
        EventKind(row.kind),
        row.value_date,
        row.amount.normalize() if row.amount == 0 else row.amount,
        row.seq,
        row.reverses_seq,
    )


def _row(loan_id: uuid.UUID, row: Installment) -> dict[str, Any]:
    return {
        "loan_id": loan_id,
        "number": row.number,
        "due_date": row.due_date,
        "principal_due": row.principal_due,
        "interest_due": row.interest_due,
        "fees_due": row.fees_due,
        "principal_paid": row.principal_paid,
        "interest_paid": row.interest_paid,
        "fees_paid": row.fees_paid,
    }


def _allowed_kinds(caller: Caller, status: LoanStatus) -> list[str]:
    """What ``caller`` may post on a loan in ``status``: the rules ``post_transaction`` applies, in one list."""
    possible = possible_kinds(status)
    if caller.own_only is not None:
        possible &= {EventKind.PAYMENT}
    elif caller.channel is Channel.API:
        possible &= CLIENT_KINDS | {EventKind.DISBURSEMENT}
    return sorted(kind.value for kind in possible)


def _installment(row: Installment) -> InstallmentRead:
    return InstallmentRead(
        number=row.number,
        due_date=row.due_date,
        principal_due=row.principal_due,
        interest_due=row.interest_due,
        fees_due=row.fees_due,
        principal_paid=row.principal_paid,
        interest_paid=row.interest_paid,
        fees_paid=row.fees_paid,
        outstanding=row.outstanding,
    )


def _transaction(row: Row | dict[str, Any]) -> TransactionRead:
    """A transaction as read: a selected row, or the values just inserted (plus ``booked_at``); read by
    key, which both support (and which costs a Row less than its attributes)."""
    return TransactionRead(
        seq=row["seq"],
        kind=row["kind"],
        value_date=row["value_date"],
        booked_at=row["booked_at"],
        amount=row["amount"],
        channel=Channel(row["channel"]),
        reason=row["reason"],
        reverses_seq=row["reverses_seq"],
        principal=row["principal"],
        interest=row["interest"],
        fees=row["fees"],
        excess=row["excess"],
    )


def _money(loan: LoanView, amount: Decimal) -> Decimal:
    """A stored amount (four places) in the loan's currency's minor units."""
    return amount.quantize(Decimal(1).scaleb(-_minor(loan.currency)))


def _next_payment(loan: LoanView, due: date | None, amount: Decimal | None) -> NextPayment | None:
    """The first open installment of an active loan (none otherwise)."""
    if loan.status != LoanStatus.ACTIVE.value or due is None or amount is None:
        return None
    return NextPayment(due_date=due, amount=amount)


def _summary(loan: LoanView, rows: Sequence[Installment] | None, upcoming: NextPayment | None = None) -> LoanSummary:
    if rows is not None:
        first = next((r for r in rows if r.outstanding > 0), None)
        upcoming = None if first is None else _next_payment(loan, first.due_date, first.outstanding)
    return LoanSummary(
        id=loan.id,
        borrower_id=loan.borrower_id,
        product_code=loan.product_code,
        currency=loan.currency,
        principal=loan.principal,
        annual_rate=loan.annual_rate.normalize(),
        frequency=loan.frequency,
        term_periods=loan.term_periods,
        grade=loan.grade,
        start_date=loan.start_date,
        first_payment_date=loan.first_payment_date,
        maturity_date=loan.maturity_date,
        status=LoanStatus(loan.status),
        principal_outstanding=loan.principal_outstanding,
        interest_outstanding=loan.interest_outstanding,
        fees_outstanding=loan.fees_outstanding,
        total_outstanding=loan.principal_outstanding + loan.interest_outstanding + loan.fees_outstanding,
        credit_balance=loan.credit_balance,
        written_off=loan.written_off,
        recovered=loan.recovered,
        disbursed_on=loan.disbursed_on,
        last_value_date=loan.last_value_date,
        created_at=loan.created_at,
        next_payment=upcoming,
    )


__all__ += ["TransactionKind", "loans_csv"]
