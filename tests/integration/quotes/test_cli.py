"""`loan-engine quote` and `loan-engine apr`: the same code path as the API, on the command line."""

from __future__ import annotations

import json

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
