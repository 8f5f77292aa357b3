"""The rules of a product version: what makes it publishable, what it charges, the terms it gives.

A loan's term is a number of payments at one of the product's frequencies; the product's limits are in
months, so ``term_months`` converts (26 biweekly payments are 12 months). Rates in a definition are
annual percentages; ``finance`` takes fractions (6.5 % is 0.065).
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Final

from loan_engine.errors import FieldError, ValidationError
from loan_engine.finance.calendar import Frequency, parse_frequency
from loan_engine.finance.disclosure import disclose
from loan_engine.finance.errors import FinanceInputError
from loan_engine.finance.money import Currency, finance_context, quantize
from loan_engine.finance.schedule import build_schedule
from loan_engine.finance.terms import Amortization, Fee, LoanTerms
from loan_engine.products.schemas import (
    FeeKind,
    FeeTreatment,
    PaymentComponent,
    ProductAmortization,
    ProductDefinition,
)

__all__ = [
    "Example",
    "check_publishable",
    "example",
    "loan_terms",
    "origination_fee",
    "problems",
    "rate_for",
    "term_months",
]

_CTX: Final = finance_context()
_TWELVE: Final = Decimal(12)
_HUNDRED: Final = Decimal(100)
_COMPONENTS: Final = frozenset(PaymentComponent)
_AMORTIZATION: Final = {
    ProductAmortization.LEVEL_PAYMENT: Amortization.LEVEL_PAYMENT,
    ProductAmortization.LEVEL_PRINCIPAL: Amortization.LEVEL_PRINCIPAL,
    ProductAmortization.INTEREST_ONLY: Amortization.INTEREST_ONLY,
}


def term_months(periods: int, frequency: Frequency) -> Decimal:
    """The length of ``periods`` payments in months: periods * 12 / periods a year."""
    with decimal.localcontext(_CTX):
        return Decimal(periods) * _TWELVE / frequency.periods_per_year


def _period_range(defn: ProductDefinition, frequency: Frequency) -> tuple[int, int]:
    """The numbers of payments at ``frequency`` whose length lies within the term limits (may be empty)."""
    per_year = frequency.periods_per_year
    with decimal.localcontext(_CTX):
        low = (Decimal(defn.term.min_months) * per_year / _TWELVE).to_integral_value(ROUND_CEILING)
        high = (Decimal(defn.term.max_months) * per_year / _TWELVE).to_integral_value(ROUND_FLOOR)
    return max(1, int(low)), int(high)


# --- publishing ---------------------------------------------------------------------------------


def problems(defn: ProductDefinition, cur: Currency) -> list[FieldError]:
    """Everything that stops this definition from ever producing a valid loan (fields under ``definition``)."""
    found: list[FieldError] = []
    for check in (_amounts, _terms, _pricing, _fees, _allocation, _delinquency, _multiple):
        found.extend(check(defn, cur))
    if not found:
        found.extend(_prices_a_loan(defn, cur))
    return [FieldError(f"definition.{e.field}", e.message) for e in found]


def check_publishable(defn: ProductDefinition, cur: Currency) -> None:
    """Raise a 422 listing every problem, or return if the version can be published."""
    found = problems(defn, cur)
    if found:
        raise ValidationError(found, detail="This version cannot produce a valid loan: " + found[0].message)


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _amounts(defn: ProductDefinition, cur: Currency) -> list[FieldError]:
    limits = defn.amount
    low, default, high = Decimal(limits.min), Decimal(limits.default), Decimal(limits.max)
    out = [
        FieldError(f"amount.{name}", f"has more decimals than {cur.code} allows ({cur.minor_units})")
        for name, value in (("min", low), ("default", default), ("max", high))
        if _decimals(value) > cur.minor_units
    ]
    if low <= 0:
        out.append(FieldError("amount.min", "must be greater than zero"))
    if low > high:
        out.append(FieldError("amount.min", f"is above the maximum ({limits.max})"))
    elif not low <= default <= high:
        out.append(FieldError("amount.default", f"must lie between the minimum and the maximum ({low} to {high})"))
    return out


def _terms(defn: ProductDefinition, cur: Currency) -> list[FieldError]:
    term = defn.term
    if term.min_months > term.max_months:
        return [FieldError("term.minMonths", f"is above the maximum ({term.max_months} months)")]
    out = []
    if not term.min_months <= term.default_months <= term.max_months:
        out.append(FieldError("term.defaultMonths", "must lie between the minimum and the maximum"))
    if len(set(defn.frequencies)) != len(defn.frequencies):
        out.append(FieldError("frequencies", "lists a frequency twice"))
    for index, name in enumerate(defn.frequencies):
        low, high = _period_range(defn, parse_frequency(name))
        if low > high:
            out.append(
                FieldError(
                    f"frequencies.{index}",
                    f"{name} payments cannot make a term of {term.min_months} to {term.max_months} months",
                )
            )
    first = parse_frequency(defn.frequencies[0])
    per_year = first.periods_per_year
    if (Decimal(term.default_months) * per_year) % _TWELVE:
        out.append(
            FieldError("term.defaultMonths", f"is not a whole number of {defn.frequencies[0]} payments (the default)")
        )
    return out


def _pricing(defn: ProductDefinition, cur: Currency) -> list[FieldError]:
    pricing = defn.pricing
    floor, ceiling = Decimal(pricing.floor), Decimal(pricing.ceiling)
    out = []
    if ceiling < floor:
        out.append(FieldError("pricing.ceiling", f"is below the floor ({pricing.floor} %)"))
    if ceiling > _HUNDRED:
        out.append(FieldError("pricing.ceiling", "must be at most 100 %"))
    if len(set(pricing.grades)) != len(pricing.grades):
        out.append(FieldError("pricing.grades", "lists a grade twice"))
    bands = [band.up_to_months for band in pricing.term_bands]
    if bands != sorted(set(bands)):
        out.append(FieldError("pricing.termBands", "must increase strictly"))
    if bands and bands[-1] < defn.term.max_months:
        out.append(
            FieldError(
                f"pricing.termBands.{len(bands) - 1}.upToMonths",
                f"the last band must reach the longest term ({defn.term.max_months} months)",
            )
        )
    columns = max(1, len(bands))
    rows = {row.grade: index for index, row in enumerate(pricing.grid)}
    for grade in pricing.grades:
        if grade not in rows:
            out.append(FieldError("pricing.grid", f"has no rates for grade {grade}"))
    for index, row in enumerate(pricing.grid):
        path = f"pricing.grid.{index}"
        if row.grade not in pricing.grades:
            out.append(FieldError(f"{path}.grade", f"{row.grade} is not one of the product's grades"))
        if len(row.rates) != columns:
            out.append(FieldError(f"{path}.rates", f"needs {columns} rate(s), one per term band"))
        for column, text in enumerate(row.rates):
            rate = Decimal(text)
            if not floor <= rate <= ceiling:
                out.append(FieldError(f"{path}.rates.{column}", f"{text} % is outside the floor and ceiling"))
    return out


def _fee_amount(path: str, kind: FeeKind, amount: str | None, percent: str | None) -> list[FieldError]:
    if kind is FeeKind.FLAT and amount is None:
        return [FieldError(f"{path}.amount", "a flat fee needs an amount")]
    if kind is FeeKind.PERCENT:
        if percent is None:
            return [FieldError(f"{path}.percent", "a percentage fee needs a percent")]
        if Decimal(percent) > _HUNDRED:
            return [FieldError(f"{path}.percent", "must be at most 100 %")]
    return []


def _fees(defn: ProductDefinition, cur: Currency) -> list[FieldError]:
    out = []
    origination = defn.fees.origination
    if origination is not None:
        path = "fees.origination"
        out.extend(_fee_amount(path, origination.kind, origination.amount, origination.percent))
        low, high = origination.min, origination.max
        if low is not None and high is not None and Decimal(low) > Decimal(high):
            out.append(FieldError(f"{path}.min", "is above the maximum"))
        if not out and origination.treatment is FeeTreatment.DEDUCTED:
            smallest = Decimal(defn.amount.min)
            fee = origination_fee(defn, smallest, cur)
            if fee is not None and fee.amount >= smallest:
                out.append(FieldError(path, "a deducted fee would take everything the smallest loan pays out"))
    late = defn.fees.late
    if late is not None:
        out.extend(_fee_amount("fees.late", late.kind, late.amount, late.percent))
    return out


def _allocation(defn: ProductDefinition, cur: Currency) -> list[FieldError]:
    out = []
    for name, order in (("pastDue", defn.allocation.past_due), ("current", defn.allocation.current)):
        missing = sorted(_COMPONENTS - set(order))
        if missing:
            out.append(FieldError(f"allocation.{name}", f"leaves out {', '.join(missing)}"))
        elif len(order) != len(_COMPONENTS):
            out.append(FieldError(f"allocation.{name}", "lists a component twice"))
    return out


def _delinquency(defn: ProductDefinition, cur: Currency) -> list[FieldError]:
    d = defn.delinquency
    if d.non_accrual_days > d.charge_off_days:
        return [FieldError("delinquency.nonAccrualDays", "must not be later than the charge-off")]
    return []


def _multiple(defn: ProductDefinition, cur: Currency) -> list[FieldError]:
    multiple = defn.installment_multiple
    if multiple is None:
        return []
    value = Decimal(multiple)
    if value <= 0 or value % cur.quantum:
        return [FieldError("installmentMultiple", f"must be a positive multiple of the {cur.code} minor unit")]
    if defn.amortization is ProductAmortization.INTEREST_ONLY:
        return [FieldError("installmentMultiple", "does not apply to interest-only loans")]
    return []


def _prices_a_loan(defn: ProductDefinition, cur: Currency) -> list[FieldError]:
    """Price the extreme loans (smallest and largest amount, shortest and longest term, costliest grade)."""
    out = []
    worst = defn.pricing.grades[-1]
    for name in defn.frequencies:
        frequency = parse_frequency(name)
        low, high = _period_range(defn, frequency)
        for amount in (defn.amount.min, defn.amount.max):
            for periods in (low, high):
                try:
                    build_schedule(loan_terms(defn, cur, Decimal(amount), periods, name, worst, date(2026, 1, 1)))
                except (FinanceInputError, ValidationError) as exc:
                    message = f"{amount} over {periods} {name} payments cannot be priced: {exc}"
                    out.append(FieldError("pricing", message))
                    return out
    return out


# --- pricing a loan -----------------------------------------------------------------------------


def rate_for(defn: ProductDefinition, grade: str, months: Decimal) -> Decimal:
    """The annual rate in percent for ``grade`` and a term of ``months``."""
    pricing = defn.pricing
    row = next((row for row in pricing.grid if row.grade == grade), None)
    if row is None:
        raise ValidationError.one("grade", f"must be one of {', '.join(pricing.grades)}")
    column = 0
    for index, band in enumerate(pricing.term_bands):
        column = index
        if months <= band.up_to_months:
            break
    return Decimal(row.rates[column])


def origination_fee(defn: ProductDefinition, principal: Decimal, cur: Currency) -> Fee | None:
    """The origination fee for ``principal``: flat, or percent of principal (rounded to the minor unit by
    the product's rounding mode) kept within the minimum and maximum; financed or deducted as defined."""
    spec = defn.fees.origination
    if spec is None:
        return None
    if spec.kind is FeeKind.FLAT:
        amount = Decimal(spec.amount or 0)
    else:
        with decimal.localcontext(_CTX):
            amount = quantize(principal * Decimal(spec.percent or 0) / _HUNDRED, cur, defn.rounding_mode)
        if spec.min is not None:
            amount = max(amount, Decimal(spec.min))
        if spec.max is not None:
            amount = min(amount, Decimal(spec.max))
    if amount <= 0:
        return None
    return Fee(
        "origination", amount, financed=spec.treatment is FeeTreatment.FINANCED, finance_charge=spec.finance_charge
    )


def loan_terms(  # noqa: PLR0917 - the loan's terms, in the order a reader states them
    defn: ProductDefinition,
    cur: Currency,
    principal: Decimal,
    term_periods: int,
    frequency: str,
    grade: str,
    start_date: date,
    first_payment_date: date | None = None,
) -> LoanTerms:
    """The ``finance`` terms of a loan on this version; amounts, terms and frequencies outside the
    product are a 422 naming ``principal``, ``termPeriods``, ``frequency`` or ``grade``."""
    if frequency not in defn.frequencies:
        raise ValidationError.one("frequency", f"must be one of {', '.join(defn.frequencies)} for this product")
    low, high = Decimal(defn.amount.min), Decimal(defn.amount.max)
    if not low <= principal <= high:
        raise ValidationError.one("principal", f"must be between {defn.amount.min} and {defn.amount.max}")
    freq = parse_frequency(frequency)
    first, last = _period_range(defn, freq)
    if not first <= term_periods <= last:
        message = f"must be {first} to {last} {frequency} payments for this product"
        raise ValidationError.one("termPeriods", message)
    rate = rate_for(defn, grade, term_months(term_periods, freq))
    fee = origination_fee(defn, principal, cur)
    return LoanTerms(
        principal=principal,
        annual_rate=rate.scaleb(-2),
        term=term_periods,
        start_date=start_date,
        frequency=freq,
        amortization=_AMORTIZATION[defn.amortization],
        first_payment_date=first_payment_date,
        interest_method=defn.interest_method,
        day_count=defn.day_count,
        odd_days_interest=defn.odd_days_interest,
        fees=(fee,) if fee is not None else (),
        currency=cur,
        rounding=defn.rounding_mode,
        installment_multiple=None if defn.installment_multiple is None else Decimal(defn.installment_multiple),
    )


# --- advertising --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Example:
    """A representative loan, as advertising rules want it stated (Reg Z 1026.24(d)): amount, term,
    payment, and APR; priced at the costliest grade, so no borrower is shown a better deal than the
    worst one offered; plus the APR range across grades at the default amount and term."""

    amount: Decimal
    term_periods: int
    frequency: str
    rate: Decimal
    payment: Decimal
    apr: Decimal
    finance_charge: Decimal
    total_of_payments: Decimal
    apr_low: Decimal
    apr_high: Decimal


_APR_PLACES: Final = Decimal("0.01")


def example(defn: ProductDefinition, cur: Currency, start: date) -> Example:
    """The representative example at the default amount and term (first frequency)."""
    frequency = defn.frequencies[0]
    freq = parse_frequency(frequency)
    with decimal.localcontext(_CTX):
        periods = int(Decimal(defn.term.default_months) * freq.periods_per_year / _TWELVE)
    amount = Decimal(defn.amount.default)
    aprs = []
    for grade in defn.pricing.grades:
        schedule = build_schedule(loan_terms(defn, cur, amount, periods, frequency, grade, start))
        aprs.append((schedule, disclose(schedule)))
    schedule, box = aprs[-1]
    rounded = [b.apr.quantize(_APR_PLACES, ROUND_HALF_UP) for _, b in aprs]
    return Example(
        amount=amount,
        term_periods=periods,
        frequency=frequency,
        rate=schedule.terms.annual_rate.scaleb(2).normalize(),
        payment=schedule.regular_payment.amount,
        apr=rounded[-1],
        finance_charge=box.finance_charge.amount,
        total_of_payments=box.total_of_payments.amount,
        apr_low=min(rounded),
        apr_high=max(rounded),
    )
