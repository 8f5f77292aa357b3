"""Products from files: `loan-engine products load FILE [--publish]`, and the shipped personal loan the
development seed publishes. Each step is one of the admin use cases (its own transaction, audited with the
actor ``system:loan-engine``), so a file is checked exactly as the admin API checks a request body."""

from __future__ import annotations

from importlib import resources
from typing import Final

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.api.request import RequestMeta
from loan_engine.errors import NotFoundError
from loan_engine.products.schemas import DraftUpdate, NewDraft, ProductCreate, VersionRead, VersionStatus
from loan_engine.products.service import ProductAdmin

__all__ = ["CLI_META", "DEFAULT_PRODUCT", "default_product", "load_product", "read_product"]

DEFAULT_PRODUCT: Final = "personal-loan.json"
CLI_META: Final = RequestMeta(user_agent="loan-engine cli")


def read_product(data: bytes) -> ProductCreate:
    """Decode a product file (a ``POST /api/admin/products`` body); raises ``msgspec`` errors naming the path."""
    return msgspec.json.decode(data, type=ProductCreate)


def default_product() -> ProductCreate:
    """The shipped personal loan (docs/PRODUCTS.md describes it)."""
    return read_product(resources.files("loan_engine.products").joinpath("default", DEFAULT_PRODUCT).read_bytes())


async def load_product(session: AsyncSession, data: ProductCreate, *, publish: bool) -> VersionRead:
    """A new product (its version 1 a draft), or, for a product that exists, its open draft replaced by the
    file's definition (a new draft when none is open); then published when asked (422 naming the field
    when it cannot make a valid loan)."""
    admin = ProductAdmin(session)
    try:
        product = await admin.get(data.code)
    except NotFoundError:
        product = await admin.create(None, data, CLI_META)
        number = product.versions[-1].version
    else:
        draft = next((v for v in product.versions if v.status is VersionStatus.DRAFT), None)
        number = draft.version if draft else (await admin.new_draft(None, data.code, NewDraft(), CLI_META)).version
        update = DraftUpdate(definition=data.definition, note="Loaded from a file")
        await admin.update_draft(None, data.code, number, update, CLI_META)
    if publish:
        return await admin.publish(None, data.code, number, CLI_META)
    return await admin.version(data.code, number)
