"""The operator's journey against moto: bootstrap -> deploy-api -> deploy-web -> verify, and re-runs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .conftest import BUCKET, CLI, PREFIX, REPOSITORY, Clients, Edge, Result, make_build


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
    assert "all 10 checks passed" in check.out


def test_bootstrap_creates_what_the_pipelines_need_and_a_second_run_changes_nothing(cli: CLI, aws: Clients) -> None:
    result = cli("bootstrap")
    assert result.code == 0, result.err
    assert "bootstrap: 21 created, 0 updated, 0 deleted, 0 unchanged" in result.out

    repo = aws.ecr.describe_repositories(repositoryNames=[REPOSITORY])["repositories"][0]
    assert repo["imageTagMutability"] == "IMMUTABLE"
    assert repo["imageScanningConfiguration"]["scanOnPush"] is True
    service = aws.ecs.describe_services(cluster=PREFIX, services=[f"{PREFIX}-api"])["services"][0]
    assert service["deploymentConfiguration"]["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    assert service["healthCheckGracePeriodSeconds"] == 60
    assert service["desiredCount"] == 0
    group = aws.elbv2.describe_target_groups(Names=[f"{PREFIX}-api"])["TargetGroups"][0]
    assert group["HealthCheckPath"] == "/health/live"
    attributes = aws.elbv2.describe_target_group_attributes(TargetGroupArn=group["TargetGroupArn"])["Attributes"]
    assert {"Key": "deregistration_delay.timeout_seconds", "Value": "30"} in attributes
    block = aws.s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"]
    assert all(block.values())
    assert aws.s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"
    dist = aws.cloudfront.list_distributions()["DistributionList"]["Items"][0]
    config = aws.cloudfront.get_distribution_config(Id=dist["Id"])["DistributionConfig"]
    assert config["DefaultCacheBehavior"]["TargetOriginId"] == "s3-web"
    assert [b["PathPattern"] for b in config["CacheBehaviors"]["Items"]] == ["/api/*", "/auth/*", "/health/*"]
    assert config["CustomErrorResponses"]["Quantity"] == 0, "error pages would turn API 404s into HTML"

    before = inventory(aws)
    again = cli("bootstrap")

    assert again.code == 0, again.err
    assert "bootstrap: 0 created, 0 updated, 0 deleted" in again.out
    assert "created]" not in again.out
    assert "updated]" not in again.out
    assert inventory(aws) == before


def test_policies_prints_exactly_what_bootstrap_applied(
    cli: CLI, bootstrapped: Result, aws: Clients, tmp_path: Path
) -> None:
    result = cli("policies", "--out", str(tmp_path / "iam"))

    assert result.code == 0, result.err
    assert "wrote 8 documents" in result.out
    for role, key in (
        ("github-api-deploy", "api-deploy"),
        ("github-web-deploy", "web-deploy"),
        ("task-execution", "execution"),
    ):
        applied = aws.iam.get_role_policy(RoleName=f"{PREFIX}-{role}", PolicyName="loan-infra")["PolicyDocument"]
        printed = json.loads((tmp_path / "iam" / f"{key}-permissions.json").read_text(encoding="utf-8"))
        assert applied == printed, role


def inventory(aws: Clients) -> dict[str, Any]:
    """Everything bootstrap manages, with the fields that change when a resource is touched."""
    dist_ids = [d["Id"] for d in aws.cloudfront.list_distributions()["DistributionList"].get("Items", [])]
    roles = sorted(r["RoleName"] for r in aws.iam.list_roles()["Roles"])
    return {
        "repos": aws.ecr.describe_repositories()["repositories"],
        "lifecycle": aws.ecr.get_lifecycle_policy(repositoryName=REPOSITORY)["lifecyclePolicyText"],
        "log groups": aws.logs.describe_log_groups()["logGroups"],
        "secrets": [(s["Name"], s.get("LastChangedDate")) for s in aws.secretsmanager.list_secrets()["SecretList"]],
        "roles": roles,
        "role policies": [
            aws.iam.get_role_policy(RoleName=r, PolicyName="loan-infra")["PolicyDocument"] for r in roles
        ],
        "oidc": aws.iam.list_open_id_connect_providers()["OpenIDConnectProviderList"],
        "clusters": aws.ecs.list_clusters()["clusterArns"],
        "task definitions": aws.ecs.list_task_definitions()["taskDefinitionArns"],
        "services": aws.ecs.describe_services(cluster=PREFIX, services=[f"{PREFIX}-api"])["services"],
        "target groups": aws.elbv2.describe_target_groups()["TargetGroups"],
        "listeners": len(aws.elbv2.describe_listeners(LoadBalancerArn=_alb_arn(aws))["Listeners"]),
        "buckets": [b["Name"] for b in aws.s3.list_buckets()["Buckets"]],
        "bucket policy": aws.s3.get_bucket_policy(Bucket=BUCKET)["Policy"],
        "oac": aws.cloudfront.list_origin_access_controls()["OriginAccessControlList"].get("Items", []),
        "functions": aws.cloudfront.describe_function(Name=f"{PREFIX}-spa-rewrite")["ETag"],
        "headers": aws.cloudfront.list_response_headers_policies()["ResponseHeadersPolicyList"]["Items"],
        "distributions": [(i, aws.cloudfront.get_distribution(Id=i)["ETag"]) for i in dist_ids],
    }


def _alb_arn(aws: Clients) -> str:
    return str(aws.elbv2.describe_load_balancers(Names=[PREFIX])["LoadBalancers"][0]["LoadBalancerArn"])


def test_bootstrap_reuses_existing_resources_and_converges_their_settings(cli: CLI, aws: Clients) -> None:
    aws.ecr.create_repository(repositoryName=REPOSITORY, imageTagMutability="MUTABLE")
    aws.logs.create_log_group(logGroupName=f"/ecs/{PREFIX}")

    result = cli("bootstrap")

    assert result.code == 0, result.err
    assert f"[       updated] ECR repository {REPOSITORY} (turned on immutable tags and scan on push)" in result.out
    assert len(aws.ecr.describe_repositories()["repositories"]) == 1
    assert aws.ecr.describe_repositories()["repositories"][0]["imageTagMutability"] == "IMMUTABLE"
    assert len(aws.logs.describe_log_groups()["logGroups"]) == 1


def test_bootstrap_puts_drifted_settings_back(cli: CLI, bootstrapped: Result, aws: Clients) -> None:
    # Someone "fixes" things by hand in the console...
    function = aws.cloudfront.describe_function(Name=f"{PREFIX}-spa-rewrite")
    aws.cloudfront.update_function(
        Name=f"{PREFIX}-spa-rewrite",
        IfMatch=function["ETag"],
        FunctionConfig={"Comment": "edited by hand", "Runtime": "cloudfront-js-2.0"},
        FunctionCode=b"function handler(event) { return event.request; }",
    )
    group = aws.elbv2.describe_target_groups(Names=[f"{PREFIX}-api"])["TargetGroups"][0]
    aws.elbv2.modify_target_group(TargetGroupArn=group["TargetGroupArn"], HealthCheckPath="/health/ready")
    aws.iam.put_role_policy(
        RoleName=f"{PREFIX}-task-execution",
        PolicyName="loan-infra",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "secretsmanager:*", "Resource": "*"}]}
        ),
    )

    repaired = cli("bootstrap")

    assert repaired.code == 0, repaired.err
    assert f"[       updated] CloudFront function {PREFIX}-spa-rewrite (new code published)" in repaired.out
    assert f"[       updated] target group {PREFIX}-api (health check HealthCheckPath)" in repaired.out
    assert f"[       updated] IAM role {PREFIX}-task-execution (permissions)" in repaired.out
    group = aws.elbv2.describe_target_groups(Names=[f"{PREFIX}-api"])["TargetGroups"][0]
    assert group["HealthCheckPath"] == "/health/live"
    assert "bootstrap: 0 created, 0 updated, 0 deleted" in cli("bootstrap").out


def test_bootstrap_dry_run_reports_the_plan_and_creates_nothing(cli: CLI, aws: Clients) -> None:
    result = cli("bootstrap", "--dry-run")

    assert result.code == 0, result.err
    assert "[  would create] ECR repository loan-engine/api" in result.out
    assert "[  would create] CloudFront distribution" in result.out
    assert "dry run, nothing changed" in result.out
    assert aws.ecr.describe_repositories()["repositories"] == []
    assert aws.ecs.list_clusters()["clusterArns"] == []
    assert aws.s3.list_buckets()["Buckets"] == []
    assert aws.secretsmanager.list_secrets()["SecretList"] == []


def test_bootstrap_without_a_database_url_stops_before_creating_the_secret(
    cli: CLI, aws: Clients, monkeypatch: Any
) -> None:
    monkeypatch.delenv("LOAN_INFRA_DATABASE_URL")

    result = cli("bootstrap")

    assert result.code == 2
    assert result.err.count("\n") == 1, "one line"
    assert "LOAN_INFRA_DATABASE_URL" in result.err
    assert aws.secretsmanager.list_secrets()["SecretList"] == []


def test_policies_work_before_bootstrap_for_teams_that_create_roles_first(cli: CLI) -> None:
    result = cli("policies")

    assert result.code == 0, result.err
    assert "secret:loan-engine/test/database-url-??????" in result.out
    assert "replace it after bootstrap" in result.out
    assert "# api-deploy-permissions" in result.out
