"""Products: create, edit drafts, publish, retire, compare versions; and what the rest of the product
reads from them (the published version of a product, the loan terms it gives, its advertised example).

Each public method of ``ProductAdmin`` is one use case in one transaction: the product row is locked
first, so two admins publishing at once are serialized and exactly one version ends up published.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.api.request import RequestMeta
from loan_engine.api.types import decode_cursor, encode_cursor
from loan_engine.audit.events import EventType
from loan_engine.audit.service import Party, record
from loan_engine.db.driver import Row
from loan_engine.errors import ConflictError, NotFoundError, ValidationError
from loan_engine.finance.errors import FinanceInputError
from loan_engine.finance.money import Currency, currency
from loan_engine.finance.terms import LoanTerms
from loan_engine.lru import Lru
from loan_engine.products import definition as rules
from loan_engine.products import events, repository
from loan_engine.products.models import Product, ProductVersion
from loan_engine.products.schemas import (
    Change,
    DraftUpdate,
    ExampleOut,
    NewDraft,
    Problem,
    ProductCreate,
    ProductDefinition,
    ProductPage,
    ProductRead,
    PublicProduct,
    VersionDiff,
    VersionRead,
    VersionStatus,
    VersionSummary,
)

__all__ = ["CLI_ACTOR", "ProductAdmin", "ProductCatalog", "ProductLoan", "PublishedProduct", "stress_rate"]

# Changes made by `loan-engine products|policy load` and the dev seed: no signed-in user.
CLI_ACTOR = Party.system("loan-engine")


def _definition(row: ProductVersion) -> ProductDefinition:
    return msgspec.convert(row.definition, ProductDefinition)


# Published definitions by version id. A version that has left draft never changes (the trigger of
# migration 0003 refuses it), so its parsed definition is kept and shared: callers only read it.
_published_definitions: Lru[uuid.UUID, ProductDefinition] = Lru(64)


def _to_json(definition: ProductDefinition) -> dict[str, Any]:
    encoded: dict[str, Any] = msgspec.to_builtins(definition)
    return encoded


@dataclass(frozen=True, slots=True)
class ProductLoan:
    """A loan asked for on a product: what ``ProductCatalog.loan_terms`` prices."""

    product_code: str
    grade: str
    principal: str
    term_periods: int
    start_date: date
    frequency: str | None = None
    first_payment_date: date | None = None


@dataclass(frozen=True, slots=True)
class PublishedProduct:
    """A product's version on offer, as the quote engine, policy and applications read it."""

    product_id: uuid.UUID
    code: str
    name: str
    description: str
    currency: Currency
    version_id: uuid.UUID
    version: int
    definition: ProductDefinition


class ProductCatalog:
    """Reads of published products (public, and for other features)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def published(self, code: str) -> PublishedProduct:
        """The version of ``code`` offered to new loans; 404 when there is none. Joins the caller's
        transaction."""
        _require_transaction(self.session)
        row = await repository.published_header(self.session, code)
        if row is None:
            raise NotFoundError(f"No product {code} is on offer")
        definition = _published_definitions.get(row.version_id) or _published_definitions.put(
            row.version_id,
            msgspec.convert(await repository.definition(self.session, row.version_id), ProductDefinition),
        )
        return _published_as(row, row.version_id, row.version, definition)

    async def latest(self, code: str) -> PublishedProduct:
        """The published version of ``code``, else its newest version (a policy can be tested against a
        product that is not on offer yet). Joins the caller's transaction."""
        _require_transaction(self.session)
        product = await repository.product_by_code(self.session, code)
        if product is None:
            raise NotFoundError(f"No product with code {code}")
        rows = await repository.versions(self.session, product.id)
        chosen = next((v for v in rows if v.status == VersionStatus.PUBLISHED.value), rows[-1])
        return _published(product, chosen)

    async def product_id(self, code: str, *, lock: bool = False) -> uuid.UUID:
        """The id of product ``code`` (locked FOR UPDATE when asked, to serialize changes to what hangs
        off it); 404 when there is none. Joins the caller's transaction."""
        _require_transaction(self.session)
        product = await repository.product_by_code(self.session, code, for_update=lock)
        if product is None:
            raise NotFoundError(f"No product with code {code}")
        return product.id

    async def on_offer(self, today: date) -> list[PublicProduct]:
        async with self.session.begin():
            rows = await repository.published(self.session)
        return [_public(_published(product, version), today) for product, version in rows]

    async def offered(self, code: str, today: date) -> PublicProduct:
        """GET /api/products/{code}: one product on offer, as the catalog shows it; 404 when none is."""
        async with self.session.begin():
            product = await self.published(code)
        return _public(product, today)

    async def loan_terms(self, request: ProductLoan) -> LoanTerms:
        """The ``finance`` terms of a loan on the published version of ``request.product_code``: rate from
        the pricing grid for the grade and term, fees from the version; 404 when the product is not on
        offer, 422 naming the field when the loan is outside it."""
        async with self.session.begin():
            product = await self.published(request.product_code)
        return draft_loan_terms(product.definition, product.currency.code, request)


def draft_loan_terms(defn: ProductDefinition, currency_code: str, loan: ProductLoan) -> LoanTerms:
    """The ``finance`` terms a loan would get on a definition that is not (yet) published: the admin
    editor's live preview. The same rules as a published version (``ProductCatalog.loan_terms``); a 422
    names the field."""
    try:
        cur = currency(currency_code)
    except FinanceInputError:
        raise ValidationError.one("currency", f"{currency_code} is not an ISO 4217 currency code") from None
    return rules.loan_terms(
        defn,
        cur,
        Decimal(loan.principal),
        loan.term_periods,
        loan.frequency or defn.frequencies[0],
        loan.grade,
        loan.start_date,
        loan.first_payment_date,
    )


def _require_transaction(session: AsyncSession) -> None:
    if not session.in_transaction():
        msg = "this service method joins the use case's transaction; call it inside one"
        raise RuntimeError(msg)


def stress_rate(product: PublishedProduct, term_periods: int, periods_per_year: int) -> Decimal:
    """The highest annual rate (percent) any grade pays for this term: what affordability is tested at,
    so an approval holds whatever grade the decision gives."""
    months = Decimal(term_periods) * 12 / periods_per_year
    defn = product.definition
    return max(rules.rate_for(defn, grade, months) for grade in defn.pricing.grades)


def _published(product: Product, version: ProductVersion) -> PublishedProduct:
    return _published_as(product, version.id, version.version, _definition(version))


def _published_as(
    product: Product | Row, version_id: uuid.UUID, version: int, definition: ProductDefinition
) -> PublishedProduct:
    """A product on offer, from its mapped row or the driver's header row (``repository.published_header``)."""
    return PublishedProduct(
        product_id=product.id,
        code=product.code,
        name=product.name,
        description=product.description,
        currency=currency(product.currency),
        version_id=version_id,
        version=version,
        definition=definition,
    )


def _public(product: PublishedProduct, today: date) -> PublicProduct:
    defn = product.definition
    shown = rules.example(defn, product.currency, today)
    rates = [rate for row in defn.pricing.grid for rate in row.rates]
    return PublicProduct(
        code=product.code,
        name=product.name,
        currency=product.currency.code,
        description=product.description,
        version=product.version,
        amount=defn.amount,
        term=defn.term,
        frequencies=defn.frequencies,
        grades=defn.pricing.grades,
        rate_from=min(map(Decimal, rates)),
        rate_to=max(map(Decimal, rates)),
        example=ExampleOut(
            amount=shown.amount,
            term_periods=shown.term_periods,
            frequency=shown.frequency,
            annual_rate=shown.rate,
            payment=shown.payment,
            apr=shown.apr,
            finance_charge=shown.finance_charge,
            total_of_payments=shown.total_of_payments,
            apr_from=shown.apr_low,
            apr_to=shown.apr_high,
        ),
    )


class ProductAdmin:
    """The admin use cases. ``actor`` is the signed-in admin; every change is audited."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, actor: uuid.UUID | None, data: ProductCreate, meta: RequestMeta) -> ProductRead:
        try:
            cur = currency(data.currency)
        except FinanceInputError:
            raise ValidationError.one("currency", f"{data.currency} is not an ISO 4217 currency code") from None
        async with self.session.begin():
            if await repository.product_by_code(self.session, data.code) is not None:
                raise ConflictError(f"A product with code {data.code} already exists")
            product = Product(
                id=uuid.uuid4(),
                code=data.code,
                name=data.name,
                currency=cur.code,
                description=data.description,
                created_by=actor,
            )
            await repository.add(self.session, product)
            draft = ProductVersion(
                id=uuid.uuid4(),
                product_id=product.id,
                version=1,
                status=VersionStatus.DRAFT.value,
                definition=_to_json(data.definition),
                note="First version",
                created_by=actor,
            )
            await repository.add(self.session, draft)
            await self._audit(events.PRODUCT_CREATED, actor, meta, product, {"code": data.code, "currency": cur.code})
            return await self._read(product)

    async def page(self, cursor: str | None, limit: int) -> ProductPage:
        after = decode_cursor(cursor, tuple[str])[0] if cursor else None
        async with self.session.begin():
            rows = await repository.products_page(self.session, after_code=after, limit=limit + 1)
            items = [await self._read(product) for product in rows[:limit]]
        next_cursor = encode_cursor((items[-1].code,)) if len(rows) > limit else None
        return ProductPage(items=items, next_cursor=next_cursor)

    async def get(self, code: str) -> ProductRead:
        async with self.session.begin():
            return await self._read(await self._product(code))

    async def version(self, code: str, number: int) -> VersionRead:
        async with self.session.begin():
            product = await self._product(code)
            return _version_read(product, await self._version(product, number))

    async def new_draft(self, actor: uuid.UUID | None, code: str, data: NewDraft, meta: RequestMeta) -> VersionRead:
        """A new draft copied from a version (an edit of a published version is always a new version)."""
        async with self.session.begin():
            product = await self._product(code, lock=True)
            existing = await repository.versions(self.session, product.id)
            open_draft = next((v for v in existing if v.status == VersionStatus.DRAFT.value), None)
            if open_draft is not None:
                raise ConflictError(f"Version {open_draft.version} of {code} is already a draft; edit it instead")
            source = await self._version(product, data.from_version or existing[-1].version)
            draft = ProductVersion(
                id=uuid.uuid4(),
                product_id=product.id,
                version=existing[-1].version + 1,
                status=VersionStatus.DRAFT.value,
                definition=source.definition,
                note=f"Copied from version {source.version}",
                created_by=actor,
            )
            await repository.add(self.session, draft)
            details = {"version": draft.version, "from": source.version}
            await self._audit(events.VERSION_DRAFTED, actor, meta, product, details)
            return _version_read(product, draft)

    async def update_draft(
        self, actor: uuid.UUID | None, code: str, number: int, data: DraftUpdate, meta: RequestMeta
    ) -> VersionRead:
        async with self.session.begin():
            product = await self._product(code, lock=True)
            row = await self._version(product, number, lock=True)
            _require(row, VersionStatus.DRAFT, "edited; start a new draft from it instead")
            changes = diff(row.definition, _to_json(data.definition))
            row.definition = _to_json(data.definition)
            row.note = data.note
            row.updated_at = datetime.now(UTC)
            await self.session.flush()
            details = {"version": number, "changed": [c.path for c in changes][:100]}
            await self._audit(events.VERSION_EDITED, actor, meta, product, details)
            return _version_read(product, row)

    async def publish(self, actor: uuid.UUID | None, code: str, number: int, meta: RequestMeta) -> VersionRead:
        """Publish a draft: it is checked (422 naming the field), the version on offer is retired, and
        this one is offered to new applications from now on."""
        async with self.session.begin():
            product = await self._product(code, lock=True)
            row = await self._version(product, number, lock=True)
            _require(row, VersionStatus.DRAFT, "published")
            rules.check_publishable(_definition(row), currency(product.currency))
            now = datetime.now(UTC)
            previous = next(
                (v for v in await repository.versions(self.session, product.id) if v.status == "published"), None
            )
            if previous is not None:
                previous.status, previous.retired_at = VersionStatus.RETIRED.value, now
                await self.session.flush()  # the one-published index checks the retirement first
            row.status, row.published_at, row.published_by = VersionStatus.PUBLISHED.value, now, actor
            await self.session.flush()
            details = {"version": number, "retired": previous.version if previous else None}
            await self._audit(events.VERSION_PUBLISHED, actor, meta, product, details)
            return _version_read(product, row)

    async def retire(self, actor: uuid.UUID | None, code: str, number: int, meta: RequestMeta) -> VersionRead:
        """Stop offering a published version (loans booked on it keep it)."""
        async with self.session.begin():
            product = await self._product(code, lock=True)
            row = await self._version(product, number, lock=True)
            _require(row, VersionStatus.PUBLISHED, "retired")
            row.status, row.retired_at = VersionStatus.RETIRED.value, datetime.now(UTC)
            await self.session.flush()
            await self._audit(events.VERSION_RETIRED, actor, meta, product, {"version": number})
            return _version_read(product, row)

    async def diff(self, code: str, first: int, second: int) -> VersionDiff:
        async with self.session.begin():
            product = await self._product(code)
            a, b = await self._version(product, first), await self._version(product, second)
        return VersionDiff(from_version=first, to_version=second, changes=diff(a.definition, b.definition))

    # --- helpers ---------------------------------------------------------------------------------

    async def _product(self, code: str, *, lock: bool = False) -> Product:
        product = await repository.product_by_code(self.session, code, for_update=lock)
        if product is None:
            raise NotFoundError(f"No product with code {code}")
        return product

    async def _version(self, product: Product, number: int, *, lock: bool = False) -> ProductVersion:
        row = await repository.version(self.session, product.id, number, for_update=lock)
        if row is None:
            raise NotFoundError(f"{product.code} has no version {number}")
        return row

    async def _read(self, product: Product) -> ProductRead:
        versions = await repository.versions(self.session, product.id)
        return ProductRead(
            code=product.code,
            name=product.name,
            currency=product.currency,
            description=product.description,
            created_at=product.created_at,
            versions=[_summary(v) for v in versions],
        )

    async def _audit(
        self, event: EventType, actor: uuid.UUID | None, meta: RequestMeta, product: Product, details: dict[str, Any]
    ) -> None:
        await record(
            self.session,
            event,
            actor=Party.user(actor) if actor is not None else CLI_ACTOR,
            meta=meta,
            subject=Party("product", product.code),
            details=details,
        )


def _require(row: ProductVersion, status: VersionStatus, verb: str) -> None:
    if row.status != status.value:
        raise ConflictError(f"Version {row.version} is {row.status}; only a {status.value} version can be {verb}")


def _summary(row: ProductVersion) -> VersionSummary:
    return VersionSummary(
        version=row.version,
        status=VersionStatus(row.status),
        created_at=row.created_at,
        published_at=row.published_at,
        retired_at=row.retired_at,
        note=row.note,
    )


def _version_read(product: Product, row: ProductVersion) -> VersionRead:
    definition = _definition(row)
    found = rules.problems(definition, currency(product.currency)) if row.status == VersionStatus.DRAFT.value else []
    return VersionRead(
        product_code=product.code,
        version=row.version,
        status=VersionStatus(row.status),
        definition=definition,
        note=row.note,
        created_at=row.created_at,
        created_by=row.created_by,
        published_at=row.published_at,
        retired_at=row.retired_at,
        problems=[Problem(field=e.field, message=e.message) for e in found],
    )


def diff(before: Any, after: Any, path: str = "") -> list[Change]:
    """Every leaf that differs between two JSON documents, as dotted paths (lists by index)."""
    if isinstance(before, dict) and isinstance(after, dict):
        out: list[Change] = []
        for key in sorted(before.keys() | after.keys()):
            out.extend(diff(before.get(key), after.get(key), f"{path}.{key}" if path else key))
        return out
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [c for i, (x, y) in enumerate(zip(before, after, strict=True)) for c in diff(x, y, f"{path}.{i}")]
    return [] if before == after else [Change(path=path, before=before, after=after)]
