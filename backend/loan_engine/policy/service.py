"""Credit policy versions: drafts, test runs, simulations, activation; and decisions for other features.

Every version belongs to a product; the product row is locked for each change, so two admins
activating at once are serialized and exactly one version is active. Test runs, monotonicity sampling
and simulations are CPU work (tens of milliseconds to a second): they run in a worker thread, never on
the event loop, and their size is bounded by the request schemas.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final

import anyio
import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.api.request import RequestMeta
from loan_engine.audit.events import EventType
from loan_engine.audit.service import Party, record
from loan_engine.errors import ConflictError, FieldError, NotFoundError, ValidationError
from loan_engine.lru import Lru
from loan_engine.policy import events, repository
from loan_engine.policy.affordability import payment_at_rate
from loan_engine.policy.checks import (
    PaymentFor,
    PolicyTestCase,
    evaluate_fact_set,
    monotonicity_violations,
    run_cases,
)
from loan_engine.policy.engine import CompiledPolicy, PolicyDecision, PolicyEvaluationError
from loan_engine.policy.facts import ApplicationFacts, FactSet
from loan_engine.policy.model import PolicyModelError, parse_model
from loan_engine.policy.models import PolicyVersion
from loan_engine.policy.schemas import (
    CaseOut,
    CheckReport,
    DecisionOut,
    FactSetIn,
    NewPolicyDraft,
    PolicyDocument,
    PolicyStatus,
    PolicyTestCaseIn,
    PolicyVersionRead,
    PolicyVersionSummary,
    ReasonOut,
    SimulationReport,
    SimulationSample,
    Transition,
    ViolationOut,
)
from loan_engine.products.service import CLI_ACTOR, ProductCatalog, PublishedProduct, stress_rate

__all__ = [
    "ActivePolicy",
    "PolicyAdmin",
    "active_policy",
    "checked_document",
    "compile_version",
    "decision_out",
    "product_payment",
]

_compiled: Lru[tuple[uuid.UUID, datetime], CompiledPolicy] = Lru(64)
SAMPLE_SIZE: Final = 20


def compile_version(row: PolicyVersion) -> CompiledPolicy:
    """The compiled model of a stored version (cached; a draft's key changes with every edit)."""
    key = (row.id, row.updated_at)
    return _compiled.get(key) or _compiled.put(key, CompiledPolicy(parse_model(row.model)))


@dataclass(frozen=True, slots=True)
class ActivePolicy:
    """A product's active credit policy version, compiled: what an application's decision evaluates."""

    version: int
    name: str
    policy: CompiledPolicy


async def active_policy(session: AsyncSession, product_id: uuid.UUID) -> ActivePolicy | None:
    """The active version of the product's policy (None when it has none). Joins the caller's transaction."""
    row = await repository.active_header(session, product_id)
    if row is None:
        return None
    key = (row.id, row.updated_at)
    policy = _compiled.get(key) or _compiled.put(
        key, CompiledPolicy(parse_model(await repository.model(session, row.id)))
    )
    return ActivePolicy(row.version, row.name, policy)


def product_payment(product: PublishedProduct) -> PaymentFor:
    """The requested loan's monthly payment at the product's highest rate for its term."""
    by_rate: dict[Decimal, PaymentFor] = {}

    def payment_for(application: ApplicationFacts) -> Decimal:
        rate = stress_rate(product, application.term_periods, application.periods_per_year)
        priced = by_rate.get(rate)
        if priced is None:
            priced = by_rate.setdefault(rate, payment_at_rate(rate.scaleb(-2), product.currency))
        return priced(application)

    return payment_for


def decision_out(decision: PolicyDecision) -> DecisionOut:
    return DecisionOut(
        decision=decision.decision,
        grade=decision.grade,
        max_amount=decision.max_amount,
        reasons=[ReasonOut(code=r.code, text=r.text) for r in decision.reasons],
    )


def checked_document(document: PolicyDocument) -> None:
    """422 naming the node and the field when the model cannot be evaluated."""
    try:
        parse_model(document.model)
    except PolicyModelError as exc:
        errors = [
            FieldError(f"model.{p.path}", f"{p.node}: {p.message}" if p.node else p.message) for p in exc.problems
        ]
        raise ValidationError(errors) from None


@dataclass(frozen=True, slots=True)
class _Gate:
    """What activation checks, computed in a worker thread."""

    report: CheckReport
    grades_unknown: list[str]


class PolicyAdmin:
    """The admin use cases on a product's credit policy; every change is audited."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.products = ProductCatalog(session)

    async def versions(self, code: str) -> list[PolicyVersionSummary]:
        async with self.session.begin():
            product_id = await self.products.product_id(code)
            rows = await repository.versions(self.session, product_id)
        return [_summary(row) for row in rows]

    async def version(self, code: str, number: int) -> PolicyVersionRead:
        async with self.session.begin():
            product_id = await self.products.product_id(code)
            row = await self._version(product_id, number)
        return _read(code, row)

    async def create(
        self, actor: uuid.UUID | None, code: str, document: PolicyDocument, meta: RequestMeta
    ) -> PolicyVersionRead:
        """A new draft from a policy document (a file, or the browser's editor)."""
        checked_document(document)
        async with self.session.begin():
            product_id = await self.products.product_id(code, lock=True)
            existing = await repository.versions(self.session, product_id)
            _no_open_draft(existing, code)
            row = _new_row(product_id, (existing[-1].version if existing else 0) + 1, document, actor)
            await repository.add(self.session, row)
            await self._audit(events.POLICY_CREATED, actor, meta, code, {"version": row.version})
        return _read(code, row)

    async def new_draft(
        self, actor: uuid.UUID | None, code: str, data: NewPolicyDraft, meta: RequestMeta
    ) -> PolicyVersionRead:
        async with self.session.begin():
            product_id = await self.products.product_id(code, lock=True)
            existing = await repository.versions(self.session, product_id)
            if not existing:
                raise NotFoundError(f"{code} has no credit policy yet; create one from a policy document")
            _no_open_draft(existing, code)
            source = await self._version(product_id, data.from_version or existing[-1].version)
            row = _new_row(product_id, existing[-1].version + 1, _document(source), actor)
            await repository.add(self.session, row)
            details = {"version": row.version, "from": source.version}
            await self._audit(events.POLICY_DRAFTED, actor, meta, code, details)
        return _read(code, row)

    async def update(
        self, actor: uuid.UUID | None, code: str, number: int, document: PolicyDocument, meta: RequestMeta
    ) -> PolicyVersionRead:
        checked_document(document)
        async with self.session.begin():
            product_id = await self.products.product_id(code, lock=True)
            row = await self._version(product_id, number, lock=True)
            _require(row, PolicyStatus.DRAFT, "edited; start a new draft from it instead")
            row.name, row.description = document.name, document.description
            row.model = document.model
            row.test_cases = [msgspec.to_builtins(case) for case in document.test_cases]
            row.updated_at = datetime.now(UTC)
            await self.session.flush()
            await self._audit(events.POLICY_EDITED, actor, meta, code, {"version": number})
        return _read(code, row)

    async def check(self, code: str, number: int) -> CheckReport:
        """Run the version's test cases and the monotonicity checks (what activation requires)."""
        async with self.session.begin():
            product, row = await self._with_product(code, number)
        return (await self._gate(product, row)).report

    async def simulate(self, code: str, number: int, fact_sets: Sequence[FactSetIn]) -> SimulationReport:
        """Outcomes of this version against the active one over the given fact sets."""
        async with self.session.begin():
            product, row = await self._with_product(code, number)
            active = await repository.active(self.session, row.product_id)
        candidate, current = compile_version(row), compile_version(active) if active is not None else None
        facts = [f.to_facts() for f in fact_sets]
        payment_for = product_payment(product)
        return await anyio.to_thread.run_sync(_simulate, candidate, current, facts, payment_for)

    async def activate(self, actor: uuid.UUID | None, code: str, number: int, meta: RequestMeta) -> PolicyVersionRead:
        """Make a draft the product's policy: refused (422) with the failing cases and violations listed."""
        async with self.session.begin():
            product, row = await self._with_product(code, number)
            _require(row, PolicyStatus.DRAFT, "activated")
        gate = await self._gate(product, row)
        if not gate.report.passed or gate.grades_unknown:
            raise _refusal(gate)
        async with self.session.begin():
            product_id = await self.products.product_id(code, lock=True)
            row = await self._version(product_id, number, lock=True)
            _require(row, PolicyStatus.DRAFT, "activated")
            now = datetime.now(UTC)
            previous = await repository.active(self.session, product_id)
            if previous is not None:
                previous.status, previous.retired_at = PolicyStatus.RETIRED.value, now
                await self.session.flush()
            row.status, row.activated_at, row.activated_by = PolicyStatus.ACTIVE.value, now, actor
            await self.session.flush()
            details = {"version": number, "retired": previous.version if previous else None}
            await self._audit(events.POLICY_ACTIVATED, actor, meta, code, details)
        return _read(code, row)

    async def retire(self, actor: uuid.UUID | None, code: str, number: int, meta: RequestMeta) -> PolicyVersionRead:
        async with self.session.begin():
            product_id = await self.products.product_id(code, lock=True)
            row = await self._version(product_id, number, lock=True)
            _require(row, PolicyStatus.ACTIVE, "retired")
            row.status, row.retired_at = PolicyStatus.RETIRED.value, datetime.now(UTC)
            await self.session.flush()
            await self._audit(events.POLICY_RETIRED, actor, meta, code, {"version": number})
        return _read(code, row)

    # --- helpers ---------------------------------------------------------------------------------

    async def _with_product(self, code: str, number: int) -> tuple[PublishedProduct, PolicyVersion]:
        """The product version payments are priced on (published, else the newest), and the policy version."""
        product = await self.products.latest(code)
        return product, await self._version(await self.products.product_id(code), number)

    async def _version(self, product_id: uuid.UUID, number: int, *, lock: bool = False) -> PolicyVersion:
        row = await repository.version(self.session, product_id, number, for_update=lock)
        if row is None:
            raise NotFoundError(f"The credit policy has no version {number}")
        return row

    async def _gate(self, product: PublishedProduct, row: PolicyVersion) -> _Gate:
        policy = compile_version(row)
        cases = [msgspec.convert(c, PolicyTestCaseIn).to_case() for c in row.test_cases]
        grades = list(product.definition.pricing.grades)
        return await anyio.to_thread.run_sync(_run_gate, policy, cases, product_payment(product), grades)

    async def _audit(
        self, event: EventType, actor: uuid.UUID | None, meta: RequestMeta, code: str, details: dict[str, Any]
    ) -> None:
        await record(
            self.session,
            event,
            actor=Party.user(actor) if actor is not None else CLI_ACTOR,
            meta=meta,
            subject=Party("product", code),
            details=details,
        )


def _run_gate(policy: CompiledPolicy, cases: list[PolicyTestCase], payment_for: PaymentFor, grades: list[str]) -> _Gate:
    results = run_cases(policy, cases, payment_for)
    violations = monotonicity_violations(policy, payment_for, grades)
    out_cases = [
        CaseOut(
            name=r.name,
            passed=r.passed,
            differences=list(r.differences),
            actual=decision_out(r.actual) if r.actual is not None else None,
        )
        for r in results
    ]
    out_violations = [
        ViolationOut(
            rule=v.rule,
            before=FactSetIn.of(v.before),
            after=FactSetIn.of(v.after),
            outcome_before=decision_out(v.outcome_before),
            outcome_after=decision_out(v.outcome_after),
        )
        for v in violations
    ]
    unknown = sorted({r.actual.grade for r in results if r.actual and r.actual.grade and r.actual.grade not in grades})
    passed = all(r.passed for r in results) and not violations
    report = CheckReport(passed=passed, cases=out_cases, violations=out_violations, samples=150)
    return _Gate(report, unknown)


def _refusal(gate: _Gate) -> ValidationError:
    errors = [
        FieldError(f"testCases.{i}", f"{case.name}: {'; '.join(case.differences)}")
        for i, case in enumerate(gate.report.cases)
        if not case.passed
    ]
    errors.extend(FieldError("model", f"not monotone: {v.rule}") for v in gate.report.violations)
    errors.extend(
        FieldError("model", f"gives grade {g}, which the product does not price") for g in gate.grades_unknown
    )
    return ValidationError(errors, detail=f"The policy cannot be activated: {len(errors)} check(s) failed")


def _simulate(
    candidate: CompiledPolicy, current: CompiledPolicy | None, facts: list[FactSet], payment_for: PaymentFor
) -> SimulationReport:
    moves: Counter[tuple[Any, Any]] = Counter()
    sample: list[SimulationSample] = []
    better = worse = 0
    for index, fact_set in enumerate(facts):
        after = _safe(candidate, fact_set, payment_for)
        before = _safe(current, fact_set, payment_for) if current is not None else None
        moves[(before.decision if before else None, after.decision)] += 1
        if before is not None and before.decision is not after.decision:
            better += after.decision.rank > before.decision.rank
            worse += after.decision.rank < before.decision.rank
            if len(sample) < SAMPLE_SIZE:
                sample.append(SimulationSample(index=index, before=decision_out(before), after=decision_out(after)))
    transitions = [Transition(before=b, after=a, count=n) for (b, a), n in sorted(moves.items(), key=str)]
    changed = sum(n for (b, a), n in moves.items() if b is not None and b is not a)
    return SimulationReport(
        evaluated=len(facts), changed=changed, better=better, worse=worse, transitions=transitions, sample=sample
    )


def _safe(policy: CompiledPolicy, facts: FactSet, payment_for: PaymentFor) -> PolicyDecision:
    try:
        return evaluate_fact_set(policy, facts, payment_for)
    except PolicyEvaluationError as exc:
        raise ValidationError.one("model", str(exc)) from None


def _no_open_draft(existing: Sequence[PolicyVersion], code: str) -> None:
    draft = next((v for v in existing if v.status == PolicyStatus.DRAFT.value), None)
    if draft is not None:
        raise ConflictError(f"Version {draft.version} of the {code} policy is already a draft; edit it instead")


def _require(row: PolicyVersion, status: PolicyStatus, verb: str) -> None:
    if row.status != status.value:
        raise ConflictError(f"Version {row.version} is {row.status}; only a {status.value} version can be {verb}")


def _new_row(product_id: uuid.UUID, number: int, document: PolicyDocument, actor: uuid.UUID | None) -> PolicyVersion:
    return PolicyVersion(
        id=uuid.uuid4(),
        product_id=product_id,
        version=number,
        status=PolicyStatus.DRAFT.value,
        name=document.name,
        description=document.description,
        model=document.model,
        test_cases=[msgspec.to_builtins(case) for case in document.test_cases],
        created_by=actor,
        updated_at=datetime.now(UTC),
    )


def _document(row: PolicyVersion) -> PolicyDocument:
    return PolicyDocument(
        name=row.name,
        model=row.model,
        test_cases=[msgspec.convert(c, PolicyTestCaseIn) for c in row.test_cases],
        description=row.description,
    )


def _summary(row: PolicyVersion) -> PolicyVersionSummary:
    return PolicyVersionSummary(
        version=row.version,
        status=PolicyStatus(row.status),
        name=row.name,
        created_at=row.created_at,
        activated_at=row.activated_at,
        retired_at=row.retired_at,
    )


def _read(code: str, row: PolicyVersion) -> PolicyVersionRead:
    return PolicyVersionRead(
        product_code=code,
        version=row.version,
        status=PolicyStatus(row.status),
        name=row.name,
        description=row.description,
        model=row.model,
        test_cases=[msgspec.convert(c, PolicyTestCaseIn) for c in row.test_cases],
        reads=sorted(parse_model(row.model).reads),
        created_at=row.created_at,
        activated_at=row.activated_at,
        retired_at=row.retired_at,
    )
