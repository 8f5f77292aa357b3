"""/api/admin/products/{code}/policy: a product's credit policy versions. Admins only."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.api.request import AnyRequest, request_meta
from loan_engine.auth.guards import allow, current_user
from loan_engine.auth.principal import Role
from loan_engine.policy.schemas import (
    CheckReport,
    NewPolicyDraft,
    PolicyDocument,
    PolicyVersionRead,
    PolicyVersionSummary,
    SimulationReport,
    SimulationRequest,
)
from loan_engine.policy.service import PolicyAdmin

BEARER: list[dict[str, list[str]]] = [{"BearerAuth": []}]
Code = Annotated[str, Parameter(pattern="^[A-Z][A-Z0-9-]{1,31}$", description="The product code")]
Version = Annotated[int, Parameter(ge=1, le=100_000, description="The policy version number")]


async def provide_policy_admin(db_session: NamedDependency[AsyncSession]) -> PolicyAdmin:
    return PolicyAdmin(db_session)


class AdminPolicyController(Controller):
    """A product's credit policy: decision models (GoRules JDM) with test cases, versioned."""

    path = "/api/admin/products/{code:str}/policy"
    tags = ["admin", "credit policy"]
    guards = [allow(roles={Role.ADMIN})]
    security = BEARER
    dependencies = {"policies": Provide(provide_policy_admin)}

    @get("/versions", summary="The product's credit policy versions")
    async def list_versions(self, policies: NamedDependency[PolicyAdmin], code: Code) -> list[PolicyVersionSummary]:
        return await policies.versions(code)

    @post(
        "/versions",
        status_code=201,
        summary="Create a draft from a policy document (422 naming the node and field of a model that cannot run)",
    )
    async def create_version(
        self, request: AnyRequest, policies: NamedDependency[PolicyAdmin], code: Code, data: JSONBody[PolicyDocument]
    ) -> PolicyVersionRead:
        return await policies.create(current_user(request).id, code, data, request_meta(request))

    @post("/drafts", status_code=201, summary="Start a new draft copied from a version")
    async def new_draft(
        self, request: AnyRequest, policies: NamedDependency[PolicyAdmin], code: Code, data: JSONBody[NewPolicyDraft]
    ) -> PolicyVersionRead:
        return await policies.new_draft(current_user(request).id, code, data, request_meta(request))

    @get("/versions/{version:int}", summary="A version: model, test cases and the facts it reads")
    async def get_version(
        self, policies: NamedDependency[PolicyAdmin], code: Code, version: Version
    ) -> PolicyVersionRead:
        return await policies.version(code, version)

    @put("/versions/{version:int}", summary="Replace a draft's model and test cases")
    async def update_version(
        self,
        request: AnyRequest,
        policies: NamedDependency[PolicyAdmin],
        code: Code,
        version: Version,
        data: JSONBody[PolicyDocument],
    ) -> PolicyVersionRead:
        return await policies.update(current_user(request).id, code, version, data, request_meta(request))

    @post(
        "/versions/{version:int}/check",
        status_code=200,
        summary="Run the test cases and the monotonicity checks (150 sampled applicants)",
    )
    async def check(self, policies: NamedDependency[PolicyAdmin], code: Code, version: Version) -> CheckReport:
        return await policies.check(code, version)

    @post(
        "/versions/{version:int}/simulate",
        status_code=200,
        summary="Compare this version's outcomes with the active version's over up to 5,000 fact sets",
    )
    async def simulate(
        self, policies: NamedDependency[PolicyAdmin], code: Code, version: Version, data: JSONBody[SimulationRequest]
    ) -> SimulationReport:
        return await policies.simulate(code, version, data.fact_sets)

    @post(
        "/versions/{version:int}/activate",
        status_code=200,
        summary="Activate a draft (refused with the failing cases and violations listed); retires the active one",
    )
    async def activate(
        self, request: AnyRequest, policies: NamedDependency[PolicyAdmin], code: Code, version: Version
    ) -> PolicyVersionRead:
        return await policies.activate(current_user(request).id, code, version, request_meta(request))

    @post("/versions/{version:int}/retire", status_code=200, summary="Retire the active version")
    async def retire(
        self, request: AnyRequest, policies: NamedDependency[PolicyAdmin], code: Code, version: Version
    ) -> PolicyVersionRead:
        return await policies.retire(current_user(request).id, code, version, request_meta(request))
