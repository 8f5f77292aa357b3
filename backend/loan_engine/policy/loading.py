"""Credit policies from files (`loan-engine policy load FILE --product CODE [--activate]`) and the
development seed (`loan-engine serve` in development: the shipped personal loan published, with the
shipped consumer installment-loan policy active). Each step is one of the admin use cases (its own
transaction, audited with the actor ``system:loan-engine``), so a file is checked exactly as the admin
API checks a request body."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.errors import NotFoundError
from loan_engine.policy.document import default_policy
from loan_engine.policy.schemas import PolicyDocument, PolicyStatus, PolicyVersionRead
from loan_engine.policy.service import PolicyAdmin
from loan_engine.products.loading import CLI_META, default_product, load_product
from loan_engine.products.service import ProductAdmin

__all__ = ["load_policy", "seed_development"]


async def load_policy(
    session: AsyncSession, code: str, document: PolicyDocument, *, activate: bool
) -> PolicyVersionRead:
    """A new draft of product ``code``'s credit policy (or its open draft replaced by the document); then
    activated when asked (refused, 422, with the failing cases and violations listed)."""
    policies = PolicyAdmin(session)
    versions = await policies.versions(code)
    draft = next((v for v in versions if v.status is PolicyStatus.DRAFT), None)
    if draft is None:
        row = await policies.create(None, code, document, CLI_META)
    else:
        row = await policies.update(None, code, draft.version, document, CLI_META)
    if activate:
        return await policies.activate(None, code, row.version, CLI_META)
    return row


async def seed_development(session: AsyncSession) -> list[str]:
    """Development only: the shipped personal loan published and the shipped policy active, on a database
    that has neither. Idempotent: a product that exists (in any state) is left as it is, and so is the
    policy of a product that has any policy version. Returns what it did, one line each."""
    product = default_product()
    done = []
    try:
        await ProductAdmin(session).get(product.code)
    except NotFoundError:
        version = await load_product(session, product, publish=True)
        done.append(f"seeded product {product.code} version {version.version} (published)")
    if not await PolicyAdmin(session).versions(product.code):
        policy = await load_policy(session, product.code, default_policy(), activate=True)
        done.append(f"seeded the {product.code} credit policy version {policy.version} (active)")
    return done
