"""`loan-engine quote` and `loan-engine apr`: the same code path as the API, on the command line."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from loan_engine.cli import main

REQUEST = {"principal": "200000", "annualRate": "6.5", "termPeriods": 360, "startDate": "2025-01-01"}


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_quote_from_flags_prints_a_summary_and_table() -> None:
    code, out, _ = run("quote", "--principal", "250000", "--rate", "6.5", "--term", "360", "--start-date", "2025-01-01")
    assert code == 0
    assert "Payment            1580.17 USD" in out
    assert "APR" in out
    lines = [line for line in out.splitlines() if line.strip().split(" ")[0].isdigit()]
    assert len(lines) == 360


def test_quote_stdin_prints_the_api_response_json() -> None:
    code, out, _ = run("quote", "-", stdin=json.dumps(REQUEST))
    assert code == 0
    response = json.loads(out)
    assert response["payment"] == "1264.14"
    assert response["disclosure"]["totalOfPayments"] == "455085.82"
    assert len(response["schedule"]) == 360


def test_quote_flags_and_formats() -> None:
    args = ["quote", "--principal", "1000", "--rate", "12", "--term", "2", "--start-date", "2025-01-01"]
    code, out, _ = run(*args, "--format", "csv", "--fee", "origination=10")
    assert code == 0
    assert out.splitlines()[0] == "number,dueDate,payment,principal,interest,fees,balance"
    code, out, _ = run(*args, "--format", "json", "--fee", "origination=10:financed")
    assert json.loads(out)["totals"]["principal"] == "1010.00"


def test_apr_stdin() -> None:
    payload = {
        "advances": [{"amount": "1000", "date": "1978-01-03"}],
        "payments": [{"amount": "1080", "date": "1978-09-15"}],
    }
    code, out, _ = run("apr", "-", stdin=json.dumps(payload))
    assert code == 0
    assert json.loads(out)["apr"] == "11.450980"


def test_invalid_input_exits_2_naming_the_field() -> None:
    code, _, err = run("quote", "-", stdin=json.dumps({**REQUEST, "annualRate": "140"}))
    assert code == 2
    assert "annualRate" in err
    code, _, err = run("quote", "-", stdin='{"principal": 5}')
    assert code == 2
    assert "principal" in err
    code, _, err = run(
        "apr", "-", stdin='{"advances": [{"amount": "100", "periods": 0}], "payments": [{"amount": "5", "periods": 1}]}'
    )
    assert code == 2
    assert "payments" in err


def test_quote_without_principal_is_a_usage_error() -> None:
    code, _, err = run("quote", "--rate", "5")
    assert code == 2
    assert "--principal" in err


FLAGS = ["quote", "--principal", "1000", "--rate", "5", "--term", "12", "--start-date", "2025-01-01"]


def with_option(option: str, value: str) -> list[str]:
    args = list(FLAGS)
    if option in args:
        args[args.index(option) + 1] = value
    else:
        args += [option, value]
    return args


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--rate", "abc", "is not a decimal number"),
        ("--principal", "abc", "is not a decimal number"),
        ("--principal", "7,9", "write 6.5, not 6,5"),
        ("--principal", "NaN", "is not a finite number"),
        ("--principal", "0", "must be greater than zero"),
        ("--principal", "100.001", "more decimal places than USD allows"),
        ("--rate", "140", "between 0 and 100 percent"),
        ("--rate", "5.123456789", "8 decimals"),
        ("--term", "abc", "is not a valid integer"),
        ("--term", "0", "from 1 to 1200"),
        ("--frequency", "hourly", "unknown frequency"),
        ("--amortization", "negative", "is not one of"),
        ("--day-count", "bus/252", "is not one of"),
        ("--rounding", "ceiling", "is not one of"),
        ("--start-date", "2025-02-30", "does not match the format"),
        ("--first-payment-date", "2024-12-31", "after the start date"),
        ("--fee", "origination", "NAME=AMOUNT"),
        ("--fee", "origination=abc", "is not a decimal number"),
        ("--fee", "origination=10:sometimes", "NAME=AMOUNT"),
        ("--fee", "origination=5000", "less than the principal"),
        ("--currency", "usd", "ISO 4217 code"),
        ("--currency", "XXX", "unknown ISO 4217 currency"),
        ("--multiple", "abc", "is not a decimal number"),
        ("--multiple", "0.001", "multiple of the USD minor unit"),
        ("--balloon-amount", "100", "only to balloon amortization"),
    ],
)
def test_a_bad_option_is_a_one_line_usage_error(option: str, value: str, says: str) -> None:
    code, out, err = run(*with_option(option, value))
    assert code == 2, err
    assert out == ""
    assert err.count("\n") == 1, err  # one line
    assert err.startswith(f"Error: Invalid value for '{option}': "), err
    assert says in err
    assert "Traceback" not in err


def test_a_bad_option_exits_2_without_a_traceback_in_a_real_process() -> None:
    command = [sys.executable, "-c", "from loan_engine.cli import main; main()", "quote", "--rate", "abc"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "Error: Invalid value for '--rate': 'abc' is not a decimal number; write 6.5, not 6,5 "
        "(see: loan-engine quote --help)"
    ]


def test_fees_that_are_not_finance_charges_from_the_command_line() -> None:
    code, out, _ = run(*FLAGS, "--format", "json", "--fee", "appraisal=100:financed:not-finance-charge")
    assert code == 0
    quote = json.loads(out)
    assert quote["totals"]["principal"] == "1100.00"
    assert quote["disclosure"]["amountFinanced"] == "1100.00"  # lent, and not a prepaid finance charge


def test_an_apr_over_the_work_bound_is_refused_on_the_command_line() -> None:
    advances = [{"amount": "1000", "periods": 0}]
    advances += [{"amount": f"{3 + k / 1000:.3f}", "periods": 200 + k % 100} for k in range(1199)]
    lent = 1000 + sum(3 + k / 1000 for k in range(1199))
    payments = [{"amount": f"{lent * 1.05 / 1200 + k / 10000:.4f}", "periods": 1 + k % 3} for k in range(1200)]
    code, _, err = run("apr", "-", stdin=json.dumps({"advances": advances, "payments": payments}))
    assert code == 2
    assert err.startswith("loan-engine: too much work: payments: needs more than 30,000")
