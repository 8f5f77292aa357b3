"""The operator's journey against moto: bootstrap -> deploy-api -> deploy-web -> verify, and re-runs."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .conftest import CLI, PREFIX, REPOSITORY, Clients, Edge, Result, make_build


def test_bootstrap_then_both_deploys_then_verify_passes(
    cli: CLI, push_image: Callable[[str], None], edge: Edge, tmp_path: Path
) -> None:
    assert cli("bootstrap").code == 0
    push_image("0f1e2d3c")

    api = cli("deploy-api", "--image-tag", "0f1e2d3c", "--api-url", edge.url)
    assert api.code == 0, api.err
    assert "migration task" in api.out
    assert f"{PREFIX}-api is running {PREFIX}-api:2" in api.out

    web = cli("deploy-web", "--dist", str(make_build(tmp_path, "r1").root), "--release", "r1")
    assert web.code == 0, web.err
    assert "release r1 is live" in web.out

    check = cli("verify", "--api-url", edge.url, "--web-url", edge.url)
    assert check.code == 0, check.out + check.err
    assert "[FAIL]" not in check.out
    assert f"[PASS] worker service: {PREFIX}-worker:2 COMPLETED, 1/1 tasks running" in check.out
    assert "all 11 checks passed" in check.out


def stack_status(aws: Clients, part: str) -> str:
    return str(aws.cloudformation.describe_stacks(StackName=f"{PREFIX}-{part}")["Stacks"][0]["StackStatus"])


def test_bootstrap_deploys_the_stacks_and_a_second_run_changes_nothing(cli: CLI, aws: Clients) -> None:
    result = cli("bootstrap")

    assert result.code == 0, result.err
    assert stack_status(aws, "api") == "CREATE_COMPLETE"
    assert stack_status(aws, "deploy-roles") == "CREATE_COMPLETE"
    assert "add                  ApiService (AWS::ECS::Service)" in result.out
    assert "add                  WorkerService (AWS::ECS::Service)" in result.out
    assert "ECR_REPOSITORY_URI      123456789012.dkr.ecr.eu-west-1.amazonaws.com/loan-engine/api" in result.out
    assert f"API_DEPLOY_ROLE_ARN     arn:aws:iam::123456789012:role/{PREFIX}-github-api-deploy" in result.out

    repo = aws.ecr.describe_repositories(repositoryNames=[REPOSITORY])["repositories"][0]
    assert repo["imageTagMutability"] == "IMMUTABLE"
    kek = aws.secretsmanager.get_secret_value(SecretId="loan-engine/test/data-kek")["SecretString"]
    assert len(base64.b64decode(kek, validate=True)) == 32  # the app's DATA_KEK format
    assert kek not in result.out + result.err
    services = aws.ecs.describe_services(cluster=PREFIX, services=[f"{PREFIX}-api", f"{PREFIX}-worker"])["services"]
    assert [(s["serviceName"], s["desiredCount"]) for s in services] == [(f"{PREFIX}-api", 0), (f"{PREFIX}-worker", 0)]
    group = aws.elbv2.describe_target_groups(Names=[f"{PREFIX}-api"])["TargetGroups"][0]
    assert group["HealthCheckPath"] == "/health/live"
    assert services[0]["loadBalancers"][0]["targetGroupArn"] == group["TargetGroupArn"]
    [listener] = aws.elbv2.describe_listeners(LoadBalancerArn=_alb_arn(aws))["Listeners"]
    rules = aws.elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]
    [api_rule] = [r for r in rules if not r["IsDefault"]]
    assert api_rule["Actions"][0]["TargetGroupArn"] == group["TargetGroupArn"]
    groups = {g["logGroupName"]: g for g in aws.logs.describe_log_groups()["logGroups"]}
    assert set(groups) == {f"/ecs/{PREFIX}", f"/ecs/{PREFIX}-worker"}
    assert all(g["retentionInDays"] == 30 for g in groups.values())
    roles = {r["RoleName"] for r in aws.iam.list_roles()["Roles"]}
    assert {f"{PREFIX}-task-execution", f"{PREFIX}-task", f"{PREFIX}-github-web-deploy"} <= roles

    again = cli("bootstrap")

    assert again.code == 0, again.err
    assert f"[        exists] stack {PREFIX}-api (no changes)" in again.out
    assert f"[        exists] stack {PREFIX}-deploy-roles (no changes)" in again.out
    assert "bootstrap: 0 created, 0 updated, 0 deleted" in again.out


def _alb_arn(aws: Clients) -> str:
    return str(aws.elbv2.describe_load_balancers(Names=[PREFIX])["LoadBalancers"][0]["LoadBalancerArn"])


def test_bootstrap_after_a_deploy_never_puts_the_services_back_on_the_stack_revision(
    cli: CLI, bootstrapped: Result, push_image: Callable[[str], None], edge: Edge, aws: Clients
) -> None:
    push_image("0f1e2d3c")
    assert cli("deploy-api", "--image-tag", "0f1e2d3c", "--api-url", edge.url).code == 0

    changed = cli("bootstrap", "--set", "ecs.health_check_grace_seconds=90")

    assert changed.code == 0, changed.err
    assert "modify               ApiService (AWS::ECS::Service)" in changed.out
    services = aws.ecs.describe_services(cluster=PREFIX, services=[f"{PREFIX}-api", f"{PREFIX}-worker"])["services"]
    assert [(s["taskDefinition"].rsplit("/", 1)[-1], s["desiredCount"]) for s in services] == [
        (f"{PREFIX}-api:2", 2),
        (f"{PREFIX}-worker:2", 1),
    ]


def test_bootstrap_dry_run_prints_the_change_set_and_creates_nothing(cli: CLI, aws: Clients) -> None:
    result = cli("bootstrap", "--dry-run")

    assert result.code == 0, result.err
    assert f"[  would create] stack {PREFIX}-api (" in result.out
    assert "add                  Repository (AWS::ECR::Repository)" in result.out
    assert "add                  ApiTaskDefinition (AWS::ECS::TaskDefinition)" in result.out
    assert "dry run, nothing changed" in result.out
    assert aws.cloudformation.describe_stacks()["Stacks"] == []
    assert aws.ecr.describe_repositories()["repositories"] == []
    assert aws.ecs.list_clusters()["clusterArns"] == []
    assert aws.secretsmanager.list_secrets()["SecretList"] == []


def test_a_resource_that_already_exists_fails_the_stack_in_one_readable_error(cli: CLI, aws: Clients) -> None:
    # Resources made by hand before the stacks existed are not adopted: CloudFormation refuses them.
    aws.ecr.create_repository(repositoryName=REPOSITORY)

    result = cli("bootstrap")

    assert result.code == 1
    assert result.err.count("\n") == 1, "one line"
    assert "loan-engine/api" in result.err
    assert "already exists" in result.err


def test_an_existing_cluster_is_used_instead_of_creating_one(cli: CLI, aws: Clients) -> None:
    aws.ecs.create_cluster(clusterName="shared-test")

    result = cli("bootstrap", "--set", "ecs.cluster=shared-test")

    assert result.code == 0, result.err
    assert [c.rsplit("/", 1)[-1] for c in aws.ecs.list_clusters()["clusterArns"]] == ["shared-test"]
    services = aws.ecs.list_services(cluster="shared-test")["serviceArns"]
    assert sorted(s.rsplit("/", 1)[-1] for s in services) == [f"{PREFIX}-api", f"{PREFIX}-worker"]


def test_destroy_removes_the_stacks_and_keeps_the_database_unless_told(
    cli: CLI, bootstrapped: Result, aws: Clients
) -> None:
    result = cli("destroy")

    assert result.code == 0, result.err
    assert f"keeping stack {PREFIX}-database" in result.out
    assert f"[       deleted] stack {PREFIX}-api" in result.out
    assert aws.cloudformation.describe_stacks()["Stacks"] == []
    assert aws.ecr.describe_repositories()["repositories"] == []
    assert cli("destroy").out.count("not there") == 4


def test_bootstrap_without_a_database_url_stops_before_creating_the_secret(
    cli: CLI, aws: Clients, monkeypatch: Any
) -> None:
    monkeypatch.delenv("LOAN_INFRA_DATABASE_URL")

    result = cli("bootstrap")

    assert result.code == 2
    assert result.err.count("\n") == 1, "one line"
    assert "LOAN_INFRA_DATABASE_URL" in result.err
    assert aws.secretsmanager.list_secrets()["SecretList"] == []
