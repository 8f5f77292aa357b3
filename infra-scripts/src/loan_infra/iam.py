"""IAM: the ECS task roles and the two GitHub OIDC deploy roles, from the JSON documents in templates/iam/.

Those documents are the single source of truth: bootstrap applies them, and `loan-infra policies`
prints them filled in for teams whose IAM is managed by someone else. Each deploy role is limited
to what its own pipeline touches (api: one ECR repository, one service, one task family, PassRole
on exactly two roles; web: one bucket, one distribution).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from loan_infra.aws import Aws, error_code
from loan_infra.config import Config
from loan_infra.output import Reporter
from loan_infra.render import render_json
from loan_infra.secrets import AppSecrets

GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"
# GitHub's OIDC certificate thumbprints; AWS no longer checks them for GitHub but the API wants a list.
GITHUB_THUMBPRINTS = ["6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"]
INLINE_POLICY = "loan-infra"

# Role key -> (trust document, permission document)
ROLE_DOCUMENTS = {
    "execution": ("iam/ecs-tasks-trust.json", "iam/task-execution-policy.json"),
    "task": ("iam/ecs-tasks-trust.json", "iam/task-role-policy.json"),
    "api-deploy": ("iam/github-oidc-trust.json", "iam/api-deploy-policy.json"),
    "web-deploy": ("iam/github-oidc-trust.json", "iam/web-deploy-policy.json"),
}


@dataclass(frozen=True)
class TaskRoles:
    execution_arn: str
    task_arn: str


def role_arn(aws: Aws, name: str) -> str:
    return f"arn:{aws.partition}:iam::{aws.account_id}:role/{name}"


def github_subject(config: Config) -> str:
    # The `environment` form of the sub claim: only jobs that run in that GitHub environment (which
    # can require reviewers and restrict branches) can assume the role.
    return f"repo:{config.github.repository}:environment:{config.github.environment}"


def policy_values(aws: Aws, config: Config, secrets: AppSecrets, bucket: str, distribution_id: str) -> dict[str, Any]:
    n, part, region, acct = config.names, aws.partition, aws.region, aws.account_id
    return {
        "PARTITION": part,
        "REGION": region,
        "ACCOUNT_ID": acct,
        "FAMILY": n.family,
        "CLUSTER": n.cluster,
        "CLUSTER_ARN": f"arn:{part}:ecs:{region}:{acct}:cluster/{n.cluster}",
        "SERVICE_ARN": f"arn:{part}:ecs:{region}:{acct}:service/{n.cluster}/{n.service}",
        "ECR_REPOSITORY_ARN": f"arn:{part}:ecr:{region}:{acct}:repository/{n.repository}",
        "LOG_GROUP_ARN": f"arn:{part}:logs:{region}:{acct}:log-group:{n.log_group}",
        "EXECUTION_ROLE_ARN": config.ecs.execution_role_arn or role_arn(aws, n.execution_role),
        "TASK_ROLE_ARN": config.ecs.task_role_arn or role_arn(aws, n.task_role),
        "SECRETSMANAGER_ARNS": secrets.arns("secretsmanager"),
        "SSM_PARAMETER_ARNS": secrets.arns("ssm"),
        "BUCKET": bucket,
        "DISTRIBUTION_ARN": f"arn:{part}:cloudfront::{acct}:distribution/{distribution_id}",
        "OIDC_PROVIDER_ARN": f"arn:{part}:iam::{acct}:oidc-provider/{GITHUB_OIDC_HOST}",
        "GITHUB_SUB": github_subject(config),
    }


def render_policy(template: str, values: dict[str, Any]) -> dict[str, Any]:
    """Fill a policy template and drop statements left with no resources (e.g. no SSM parameters)."""
    document: dict[str, Any] = render_json(template, values)
    document["Statement"] = [s for s in document["Statement"] if s.get("Resource") != []]
    return document


def ensure_task_roles(aws: Aws, out: Reporter, config: Config, values: dict[str, Any]) -> TaskRoles:
    """The execution role (pull image, write logs, read secrets) and the task role (the app's own)."""
    arns = []
    for key, configured, name in (
        ("execution", config.ecs.execution_role_arn, config.names.execution_role),
        ("task", config.ecs.task_role_arn, config.names.task_role),
    ):
        if configured:
            out.resource("exists", f"IAM role {configured}", "from config, not managed here")
            arns.append(configured)
        else:
            arns.append(ensure_role(aws, out, name, key, values))
    return TaskRoles(arns[0], arns[1])


def ensure_github_roles(aws: Aws, out: Reporter, config: Config, values: dict[str, Any]) -> dict[str, str]:
    ensure_github_oidc_provider(aws, out)
    n = config.names
    return {
        "api-deploy": ensure_role(aws, out, n.api_deploy_role, "api-deploy", values),
        "web-deploy": ensure_role(aws, out, n.web_deploy_role, "web-deploy", values),
    }


def ensure_role(aws: Aws, out: Reporter, name: str, key: str, values: dict[str, Any]) -> str:
    trust_template, policy_template = ROLE_DOCUMENTS[key]
    trust = render_policy(trust_template, values)
    policy = render_policy(policy_template, values)
    current = _get_role(aws, name)
    if current is None:
        if not out.dry_run:
            aws.iam.create_role(
                RoleName=name,
                AssumeRolePolicyDocument=json.dumps(trust),
                Description=f"Loan Engine {key} role (managed by loan-infra)",
                MaxSessionDuration=3600,
                Tags=[{"Key": "managed-by", "Value": "loan-infra"}],
            )
            aws.iam.put_role_policy(RoleName=name, PolicyName=INLINE_POLICY, PolicyDocument=json.dumps(policy))
        out.resource("created", f"IAM role {name}")
        return role_arn(aws, name)
    changed = _sync_role(aws, name, current, trust=trust, policy=policy, dry_run=out.dry_run)
    out.resource("updated" if changed else "exists", f"IAM role {name}", ", ".join(changed))
    return str(current["Arn"])


def _get_role(aws: Aws, name: str) -> dict[str, Any] | None:
    try:
        return dict(aws.iam.get_role(RoleName=name)["Role"])
    except ClientError as exc:
        if error_code(exc) == "NoSuchEntity":
            return None
        raise


def _sync_role(
    aws: Aws, name: str, current: dict[str, Any], *, trust: dict[str, Any], policy: dict[str, Any], dry_run: bool
) -> list[str]:
    changed = []
    if _canonical(current.get("AssumeRolePolicyDocument")) != _canonical(trust):
        changed.append("trust policy")
        if not dry_run:
            aws.iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(trust))
    if _canonical(_inline_policy(aws, name)) != _canonical(policy):
        changed.append("permissions")
        if not dry_run:
            aws.iam.put_role_policy(RoleName=name, PolicyName=INLINE_POLICY, PolicyDocument=json.dumps(policy))
    return changed


def _inline_policy(aws: Aws, name: str) -> Any:
    try:
        return aws.iam.get_role_policy(RoleName=name, PolicyName=INLINE_POLICY)["PolicyDocument"]
    except ClientError as exc:
        if error_code(exc) == "NoSuchEntity":
            return None
        raise


def _canonical(document: Any) -> str:
    # IAM hands documents back URL-decoded to a dict (botocore) or as a JSON string (some emulators).
    if isinstance(document, str):
        document = json.loads(document)
    return json.dumps(document, sort_keys=True)


def ensure_github_oidc_provider(aws: Aws, out: Reporter) -> str:
    arn = f"arn:{aws.partition}:iam::{aws.account_id}:oidc-provider/{GITHUB_OIDC_HOST}"
    existing = [p["Arn"] for p in aws.iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]]
    if arn in existing:
        out.resource("exists", f"OIDC provider {GITHUB_OIDC_HOST}")
        return arn
    if not out.dry_run:
        aws.iam.create_open_id_connect_provider(
            Url=f"https://{GITHUB_OIDC_HOST}", ClientIDList=["sts.amazonaws.com"], ThumbprintList=GITHUB_THUMBPRINTS
        )
    out.resource("created", f"OIDC provider {GITHUB_OIDC_HOST}")
    return arn
