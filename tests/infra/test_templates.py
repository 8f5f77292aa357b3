"""The CloudFormation templates: security properties (template_checks.py) on every template, the checks
proven to fire, and the properties of the resources moto's CloudFormation cannot deploy (the web
edge, the bucket policy, the schedule, the OIDC provider), which the deploy tests therefore do not
exercise. cfn-lint validates all templates in `make lint`."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from loan_infra.render import read_text

from .conftest import TEMPLATES, load_template
from .template_checks import as_list, policy_documents, violations

NAMES = sorted(p.name for p in TEMPLATES.glob("*.yaml"))


def test_every_long_lived_resource_has_a_template() -> None:
    assert NAMES == ["api.yaml", "database.yaml", "deploy-roles.yaml", "network.yaml", "schedule.yaml", "web.yaml"]


@pytest.mark.parametrize("name", NAMES)
def test_template_meets_the_security_properties(name: str) -> None:
    assert violations(load_template(name)) == []


def _props(template: dict[str, Any], resource: str) -> dict[str, Any]:
    return dict(template["Resources"][resource]["Properties"])


def _public_bucket(t: dict[str, Any]) -> None:
    t["Resources"]["Bucket"]["Properties"]["PublicAccessBlockConfiguration"]["BlockPublicPolicy"] = False


def _no_tls_deny(t: dict[str, Any]) -> None:
    statements = t["Resources"]["BucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    statements[:] = [s for s in statements if s.get("Sid") != "TlsOnly"]


def _plain_logs(t: dict[str, Any]) -> None:
    del t["Resources"]["ApiLogGroup"]["Properties"]["KmsKeyId"]


def _plain_database(t: dict[str, Any]) -> None:
    t["Resources"]["Database"]["Properties"]["StorageEncrypted"] = False


def _wildcard_action(t: dict[str, Any]) -> None:
    policy = t["Resources"]["ExecutionRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    policy["Statement"][1]["Action"] = "ecr:*"


def _unscoped_resource(t: dict[str, Any]) -> None:
    policy = t["Resources"]["ApiDeployRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    policy["Statement"][1]["Resource"] = "*"


@pytest.mark.parametrize(
    ("name", "tamper", "expected"),
    [
        ("web.yaml", _public_bucket, "Bucket: public access is not fully blocked"),
        ("web.yaml", _no_tls_deny, "Bucket: its policy does not deny requests without TLS"),
        ("api.yaml", _plain_logs, "ApiLogGroup: log group without a KMS key"),
        ("database.yaml", _plain_database, "Database: database storage not encrypted"),
        ("api.yaml", _wildcard_action, "ExecutionRole/pull-log-read-secrets PullFromTheApiRepository: wildcard"),
        ("deploy-roles.yaml", _unscoped_resource, "ApiDeployRole/deploy-api PushToTheApiRepository: Resource *"),
    ],
)
def test_each_check_fires_on_a_tampered_template(
    name: str, tamper: Callable[[dict[str, Any]], None], expected: str
) -> None:
    template = copy.deepcopy(load_template(name))
    tamper(template)
    found = violations(template)
    assert any(v.startswith(expected) for v in found), found


# --- what moto cannot deploy: checked here ----------------------------------------------------------


def test_bucket_is_readable_only_by_this_distribution_through_oac() -> None:
    web = load_template("web.yaml")
    [oac_read] = [s for s in _props(web, "BucketPolicy")["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    assert oac_read["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert oac_read["Action"] == "s3:GetObject"
    source = oac_read["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
    assert source.endswith(":distribution/${Distribution}")
    [s3_origin] = [o for o in _distribution(web)["Origins"] if o["Id"] == "s3-web"]
    assert s3_origin["OriginAccessControlId"] == {"Fn::GetAtt": ["OriginAccessControl", "Id"]}
    assert _props(web, "OriginAccessControl")["OriginAccessControlConfig"]["SigningBehavior"] == "always"


def _distribution(web: dict[str, Any]) -> dict[str, Any]:
    return dict(_props(web, "Distribution")["DistributionConfig"])


def test_distribution_serves_the_app_from_s3_and_routes_api_paths_to_the_alb_uncached() -> None:
    config = _distribution(load_template("web.yaml"))
    default = config["DefaultCacheBehavior"]
    assert default["TargetOriginId"] == "s3-web"
    assert default["ViewerProtocolPolicy"] == "redirect-to-https"
    assert default["FunctionAssociations"][0]["EventType"] == "viewer-request"
    # No distribution-wide error pages: they would turn API 403/404s into 200 text/html.
    assert "CustomErrorResponses" not in config
    api = {b["PathPattern"]: b for b in config["CacheBehaviors"]}
    assert sorted(api) == ["/api/*", "/auth/*", "/health/*"]
    for behaviour in api.values():
        assert behaviour["TargetOriginId"] == "alb-api"
        assert behaviour["ViewerProtocolPolicy"] == "https-only"
        assert behaviour["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # CachingDisabled
        assert "POST" in behaviour["AllowedMethods"]
        assert behaviour["ResponseHeadersPolicyId"] == {"Ref": "SecurityHeaders"}


def test_security_headers_policy_sets_hsts_csp_nosniff_deny_and_referrer() -> None:
    headers = _props(load_template("web.yaml"), "SecurityHeaders")["ResponseHeadersPolicyConfig"]
    sec = headers["SecurityHeadersConfig"]
    assert sec["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert sec["ContentSecurityPolicy"]["ContentSecurityPolicy"] == {"Ref": "ContentSecurityPolicy"}
    assert sec["ContentTypeOptions"]["Override"] is True
    assert sec["FrameOptions"]["FrameOption"] == "DENY"
    assert sec["ReferrerPolicy"]["ReferrerPolicy"] == "strict-origin-when-cross-origin"


def test_spa_function_in_the_template_is_the_tested_spa_rewrite_js() -> None:
    function = _props(load_template("web.yaml"), "SpaRewrite")
    assert function["AutoPublish"] is True
    assert function["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
    assert function["FunctionCode"].strip() == read_text("spa-rewrite.js").strip()


def test_schedule_is_disabled_by_default_and_starts_one_worker_task_with_the_command() -> None:
    template = load_template("schedule.yaml")
    assert template["Parameters"]["ScheduleEnabled"]["Default"] == "false"
    schedule = _props(template, "Schedule")
    assert schedule["State"] == {"Fn::If": ["Enabled", "ENABLED", "DISABLED"]}
    target = schedule["Target"]
    assert target["EcsParameters"]["TaskCount"] == 1
    assert target["EcsParameters"]["LaunchType"] == "FARGATE"
    body, values = target["Input"]["Fn::Sub"]
    assert '"command": ["${Args}"]' in body
    assert values["Args"] == {"Fn::Join": ['", "', {"Ref": "Command"}]}
    [run, pass_role] = _props(template, "SchedulerRole")["Policies"][0]["PolicyDocument"]["Statement"]
    assert run["Action"] == "ecs:RunTask"
    assert "ecs:cluster" in run["Condition"]["ArnEquals"]
    assert pass_role["Condition"] == {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}


def test_github_roles_trust_one_repository_environment_with_audience_pinned() -> None:
    template = load_template("deploy-roles.yaml")
    for role in ("ApiDeployRole", "WebDeployRole"):
        [trust] = _props(template, role)["AssumeRolePolicyDocument"]["Statement"]
        assert trust["Action"] == "sts:AssumeRoleWithWebIdentity"
        condition = trust["Condition"]["StringEquals"]
        assert condition["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"
        assert condition["token.actions.githubusercontent.com:sub"] == {
            "Fn::Sub": "repo:${GithubRepository}:environment:${GithubEnvironment}"
        }


def test_api_deploy_role_passes_exactly_the_two_task_roles_to_ecs_only() -> None:
    template = load_template("deploy-roles.yaml")
    [passrole] = [
        s for _, _, doc in policy_documents(template) for s in doc["Statement"] if s["Action"] == "iam:PassRole"
    ]
    assert passrole["Resource"] == [{"Ref": "ExecutionRoleArn"}, {"Ref": "TaskRoleArn"}]
    assert passrole["Condition"] == {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}


def test_only_the_execution_role_reads_secret_values() -> None:
    readers = [
        where
        for name in NAMES
        for where, _, doc in policy_documents(load_template(name))
        for s in as_list(doc.get("Statement", []))
        if s["Effect"] == "Allow" and "secretsmanager:GetSecretValue" in as_list(s["Action"])
    ]
    assert readers == ["ExecutionRole/pull-log-read-secrets"]


def test_the_execution_role_reads_exactly_the_app_secrets_and_the_smtp_one_when_given() -> None:
    [inject] = [
        s
        for where, _, doc in policy_documents(load_template("api.yaml"))
        for s in as_list(doc.get("Statement", []))
        if s.get("Sid") == "InjectAppSecrets"
    ]
    assert inject["Resource"] == [
        {"Ref": "DatabaseUrlSecretArn"},
        {"Ref": "JwtSecretArn"},
        {"Ref": "DataKekSecretArn"},
        {"Fn::If": ["HasSmtpSecret", {"Ref": "SmtpSecretArn"}, {"Ref": "AWS::NoValue"}]},
    ]


def test_services_keep_the_live_revision_and_count_bootstrap_passes_in() -> None:
    api = load_template("api.yaml")
    for service, key in (("ApiService", "Api"), ("WorkerService", "Worker")):
        props = _props(api, service)
        assert props["TaskDefinition"]["Fn::If"][1] == {"Ref": f"{key}TaskDefinitionArn"}
        assert props["DesiredCount"] == {"Ref": f"{key}DesiredCount"}
        assert props["DeploymentConfiguration"]["DeploymentCircuitBreaker"] == {"Enable": True, "Rollback": True}
    worker = _props(api, "WorkerTaskDefinition")["ContainerDefinitions"][0]
    assert worker["Command"] == ["loan-engine", "worker"]
    assert "PortMappings" not in worker
