"""Quotes and APRs: wire types in, ``loan_engine.finance`` in the middle, wire types out.

The HTTP controller and the CLI both call these functions, so a quote is computed by one code path
whichever way it is asked for. Every invalid input becomes a 422 naming the request field.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

import msgspec

from loan_engine.errors import FieldError, ValidationError
from loan_engine.finance.apr import (
    AprResult,
    DatedFlow,
    Flow,
    Unit,
    UnitPeriod,
    apr_from_dates,
    apr_from_flows,
)
from loan_engine.finance.calendar import parse_frequency
from loan_engine.finance.daycount import DayCount
from loan_engine.finance.disclosure import Disclosure, disclose
from loan_engine.finance.errors import FinanceInputError
from loan_engine.finance.kernel import compiled
from loan_engine.finance.money import RoundingMode, currency, to_minor_units
from loan_engine.finance.schedule import Schedule, build_schedule
from loan_engine.finance.terms import Amortization, Fee, InterestMethod, LoanTerms, OddDaysInterest
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

__all__ = ["apr", "price", "quote", "quote_csv", "quote_json"]

_ZERO: Final = Decimal(0)
_ENCODE: Final = msgspec.json.Encoder().encode
APR_PLACES: Final = Decimal("0.000001")  # POST /api/apr: a precision tool
DISCLOSED_APR_PLACES: Final = Decimal("0.0001")  # disclosed: 6.5000, not 6.499999
FRACTION_PLACES: Final = Decimal("1e-12")
CSV_HEADER: Final = "number,dueDate,payment,principal,interest,fees,balance"

# The request's Literal fields are already validated by msgspec; these map them to the enums
# without going through the (slow) Enum constructor.
_AMORTIZATION: Final = {m.value: m for m in Amortization}
_INTEREST: Final = {m.value: m for m in InterestMethod}
_DAY_COUNT: Final = {m.value: m for m in DayCount}
_ODD_DAYS: Final = {m.value: m for m in OddDaysInterest}
_ROUNDING: Final = {m.value: m for m in RoundingMode}

# finance attribute names that differ from the request's camelCase names
_WIRE_NAMES: Final = {"term": "termPeriods", "rounding": "roundingMode", "on": "date"}


def wire_field(name: str) -> str:
    """``fees.0.amount`` stays; ``first_payment_date`` -> ``firstPaymentDate``; ``term`` -> ``termPeriods``."""
    parts = [_WIRE_NAMES.get(part, part) for part in name.split(".")]
    return ".".join(re.sub(r"_([a-z])", lambda m: m.group(1).upper(), part) for part in parts)


def _invalid(exc: FinanceInputError) -> ValidationError:
    return ValidationError([FieldError(wire_field(exc.field), exc.message)])


def _terms(request: QuoteRequest, today: date) -> LoanTerms:
    cur = currency(request.currency)
    fees = tuple(Fee(fee.name, Decimal(fee.amount), fee.financed) for fee in request.fees) if request.fees else ()
    return LoanTerms(
        principal=Decimal(request.principal),
        annual_rate=Decimal(request.annual_rate).scaleb(-2),
        term=request.term_periods,
        start_date=request.start_date or today,
        frequency=parse_frequency(request.frequency),
        amortization=_AMORTIZATION[request.amortization],
        first_payment_date=request.first_payment_date,
        interest_method=_INTEREST[request.interest_method],
        day_count=_DAY_COUNT[request.day_count],
        odd_days_interest=_ODD_DAYS[request.odd_days_interest],
        balloon_amount=None if request.balloon_amount is None else Decimal(request.balloon_amount),
        amortization_term=request.amortization_term,
        fees=fees,
        currency=cur,
        rounding=_ROUNDING[request.rounding_mode],
        installment_multiple=(None if request.installment_multiple is None else Decimal(request.installment_multiple)),
    )


def price(request: QuoteRequest, today: date) -> tuple[Schedule, Disclosure]:
    """The schedule and its Truth-in-Lending figures; ``today`` is the default start date."""
    try:
        schedule = build_schedule(_terms(request, today))
        return schedule, disclose(schedule)
    except FinanceInputError as exc:
        raise _invalid(exc) from None


def quote(request: QuoteRequest, today: date) -> QuoteResponse:
    """POST /api/quotes as a typed response (the CLI's path; JSON for HTTP is ``quote_json``)."""
    schedule, box = price(request, today)
    return _response(schedule, box, _rows(schedule))


def quote_json(request: QuoteRequest, today: date) -> bytes:
    """POST /api/quotes as JSON bytes: ``msgspec.json.encode(quote(request, today))``, with the schedule
    written by the compiled kernel when it computed it (tests/unit/quotes check the bytes are equal)."""
    schedule, box = price(request, today)
    rows = schedule.parts.rows
    if rows is None or compiled is None:
        return _ENCODE(_response(schedule, box, _rows(schedule)))
    cur = schedule.terms.currency
    payments = schedule.payments  # the first and last installments may differ; all between are level
    first, level, last = (to_minor_units(p, cur) for p in (payments[0], payments[len(payments) // 2], payments[-1]))
    written = compiled.schedule_json(rows, schedule.due_dates, first, level, last, cur.minor_units)
    # msgspec writes a Raw value verbatim; structs.replace does not check field types.
    return _ENCODE(msgspec.structs.replace(_response(schedule, box, []), schedule=msgspec.Raw(written)))


def _rows(schedule: Schedule) -> list[Row]:
    quantum = schedule.terms.currency.quantum
    n = len(schedule)
    return list(
        map(
            Row,
            range(1, n + 1),
            schedule.due_dates,
            _strings(schedule.payments),
            map(_text, schedule.principal),
            map(_text, schedule.interest),
            [str(_ZERO.quantize(quantum))] * n,
            map(_text, schedule.balances),
        )
    )


def _response(schedule: Schedule, box: Disclosure, rows: list[Row]) -> QuoteResponse:
    terms = schedule.terms
    quantum = terms.currency.quantum
    loan_amount = terms.loan_amount.quantize(quantum)
    totals = Totals(
        payments=box.total_of_payments,
        principal=loan_amount,
        interest=box.total_of_payments - loan_amount,
        fees=(terms.fees_at_closing + terms.financed_fees).quantize(quantum),
    )
    disclosure = DisclosureOut(
        apr=box.apr.quantize(DISCLOSED_APR_PLACES, ROUND_HALF_UP),
        finance_charge=box.finance_charge,
        amount_financed=box.amount_financed.quantize(quantum),
        total_of_payments=box.total_of_payments,
    )
    return QuoteResponse(
        currency=terms.currency.code,
        payment=schedule.regular_payment,
        prepaid_interest=schedule.prepaid_interest.quantize(quantum),
        schedule=rows,
        totals=totals,
        disclosure=disclosure,
    )


# For amounts quantized to a minor unit (exponent 0 to -4) the engineering string is the plain
# string (no exponent is ever needed), and Decimal.to_eng_string is measurably faster than str().
_text: Final = Decimal.to_eng_string


def _strings(column: tuple[Decimal, ...]) -> list[str]:
    """Decimal strings of a column; a level column (one shared value between its first and last
    entries) is formatted once."""
    n = len(column)
    if n > 3:
        level = column[1]
        middle = column[1 : n - 1]
        if middle.count(level) == n - 2:
            out = [_text(level)] * n
            out[0], out[-1] = _text(column[0]), _text(column[-1])
            return out
    return list(map(_text, column))


def quote_csv(request: QuoteRequest, today: date) -> str:
    """POST /api/quotes with ``Accept: text/csv``: the schedule, one installment per line."""
    schedule, _ = price(request, today)
    lines = [CSV_HEADER]
    lines.extend(
        f"{row.number},{row.due_date.isoformat()},{row.payment},{row.principal},{row.interest},{row.fees},{row.balance}"
        for row in schedule.installments()
    )
    return "\r\n".join(lines) + "\r\n"


# --- POST /api/apr ------------------------------------------------------------------------------


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
        unit = UnitPeriod(Unit(request.unit_period.unit), request.unit_period.count)
    if advance_form == "date":
        return apr_from_dates(_dated(request.advances), _dated(request.payments), unit)
    return apr_from_flows(_placed(request.advances), _placed(request.payments), unit or UnitPeriod(Unit.MONTH))


def apr(request: AprRequest) -> AprResponse:
    """POST /api/apr: the Appendix J APR of any advances and payments."""
    try:
        result = _solve(request)
    except FinanceInputError as exc:
        raise _invalid(exc) from None
    flows = [_flow_out("advance", flow) for flow in result.advances()]
    flows.extend(_flow_out("payment", flow) for flow in result.payments())
    unit = result.unit_period
    return AprResponse(
        apr=result.apr.quantize(APR_PLACES, ROUND_HALF_UP),
        unit_period=UnitPeriodOut(unit.unit.value, unit.count),
        unit_periods_per_year=unit.per_year.quantize(FRACTION_PLACES).normalize(),
        regular=result.regular,
        flows=flows,
    )


def _flow_out(kind: str, flow: Flow) -> FlowOut:
    fraction = flow.fraction.quantize(FRACTION_PLACES).normalize() if flow.fraction else Decimal(0)
    return FlowOut(kind, flow.amount, flow.periods, fraction)  # type: ignore[arg-type]
