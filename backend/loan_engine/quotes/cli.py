"""`loan-engine quote …` and `loan-engine apr -`: the pricing API on the command line.

Both go through ``loan_engine.quotes.service``, the code path of POST /api/quotes and /api/apr.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from typing import IO, Any

import click
import msgspec

from loan_engine.errors import ValidationError
from loan_engine.quotes import service
from loan_engine.quotes.schemas import AprRequest, FeeIn, QuoteRequest, QuoteResponse

EXIT_INVALID = 2
_CHOICES = {
    "amortization": ["level-payment", "level-principal", "interest-only", "balloon"],
    "interest_method": ["periodic", "daily"],
    "day_count": ["30/360", "30E/360", "actual/365", "actual/360", "actual/actual"],
    "rounding": ["half-even", "half-up", "down", "up"],
    "odd_days": ["first-installment", "prepaid"],
}


def _fail(error: ValidationError | msgspec.ValidationError | msgspec.DecodeError) -> None:
    if isinstance(error, ValidationError):
        for item in error.errors:
            click.echo(f"loan-engine: invalid input: {item.field}: {item.message}", err=True)
    else:
        click.echo(f"loan-engine: invalid request: {error}", err=True)
    sys.exit(EXIT_INVALID)


def _read(source: IO[bytes], kind: type[Any]) -> Any:
    try:
        return msgspec.json.decode(source.read(), type=kind)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        _fail(exc)


def _print_json(value: object) -> None:
    click.echo(msgspec.json.format(msgspec.json.encode(value), indent=2).decode())


def _fee(text: str) -> FeeIn:
    """``NAME=AMOUNT`` or ``NAME=AMOUNT:financed``."""
    name, _, rest = text.partition("=")
    amount, _, flag = rest.partition(":")
    if not name or not amount or flag not in ("", "financed"):
        raise click.BadParameter(f"{text!r}: expected NAME=AMOUNT or NAME=AMOUNT:financed", param_hint="--fee")
    return FeeIn(name=name, amount=amount, financed=flag == "financed")


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
    return QuoteRequest(
        principal=options["principal"],
        annual_rate=options["rate"],
        term_periods=options["term"],
        frequency=options["frequency"],
        amortization=options["amortization"],
        interest_method=options["interest_method"],
        day_count=options["day_count"],
        start_date=options["start_date"].date() if options["start_date"] else None,
        first_payment_date=options["first_payment_date"].date() if options["first_payment_date"] else None,
        balloon_amount=options["balloon_amount"],
        amortization_term=options["amortization_term"],
        odd_days_interest=options["odd_days"],
        fees=[_fee(text) for text in options["fee"]],
        currency=options["currency"],
        rounding_mode=options["rounding"],
        installment_multiple=options["multiple"],
    )


@click.command("quote")
@click.argument("source", type=click.File("rb"), required=False)
@click.option("--principal", help="Amount lent, e.g. 250000.")
@click.option("--rate", help="Annual rate in percent, e.g. 6.5.")
@click.option("--term", type=int, help="Number of installments, e.g. 360.")
@click.option("--frequency", default="monthly", show_default=True, help="monthly, biweekly, every-2-weeks …")
@click.option("--amortization", type=click.Choice(_CHOICES["amortization"]), default="level-payment")
@click.option("--interest-method", type=click.Choice(_CHOICES["interest_method"]), default="periodic")
@click.option("--day-count", type=click.Choice(_CHOICES["day_count"]), default="30/360")
@click.option("--start-date", type=click.DateTime(["%Y-%m-%d"]), help="Default: today (UTC).")
@click.option("--first-payment-date", type=click.DateTime(["%Y-%m-%d"]), help="Default: one period after the start.")
@click.option("--balloon-amount", help="Balloon owed after the term (balloon amortization).")
@click.option("--amortization-term", type=int, help="Longer term the installment is computed over (balloon).")
@click.option("--odd-days", type=click.Choice(_CHOICES["odd_days"]), default="first-installment")
@click.option("--fee", multiple=True, help="NAME=AMOUNT, or NAME=AMOUNT:financed (repeatable).")
@click.option("--currency", default="USD", show_default=True)
@click.option("--rounding", type=click.Choice(_CHOICES["rounding"]), default="half-up", show_default=True)
@click.option("--multiple", help="Round the installment to this multiple, e.g. 1 for whole units.")
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
        _fail(exc)
        return
    if fmt == "json":
        _print_json(response)
    else:
        click.echo(_table(response))


@click.command("apr")
@click.argument("source", type=click.File("rb"))
def apr(source: IO[bytes]) -> None:
    """`loan-engine apr -`: read the POST /api/apr JSON on stdin, print the response JSON."""
    request: AprRequest = _read(source, AprRequest)
    try:
        _print_json(service.apr(request))
    except ValidationError as exc:
        _fail(exc)
