"""Queries for products and versions. Callers hold the transaction; a product row locked FOR UPDATE
serializes every change to its versions (publish, retire, new draft)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.db.driver import Row, driver
from loan_engine.products.models import Product, ProductVersion

# Every decision and every booking reads the product on offer, so these go through the driver
# (db/driver.py says why); the definition only when the service's cache does not hold it yet.
_PUBLISHED_HEADER: Final = (
    "SELECT p.id, p.code, p.name, p.description, p.currency, v.id AS version_id, v.version "
    "FROM products p JOIN product_versions v ON v.product_id = p.id AND v.status = 'published' WHERE p.code = $1"
)
_DEFINITION: Final = "SELECT definition FROM product_versions WHERE id = $1"


async def add(session: AsyncSession, row: Product | ProductVersion) -> None:
    session.add(row)
    await session.flush()


async def product_by_code(session: AsyncSession, code: str, *, for_update: bool = False) -> Product | None:
    query = select(Product).where(Product.code == code)
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def products_page(session: AsyncSession, *, after_code: str | None, limit: int) -> Sequence[Product]:
    query = select(Product).order_by(Product.code).limit(limit)
    if after_code is not None:
        query = query.where(Product.code > after_code)
    return (await session.execute(query)).scalars().all()


async def versions(session: AsyncSession, product_id: uuid.UUID) -> Sequence[ProductVersion]:
    query = select(ProductVersion).where(ProductVersion.product_id == product_id).order_by(ProductVersion.version)
    return (await session.execute(query)).scalars().all()


async def version(
    session: AsyncSession, product_id: uuid.UUID, number: int, *, for_update: bool = False
) -> ProductVersion | None:
    query = select(ProductVersion).where(ProductVersion.product_id == product_id, ProductVersion.version == number)
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def version_by_id(session: AsyncSession, version_id: uuid.UUID) -> ProductVersion | None:
    return await session.get(ProductVersion, version_id)


async def next_version_number(session: AsyncSession, product_id: uuid.UUID) -> int:
    query = select(func.coalesce(func.max(ProductVersion.version), 0)).where(ProductVersion.product_id == product_id)
    return int((await session.execute(query)).scalar_one()) + 1


async def published(session: AsyncSession, *, code: str | None = None) -> Sequence[tuple[Product, ProductVersion]]:
    """Products with their published version (all products, or the one with ``code``)."""
    query = (
        select(Product, ProductVersion)
        .join(ProductVersion, ProductVersion.product_id == Product.id)
        .where(ProductVersion.status == "published")
        .order_by(Product.code)
    )
    if code is not None:
        query = query.where(Product.code == code)
    return [(p, v) for p, v in (await session.execute(query)).all()]


async def published_header(session: AsyncSession, code: str) -> Row | None:
    """The product ``code`` and the number and id of its published version, without the definition
    (the service caches definitions by version id: a published version's never changes)."""
    found: Row | None = await (await driver(session)).fetchrow(_PUBLISHED_HEADER, code, record_class=Row)
    return found


async def definition(session: AsyncSession, version_id: uuid.UUID) -> dict[str, Any]:
    found: dict[str, Any] = await (await driver(session)).fetchval(_DEFINITION, version_id)
    return found
