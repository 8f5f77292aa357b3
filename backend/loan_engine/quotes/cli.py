"""`loan-engine quote …` and `loan-engine apr -`: the pricing API on the command line.

Both go through ``loan_engine.quotes.service``, the code path of POST /api/quotes and /api/apr. A bad
option is a usage error: one line on stderr ("Error: Invalid value for '--rate': …") and exit code 2,
never a traceback. Options are parsed by click types (decimals, frequencies, the finance enums), and
what only the request schema or the loan math can refuse is reported against the option it came from.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import IO, TYPE_CHECKING, Any, Final, NoReturn, TypeVar

import click
import msgspec
from litestar.exceptions import ValidationException

from loan_engine.errors import FieldError, ValidationError, to_loan_engine_error
from loan_engine.finance.calendar import FrequencyName, parse_frequency
from loan_engine.finance.daycount import DayCount
from loan_engine.finance.errors import FinanceInputError
from loan_engine.finance.money import RoundingMode
from loan_engine.finance.terms import Amortization, InterestMethod, OddDaysInterest
from loan_engine.quotes import service
from loan_engine.quotes.schemas import AprRequest, QuoteRequest, QuoteResponse

EXIT_INVALID = 2
T = TypeVar("T")
# click's ParamType is generic (in the type convert returns) from click 8.4; the bases stay plain at run time
# so that older releases, which pyproject.toml allows, import this module too.
if TYPE_CHECKING:
    StrParam = click.ParamType[str]
    FeeParam = click.ParamType[dict[str, Any]]
else:
    StrParam = FeeParam = click.ParamType

# The request field each option fills (errors about a field are reported against its option).
OPTION_OF_FIELD: Final = {
    "principal": "--principal",
    "annualRate": "--rate",
    "termPeriods": "--term",
    "frequency": "--frequency",
    "amortization": "--amortization",
    "interestMethod": "--interest-method",
    "dayCount": "--day-count",
    "startDate": "--start-date",
    "firstPaymentDate": "--first-payment-date",
    "balloonAmount": "--balloon-amount",
    "amortizationTerm": "--amortization-term",
    "oddDaysInterest": "--odd-days",
    "fees": "--fee",
    "currency": "--currency",
    "roundingMode": "--rounding",
    "installmentMultiple": "--multiple",
}
FEE_FLAGS: Final = ("financed", "not-finance-charge")


class DecimalType(StrParam):
    """A decimal number (``6.5``, ``250000``), given back as the plain decimal string the API takes."""

    name = "decimal"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            self.fail(f"{value!r} is not a decimal number; write 6.5, not 6,5", param, ctx)
        if not number.is_finite():
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return format(number, "f")


class FrequencyType(StrParam):
    """A ``FrequencyName`` or every-N-days/weeks/months."""

    name = "frequency"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            parse_frequency(str(value))
        except FinanceInputError as exc:
            self.fail(exc.message, param, ctx)
        return str(value)


class FeeType(FeeParam):
    """``NAME=AMOUNT``, optionally followed by ``:financed`` and/or ``:not-finance-charge``."""

    name = "fee"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dict[str, Any]:
        text = str(value)
        name, _, rest = text.partition("=")
        amount, *flags = rest.split(":")
        if not name or not amount or any(flag not in FEE_FLAGS for flag in flags):
            self.fail(f"{text!r}: expected NAME=AMOUNT[:financed][:not-finance-charge]", param, ctx)
        return {
            "name": name,
            "amount": DecimalType().convert(amount, param, ctx),
            "financed": "financed" in flags,
            "financeCharge": "not-finance-charge" not in flags,
        }


class UsageLine(click.ClickException):
    """A usage error shown as one line ("Error: ..."), exit code 2."""

    exit_code = EXIT_INVALID


class OneLineUsage(click.Command):
    """A command whose usage errors are one line instead of click's block (usage, hint, error)."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.UsageError as exc:
            raise self._one_line(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise self._one_line(exc) from None

    def _one_line(self, exc: click.UsageError) -> UsageLine:
        return UsageLine(f"{exc.format_message()} (see: loan-engine {self.name} --help)")


def _choice(kind: type[StrEnum]) -> click.Choice[str]:
    """The values of a finance enum (its wire names: ``level-payment``, ``30/360`` ...)."""
    return click.Choice([member.value for member in kind])


def _request_error(exc: msgspec.DecodeError) -> ValidationError:
    """A msgspec message read the way the API reads it: the field's path, a pattern's meaning."""
    if not isinstance(exc, msgspec.ValidationError):  # the JSON itself is malformed
        return ValidationError.one("", f"not valid JSON: {exc}")
    error = to_loan_engine_error(ValidationException(extra=[{"message": str(exc), "key": ""}]))
    return error if isinstance(error, ValidationError) else ValidationError.one("", str(exc))


def _fail(error: ValidationError) -> NoReturn:
    """Invalid JSON input: one line per error, exit 2."""
    for item in error.errors:
        where = f"{item.field}: " if item.field else ""
        click.echo(f"loan-engine: invalid input: {where}{item.message}", err=True)
    sys.exit(EXIT_INVALID)


def _usage_error(item: FieldError) -> click.BadParameter:
    """Invalid flags: click's usage error, against the option the field came from."""
    option = OPTION_OF_FIELD.get(item.field.split(".")[0], item.field)
    return click.BadParameter(item.message, param_hint=f"'{option}'")


def _read(source: IO[bytes], kind: type[T]) -> T:
    try:
        return msgspec.json.decode(source.read(), type=kind)
    except msgspec.DecodeError as exc:  # ValidationError included
        _fail(_request_error(exc))


def _print_json(value: object) -> None:
    click.echo(msgspec.json.format(msgspec.json.encode(value), indent=2).decode())


def _table(response: QuoteResponse) -> str:
    box = response.disclosure
    lines = [
        f"Payment            {response.payment} {response.currency}",
        f"APR                {box.apr} %",
        f"Finance charge     {box.finance_charge}",
        f"Amount financed    {box.amount_financed}",
        f"Total of payments  {box.total_of_payments}",
        f"Total interest     {response.totals.interest}",
        f"Prepaid interest   {response.prepaid_interest}",
        "",
        f"{'#':>5}  {'due':10}  {'payment':>14}  {'principal':>14}  {'interest':>12}  {'balance':>16}",
    ]
    lines.extend(
        f"{row.number:>5}  {row.due_date.isoformat()}  {row.payment!s:>14}  {row.principal!s:>14}  "
        f"{row.interest!s:>12}  {row.balance!s:>16}"
        for row in response.schedule
    )
    return "\n".join(lines)


def _request_from_flags(options: dict[str, Any]) -> QuoteRequest:
    missing = [name for name in ("principal", "rate", "term") if options[name] is None]
    if missing:
        raise click.UsageError(f"missing {', '.join('--' + m for m in missing)} (or pass - to read JSON on stdin)")
    start, first = options["start_date"], options["first_payment_date"]
    body = {
        "principal": options["principal"],
        "annualRate": options["rate"],
        "termPeriods": options["term"],
        "frequency": options["frequency"],
        "amortization": options["amortization"],
        "interestMethod": options["interest_method"],
        "dayCount": options["day_count"],
        "startDate": start.date() if start else None,
        "firstPaymentDate": first.date() if first else None,
        "balloonAmount": options["balloon_amount"],
        "amortizationTerm": options["amortization_term"],
        "oddDaysInterest": options["odd_days"],
        "fees": list(options["fee"]),
        "currency": options["currency"],
        "roundingMode": options["rounding"],
        "installmentMultiple": options["multiple"],
    }
    try:  # convert, not the constructor: the schema's constraints (patterns, lengths) apply as in the API
        return msgspec.convert({k: v for k, v in body.items() if v is not None}, QuoteRequest)
    except msgspec.ValidationError as exc:
        raise _usage_error(_request_error(exc).errors[0]) from None


@click.command("quote", cls=OneLineUsage)
@click.argument("source", type=click.File("rb"), required=False)
@click.option("--principal", type=DecimalType(), help="Amount lent, e.g. 250000.")
@click.option("--rate", type=DecimalType(), help="Annual rate in percent, e.g. 6.5.")
@click.option("--term", type=int, help="Number of installments, e.g. 360.")
@click.option(
    "--frequency",
    type=FrequencyType(),
    default=FrequencyName.MONTHLY.value,
    show_default=True,
    help=f"{', '.join(FrequencyName)}, or every-N-days, every-N-weeks, every-N-months.",
)
@click.option("--amortization", type=_choice(Amortization), default=Amortization.LEVEL_PAYMENT.value)
@click.option("--interest-method", type=_choice(InterestMethod), default=InterestMethod.PERIODIC.value)
@click.option("--day-count", type=_choice(DayCount), default=DayCount.THIRTY_360_US.value)
@click.option("--start-date", type=click.DateTime(["%Y-%m-%d"]), help="Default: today (UTC).")
@click.option("--first-payment-date", type=click.DateTime(["%Y-%m-%d"]), help="Default: one period after the start.")
@click.option("--balloon-amount", type=DecimalType(), help="Balloon owed after the term (balloon amortization).")
@click.option("--amortization-term", type=int, help="Longer term the installment is computed over (balloon).")
@click.option("--odd-days", type=_choice(OddDaysInterest), default=OddDaysInterest.FIRST_INSTALLMENT.value)
@click.option(
    "--fee",
    type=FeeType(),
    multiple=True,
    help="NAME=AMOUNT, optionally :financed and/or :not-finance-charge (e.g. appraisal=450:not-finance-charge); "
    "repeatable.",
)
@click.option("--currency", default="USD", show_default=True)
@click.option("--rounding", type=_choice(RoundingMode), default=RoundingMode.HALF_UP.value, show_default=True)
@click.option("--multiple", type=DecimalType(), help="Round the installment to this multiple, e.g. 1 for whole units.")
@click.option("--format", "output", type=click.Choice(["table", "json", "csv"]), help="Default: table (json for -).")
def quote(source: IO[bytes] | None, output: str | None, **options: Any) -> None:
    """Price a loan. `loan-engine quote -` reads the POST /api/quotes JSON on stdin and prints the
    response JSON; otherwise the flags describe the loan."""
    request = _read(source, QuoteRequest) if source is not None else _request_from_flags(options)
    today: date = datetime.now(UTC).date()
    fmt = output or ("json" if source is not None else "table")
    try:
        if fmt == "csv":
            click.echo(service.quote_csv(request, today), nl=False)
            return
        response = service.quote(request, today)
    except ValidationError as exc:
        if source is not None:
            _fail(exc)
        raise _usage_error(exc.errors[0]) from None
    except service.WorkLimitExceededError as exc:
        _too_much(exc)
    if fmt == "json":
        _print_json(response)
    else:
        click.echo(_table(response))


@click.command("apr", cls=OneLineUsage)
@click.argument("source", type=click.File("rb"))
def apr(source: IO[bytes]) -> None:
    """`loan-engine apr -`: read the POST /api/apr JSON on stdin, print the response JSON."""
    request = _read(source, AprRequest)
    try:
        _print_json(service.apr(request))
    except ValidationError as exc:
        _fail(exc)
    except service.WorkLimitExceededError as exc:
        _too_much(exc)


def _too_much(exc: service.WorkLimitExceededError) -> NoReturn:
    click.echo(f"loan-engine: too much work: {exc.detail}", err=True)
    sys.exit(EXIT_INVALID)
