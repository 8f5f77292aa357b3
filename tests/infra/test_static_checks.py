"""Deployment assets checked offline: task definition, workflows, the SPA rule, config (templates elsewhere)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]

from loan_infra.aws import Aws
from loan_infra.cli import main
from loan_infra.config import Config, load_config
from loan_infra.errors import ConfigError
from loan_infra.render import read_text, render, validate_request
from loan_infra.secrets import AppSecrets, SecretRef
from loan_infra.taskdefs import render_task_definition

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "infra-scripts" / "templates"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
EXAMPLE_CONFIG = ROOT / "infra-scripts" / "loan-infra.example.toml"
ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:loan-engine/test/{}-AbCdEf"


class OfflineAws(Aws):
    """Enough of `Aws` to render documents without calling anything."""

    account_id = "123456789012"


def example_config() -> Config:
    return load_config(str(EXAMPLE_CONFIG), ["github.repository=example-org/loan-engine"])


def app_secrets() -> AppSecrets:
    db, jwt = ARN.format("database-url"), ARN.format("jwt")
    return AppSecrets(
        (
            SecretRef("DATABASE_URL", db, db, "secretsmanager"),
            SecretRef("JWT_SECRET", f"{jwt}:JWT_SECRET::", jwt, "secretsmanager"),
            SecretRef("JWT_PREVIOUS_SECRET", f"{jwt}:JWT_PREVIOUS_SECRET::", jwt, "secretsmanager"),
        )
    )


def rendered_task_definition() -> dict[str, Any]:
    aws = OfflineAws("eu-west-1")
    return render_task_definition(
        aws,
        example_config(),
        image="123456789012.dkr.ecr.eu-west-1.amazonaws.com/loan-engine/api:0f1e2d3c",
        secrets=app_secrets().container_secrets(),
        execution_role="arn:aws:iam::123456789012:role/x",
        task_role="arn:aws:iam::123456789012:role/y",
    )


# --- task definition ---------------------------------------------------------------------------


def test_rendered_task_definition_is_valid_input_for_register_task_definition() -> None:
    document = rendered_task_definition()

    validate_request("ecs", "RegisterTaskDefinition", document)  # raises on any shape error
    assert "${" not in json.dumps(document)
    container = document["containerDefinitions"][0]
    assert container["healthCheck"]["command"][-1].endswith("/health/live', timeout=3)")
    assert container["stopTimeout"] == 60
    assert container["logConfiguration"]["options"]["awslogs-group"] == "/ecs/loan-engine-test"


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (
            lambda d: d["containerDefinitions"][0].update(secretz=[]),
            r'Unknown parameter in containerDefinitions\[0\]: "secretz"',
        ),
        (lambda d: d["containerDefinitions"][0]["portMappings"][0].update(containerPort="8000"), "Invalid type"),
    ],
)
def test_botocore_validation_catches_a_broken_task_definition(tamper: Any, message: str) -> None:
    document = rendered_task_definition()
    tamper(document)

    with pytest.raises(ConfigError, match=message):
        validate_request("ecs", "RegisterTaskDefinition", document)


def test_rendering_refuses_to_leave_a_placeholder_unfilled() -> None:
    with pytest.raises(ConfigError, match=r"no value for placeholder.*IMAGE"):
        render(json.loads(read_text("task-definition.json")), {"FAMILY": "x"})


# --- CloudFormation, workflows --------------------------------------------------------------------


# cfn-lint and the GitHub workflow schema are linters: `make lint` runs them (once), not these tests.


def test_the_three_workflows_exist() -> None:
    assert [p.name for p in WORKFLOWS] == ["ci.yml", "deploy-api.yml", "deploy-web.yml"]


def test_every_action_is_pinned_to_a_commit_sha_with_its_release_named() -> None:
    for path in WORKFLOWS:
        for line in path.read_text(encoding="utf-8").splitlines():
            if "uses:" in line:
                assert re.search(r"uses: [\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), (path.name, line)


@pytest.mark.parametrize("name", ["deploy-api.yml", "deploy-web.yml"])
def test_deploy_workflows_are_serialised_least_privileged_and_bounded(name: str) -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    [job] = workflow["jobs"].values()

    assert workflow["permissions"] == {"contents": "read"}
    assert job["permissions"] == {"contents": "read", "id-token": "write"}
    assert workflow["concurrency"]["cancel-in-progress"] is False
    assert job["environment"]["name"] == "test"
    assert job["timeout-minutes"] <= 55, "stay inside the 1 h OIDC session"
    assert workflow[True]["workflow_dispatch"]["inputs"], "manual run with a rollback input"  # yaml reads `on` as True
    text = json.dumps(workflow)
    assert "aws-access-key-id" not in text
    assert "AWS_SECRET_ACCESS_KEY" not in text


# --- the CloudFront function, run by Node ----------------------------------------------------------


def test_spa_rewrite_serves_the_shell_for_routes_and_leaves_files_alone() -> None:
    node = shutil.which("node")
    assert node, "Node.js is required (it builds the web app too)"
    script = (
        read_text("spa-rewrite.js")
        + """
const uris = ["/", "/loans/42", "/apply/step-2/", "/assets/index-3f9a.js", "/favicon.ico", "/robots.txt"];
console.log(JSON.stringify(uris.map((uri) => handler({ request: { uri } }).uri)));
"""
    )
    result = subprocess.run([node, "-e", script], capture_output=True, text=True, timeout=30, check=True)

    assert json.loads(result.stdout) == [
        "/index.html",
        "/index.html",
        "/index.html",
        "/assets/index-3f9a.js",
        "/favicon.ico",
        "/robots.txt",
    ]


# --- configuration and the CLI -------------------------------------------------------------------


def test_example_config_loads_and_names_follow_app_and_environment() -> None:
    config = example_config()

    assert config.names.service == "loan-engine-test-api"
    assert config.names.repository == "loan-engine/api"
    assert config.network.subnets == ("subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb")


def test_unknown_config_key_is_a_one_line_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('region = "eu-west-1"\n[ecs]\ndesired_cont = 2\n', encoding="utf-8")

    code = main(["status", "--config", str(bad)])

    assert code == 2
    assert capsys.readouterr().err == "loan-infra: error: unknown config key ecs.desired_cont\n"


def test_set_overrides_the_file_and_parses_toml_values() -> None:
    config = load_config(str(EXAMPLE_CONFIG), ["ecs.desired_count=1", "network.subnets=subnet-1,subnet-2"])

    assert config.ecs.desired_count == 1
    assert config.network.subnets == ("subnet-1", "subnet-2")
