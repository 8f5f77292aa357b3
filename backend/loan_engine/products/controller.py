"""/api/products (public: what is on offer) and /api/admin/products (admins: versions and their lifecycle)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from litestar import Controller, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, Parameter, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.api.request import AnyRequest, request_meta
from loan_engine.api.types import DEFAULT_LIMIT, MAX_LIMIT
from loan_engine.auth.guards import allow, current_user
from loan_engine.auth.principal import Role
from loan_engine.products.schemas import (
    DraftUpdate,
    NewDraft,
    ProductCreate,
    ProductPage,
    ProductRead,
    PublicProduct,
    VersionDiff,
    VersionRead,
)
from loan_engine.products.service import ProductAdmin, ProductCatalog

BEARER: list[dict[str, list[str]]] = [{"BearerAuth": []}]
Code = Annotated[str, Parameter(pattern="^[A-Z][A-Z0-9-]{1,31}$", description="The product code")]
Version = Annotated[int, Parameter(ge=1, le=100_000, description="The version number")]


async def provide_catalog(db_session: NamedDependency[AsyncSession]) -> ProductCatalog:
    return ProductCatalog(db_session)


async def provide_admin(db_session: NamedDependency[AsyncSession]) -> ProductAdmin:
    return ProductAdmin(db_session)


class ProductsController(Controller):
    """Products on offer, with their limits and a representative example (no sign-in)."""

    path = "/api/products"
    tags = ["products"]
    dependencies = {"catalog": Provide(provide_catalog)}

    @get("/", summary="Products on offer: limits, rate range and a representative example")
    async def list_products(self, catalog: NamedDependency[ProductCatalog]) -> list[PublicProduct]:
        return await catalog.on_offer(datetime.now(UTC).date())

    @get("/{code:str}", summary="A product on offer: its published version's limits and representative example")
    async def get_product(self, catalog: NamedDependency[ProductCatalog], code: Code) -> PublicProduct:
        return await catalog.offered(code, datetime.now(UTC).date())


class AdminProductsController(Controller):
    """Products and their versions: create, edit a draft, publish, retire, compare. Admins only."""

    path = "/api/admin/products"
    tags = ["admin", "products"]
    guards = [allow(roles={Role.ADMIN})]
    security = BEARER
    dependencies = {"admin": Provide(provide_admin)}

    @get("/", summary="List products with their versions")
    async def list_products(
        self,
        admin: NamedDependency[ProductAdmin],
        cursor: Annotated[str | None, QueryParameter(max_length=512, pattern="^[A-Za-z0-9_-]*$")] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    ) -> ProductPage:
        return await admin.page(cursor, limit)

    @post("/", status_code=201, summary="Create a product with its first draft version")
    async def create_product(
        self, request: AnyRequest, admin: NamedDependency[ProductAdmin], data: JSONBody[ProductCreate]
    ) -> ProductRead:
        return await admin.create(current_user(request).id, data, request_meta(request))

    @get("/{code:str}", summary="A product and its versions")
    async def get_product(self, admin: NamedDependency[ProductAdmin], code: Code) -> ProductRead:
        return await admin.get(code)

    @post("/{code:str}/versions", status_code=201, summary="Start a new draft, copied from a version")
    async def new_draft(
        self, request: AnyRequest, admin: NamedDependency[ProductAdmin], code: Code, data: JSONBody[NewDraft]
    ) -> VersionRead:
        return await admin.new_draft(current_user(request).id, code, data, request_meta(request))

    @get("/{code:str}/versions/{version:int}", summary="A version, with what stops a draft from being published")
    async def get_version(self, admin: NamedDependency[ProductAdmin], code: Code, version: Version) -> VersionRead:
        return await admin.version(code, version)

    @put("/{code:str}/versions/{version:int}", summary="Replace a draft's definition")
    async def update_draft(
        self,
        request: AnyRequest,
        admin: NamedDependency[ProductAdmin],
        code: Code,
        version: Version,
        data: JSONBody[DraftUpdate],
    ) -> VersionRead:
        return await admin.update_draft(current_user(request).id, code, version, data, request_meta(request))

    @post(
        "/{code:str}/versions/{version:int}/publish",
        status_code=200,
        summary="Publish a draft (422 naming the field when it cannot make a valid loan); retires the version on offer",
    )
    async def publish(
        self, request: AnyRequest, admin: NamedDependency[ProductAdmin], code: Code, version: Version
    ) -> VersionRead:
        return await admin.publish(current_user(request).id, code, version, request_meta(request))

    @post("/{code:str}/versions/{version:int}/retire", status_code=200, summary="Stop offering a published version")
    async def retire(
        self, request: AnyRequest, admin: NamedDependency[ProductAdmin], code: Code, version: Version
    ) -> VersionRead:
        return await admin.retire(current_user(request).id, code, version, request_meta(request))

    @get("/{code:str}/diff", summary="What changed between two versions")
    async def diff(
        self,
        admin: NamedDependency[ProductAdmin],
        code: Code,
        from_version: Annotated[int, QueryParameter(name="from", ge=1, le=100_000)],
        to_version: Annotated[int, QueryParameter(name="to", ge=1, le=100_000)],
    ) -> VersionDiff:
        return await admin.diff(code, from_version, to_version)
