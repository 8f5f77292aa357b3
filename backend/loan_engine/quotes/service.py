"""Quotes and APRs: wire types in, ``loan_engine.finance`` in the middle, wire types out.

The HTTP controller and the CLI both call these functions, so a quote is computed by one code path
whichever way it is asked for. Every invalid input becomes a 422 naming the request field; an APR that
needs more work than one request may ask for becomes a 422 ``work-limit-exceeded``.

The functions are synchronous and CPU-bound; ``quote_work`` and ``apr_work`` estimate, before any
computing, how much work a request asks for, so the controller can run the long ones off the event loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from itertools import repeat
from typing import Any, ClassVar, Final, Literal

from loan_engine.api.fields import wire_field
from loan_engine.errors import FieldError, LoanEngineError, ValidationError
from loan_engine.finance.apr import (
    AprResult,
    DatedFlow,
    Flow,
    Unit,
    UnitPeriod,
    apr_from_dates,
    apr_from_flows,
)
from loan_engine.finance.calendar import FrequencyName, parse_frequency
from loan_engine.finance.disclosure import Disclosure, disclose
from loan_engine.finance.errors import FinanceInputError, WorkLimitError
from loan_engine.finance.money import Money, currency
from loan_engine.finance.schedule import Schedule, build_schedule
from loan_engine.finance.terms import Amortization, Fee, InterestMethod, LoanTerms
from loan_engine.quotes.schemas import (
    AprRequest,
    AprResponse,
    DisclosureOut,
    FlowIn,
    FlowOut,
    QuoteRequest,
    QuoteResponse,
    Row,
    Totals,
    UnitPeriodOut,
)

__all__ = [
    "WorkLimitExceededError",
    "apr",
    "apr_work",
    "price",
    "price_terms",
    "quote",
    "quote_csv",
    "quote_terms",
    "quote_terms_csv",
    "quote_work",
    "terms_work",
]

APR_PLACES: Final = Decimal("0.000001")  # POST /api/apr: a precision tool
DISCLOSED_APR_PLACES: Final = Decimal("0.0001")  # disclosed: 6.5000, not 6.499999
FRACTION_PLACES: Final = Decimal("1e-12")
CSV_HEADER: Final = "number,dueDate,payment,principal,interest,fees,balance"


class WorkLimitExceededError(LoanEngineError):
    """A request asks for more computation than one request may (issue 12: no request can hog a worker)."""

    status: ClassVar[int] = 422
    type: ClassVar[str] = "work-limit-exceeded"
    title: ClassVar[str] = "Too much work for one request"

    def __init__(self, exc: WorkLimitError) -> None:
        super().__init__(f"{wire_field(exc.field)}: {exc.message}; split the flows into smaller requests")
        self.field = wire_field(exc.field)
        self.limit = exc.limit

    def extensions(self) -> dict[str, Any]:
        return {"field": self.field, "limit": self.limit}


def _invalid(exc: FinanceInputError) -> LoanEngineError:
    if isinstance(exc, WorkLimitError):
        return WorkLimitExceededError(exc)
    return ValidationError([FieldError(wire_field(exc.field), exc.message)])


PAST_YEAR_9999 = "with these dates and this frequency the schedule would run past the year 9999"


def _past_date_max(exc: Exception, field: str, message: str) -> Exception:
    """Date arithmetic that leaves Python's calendar (`date.max` is 9999-12-31: "year 10000 is out of
    range", "date value out of range") is the caller's input, a 422; any other error is raised as it is."""
    if isinstance(exc, OverflowError) or "out of range" in str(exc):
        return ValidationError.one(field, message)
    return exc


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _terms(request: QuoteRequest, today: date) -> LoanTerms:
    fees = tuple(Fee(fee.name, Decimal(fee.amount), fee.financed, fee.finance_charge) for fee in request.fees)
    return LoanTerms(
        principal=Decimal(request.principal),
        annual_rate=Decimal(request.annual_rate).scaleb(-2),
        term=request.term_periods,
        start_date=request.start_date or today,
        frequency=parse_frequency(request.frequency),
        amortization=request.amortization,
        first_payment_date=request.first_payment_date,
        interest_method=request.interest_method,
        day_count=request.day_count,
        odd_days_interest=request.odd_days_interest,
        balloon_amount=_decimal(request.balloon_amount),
        amortization_term=request.amortization_term,
        fees=fees,
        currency=currency(request.currency),
        rounding=request.rounding_mode,
        installment_multiple=_decimal(request.installment_multiple),
    )


def price(request: QuoteRequest, today: date) -> tuple[Schedule, Disclosure]:
    """The schedule and its Truth-in-Lending figures; ``today`` is the default start date."""
    try:
        return price_terms(_terms(request, today))
    except FinanceInputError as exc:
        raise _invalid(exc) from None


def price_terms(terms: LoanTerms) -> tuple[Schedule, Disclosure]:
    """The schedule and Truth-in-Lending figures of terms already built (a product's, say); invalid
    terms are a 422 naming the field."""
    try:
        schedule = build_schedule(terms)
        return schedule, disclose(schedule)
    except FinanceInputError as exc:
        raise _invalid(exc) from None
    except (OverflowError, ValueError) as exc:
        raise _past_date_max(exc, "termPeriods", PAST_YEAR_9999) from None


def quote_work(request: QuoteRequest) -> int:
    """Rough cost of a quote in steps of the schedule loop (about one installment of a level loan), before
    computing anything: one per installment; with daily interest one more per period (a day count each,
    over a balloon's longer amortization term too); and, where the APR must value installments one by one
    instead of as one run of equal payments, four more (level principal: every installment differs) or
    eight more (semimonthly: each installment is placed by its date)."""
    term = request.term_periods
    steps = term
    if request.interest_method is InterestMethod.DAILY:
        steps += request.amortization_term or term
    if request.amortization is Amortization.LEVEL_PRINCIPAL:
        steps += 4 * term
    if request.frequency == FrequencyName.SEMIMONTHLY:
        steps += 8 * term
    return steps


def terms_work(terms: LoanTerms) -> int:
    """``quote_work`` for terms already built."""
    term = terms.term
    steps = term
    if terms.interest_method is InterestMethod.DAILY:
        steps += terms.amortization_term or term
    if terms.amortization is Amortization.LEVEL_PRINCIPAL:
        steps += 4 * term
    if terms.frequency.name == FrequencyName.SEMIMONTHLY:
        steps += 8 * term
    return steps


def quote(request: QuoteRequest, today: date) -> QuoteResponse:
    """POST /api/quotes: the schedule, its totals and the Truth-in-Lending box."""
    return _response(*price(request, today))


def quote_terms(terms: LoanTerms) -> QuoteResponse:
    """POST /api/quotes/product: the same response, for terms a product version gives."""
    return _response(*price_terms(terms))


def quote_terms_csv(terms: LoanTerms) -> str:
    """POST /api/quotes/product with ``Accept: text/csv``."""
    return _csv(price_terms(terms)[0])


def _response(schedule: Schedule, box: Disclosure) -> QuoteResponse:
    terms = schedule.terms
    cur = terms.currency
    loan_amount = Money(terms.loan_amount, cur)
    total = box.total_of_payments
    return QuoteResponse(
        currency=cur.code,
        payment=schedule.regular_payment.amount,
        prepaid_interest=schedule.prepaid_interest.amount,
        schedule=_rows(schedule),
        totals=Totals(
            payments=total.amount,
            principal=loan_amount.amount,
            interest=(total - loan_amount).amount,
            fees=Money(terms.total_fees, cur).amount,
        ),
        disclosure=DisclosureOut(
            apr=box.apr.quantize(DISCLOSED_APR_PLACES, ROUND_HALF_UP),
            finance_charge=box.finance_charge.amount,
            amount_financed=box.amount_financed.amount,
            total_of_payments=total.amount,
        ),
    )


def _rows(schedule: Schedule) -> list[Row]:
    n = len(schedule)
    no_fee = str(schedule.fees[0]) if n else "0"
    return list(
        map(
            Row,
            range(1, n + 1),
            schedule.due_dates,
            _texts(schedule.payments),
            schedule.principal,
            schedule.interest,
            repeat(no_fee, n),
            schedule.balances,
        )
    )


def _texts(amounts: Sequence[Decimal]) -> list[str]:
    """``[str(a) for a in amounts]``, converting once per run of the very same object: a schedule repeats
    its level installment as one Decimal, so 360 installments take about three conversions, not 360.
    Comparing identity (not value) keeps this exactly ``str`` of each amount: an equal amount written
    differently (``1.5``, ``1.50``) is another object and gets its own text."""
    out: list[str] = []
    previous: Decimal | None = None
    text = ""
    for amount in amounts:
        if amount is not previous:
            previous, text = amount, str(amount)
        out.append(text)
    return out


def quote_csv(request: QuoteRequest, today: date) -> str:
    """POST /api/quotes with ``Accept: text/csv``: the schedule, one installment per line."""
    return _csv(price(request, today)[0])


def _csv(schedule: Schedule) -> str:
    lines = [CSV_HEADER]
    lines.extend(
        f"{row.number},{row.due_date.isoformat()},{row.payment},{row.principal},{row.interest},{row.fees},{row.balance}"
        for row in schedule.installments()
    )
    return "\r\n".join(lines) + "\r\n"


# --- POST /api/apr ------------------------------------------------------------------------------


def apr_work(request: AprRequest) -> int:
    """Rough cost of an APR before computing anything: its number of flows (the solver evaluates each
    one per iteration, up to ``finance.apr.MAX_TERM_EVALUATIONS`` in all)."""
    return len(request.advances) + len(request.payments)


def _form(kind: str, flows: list[FlowIn]) -> str | None:
    """``"date"`` or ``"periods"`` when every flow uses that form; raises on a mixture."""
    forms = set()
    for index, flow in enumerate(flows):
        dated = flow.date is not None
        placed = flow.periods is not None or flow.fraction is not None
        if dated == placed:
            raise ValidationError.one(f"{kind}.{index}", "give either date, or periods (and fraction)")
        forms.add("date" if dated else "periods")
    return forms.pop() if len(forms) == 1 else None


def _dated(flows: list[FlowIn]) -> list[DatedFlow]:
    return [DatedFlow(Decimal(flow.amount), flow.date) for flow in flows if flow.date is not None]


def _placed(flows: list[FlowIn]) -> list[Flow]:
    return [
        Flow(Decimal(flow.amount), flow.periods or 0, Decimal(flow.fraction) if flow.fraction else Decimal(0))
        for flow in flows
    ]


def _solve(request: AprRequest) -> AprResult:
    advance_form = _form("advances", request.advances)
    payment_form = _form("payments", request.payments)
    if advance_form is None or advance_form != payment_form:
        raise ValidationError.one("payments", "advances and payments must all use dates, or all periods")
    unit = None
    if request.unit_period is not None:
        unit = UnitPeriod(request.unit_period.unit, request.unit_period.count)
    if advance_form == "date":
        return apr_from_dates(_dated(request.advances), _dated(request.payments), unit)
    return apr_from_flows(_placed(request.advances), _placed(request.payments), unit or UnitPeriod(Unit.MONTH))


def apr(request: AprRequest) -> AprResponse:
    """POST /api/apr: the Appendix J APR of any advances and payments (at most
    ``finance.apr.MAX_TERM_EVALUATIONS`` evaluations of a flow)."""
    try:
        result = _solve(request)
    except FinanceInputError as exc:
        raise _invalid(exc) from None
    except (OverflowError, ValueError) as exc:
        raise _past_date_max(exc, "payments", "the flows would fall past the year 9999") from None
    flows = [_flow_out("advance", flow) for flow in result.advances()]
    flows.extend(_flow_out("payment", flow) for flow in result.payments())
    unit = result.unit_period
    return AprResponse(
        apr=result.apr.quantize(APR_PLACES, ROUND_HALF_UP),
        unit_period=UnitPeriodOut(unit.unit, unit.count),
        unit_periods_per_year=unit.per_year.quantize(FRACTION_PLACES).normalize(),
        regular=result.regular,
        flows=flows,
    )


def _flow_out(kind: Literal["advance", "payment"], flow: Flow) -> FlowOut:
    fraction = flow.fraction.quantize(FRACTION_PLACES).normalize() if flow.fraction else Decimal(0)
    return FlowOut(kind, flow.amount, flow.periods, fraction)
