"""`bootstrap`: create or converge every resource the two pipelines deploy into.

Each step looks the resource up first and reuses it; a second run changes nothing and says so.
The VPC, subnets, security groups, the ALB and the database belong to the environment (see
templates/cloudformation/) and are only looked up.
"""

from __future__ import annotations

from dataclasses import dataclass

from loan_infra import alb, cloudfront, ecr, ecs, iam, logs, s3web, secrets, taskdefs
from loan_infra.aws import Aws, is_planned
from loan_infra.config import Config
from loan_infra.errors import ConfigError
from loan_infra.output import Reporter


@dataclass(frozen=True)
class Outputs:
    repository_uri: str
    distribution_id: str
    distribution_domain: str
    bucket: str
    api_deploy_role: str
    web_deploy_role: str


def bootstrap(aws: Aws, out: Reporter, config: Config) -> Outputs:
    n = config.names
    if config.alb.certificate_arn and not config.alb.api_url.startswith("https://"):
        raise ConfigError("alb.certificate_arn is set: set alb.api_url to https://<the hostname it covers>")
    out.step(f"bootstrap {config.prefix} in account {aws.account_id}, region {aws.region}")
    repo = ecr.ensure_repository(aws, out, n.repository, config.ecr.keep_images)
    logs.ensure_log_group(aws, out, n.log_group, config.ecs.log_retention_days)
    app_secrets = secrets.ensure_app_secrets(aws, out, n)
    bucket = config.web.bucket or n.bucket(aws.account_id)
    roles = iam.ensure_task_roles(aws, out, config, iam.policy_values(aws, config, app_secrets, bucket, "pending"))

    out.step("API: cluster, load balancer target, service")
    ecs.ensure_cluster(aws, out, n.cluster)
    lb = alb.find_load_balancer(aws, config.alb.name)
    target_group = alb.ensure_target_group(aws, out, config, config.network.vpc_id or lb.vpc_id)
    alb.ensure_listener(aws, out, config, lb, target_group)
    exists = ecs.describe_service(aws, config) is not None
    revision = (
        "" if exists else _initial_revision(aws, out, config, repo_uri=repo.uri, app_secrets=app_secrets, roles=roles)
    )
    ecs.ensure_service(aws, out, config, revision, target_group)

    out.step("web: bucket, origin access, function, headers, distribution")
    distribution = _ensure_web(aws, out, config, bucket, lb)
    roles_out = {"api-deploy": "", "web-deploy": ""}
    if config.github.repository:
        out.step(f"GitHub OIDC deploy roles for {iam.github_subject(config)}")
        values = iam.policy_values(aws, config, app_secrets, bucket, distribution.id)
        roles_out = iam.ensure_github_roles(aws, out, config, values)
    else:
        out.info("github.repository not set: skipping the GitHub OIDC deploy roles")
    return Outputs(
        repo.uri, distribution.id, distribution.domain, bucket, roles_out["api-deploy"], roles_out["web-deploy"]
    )


def _initial_revision(
    aws: Aws, out: Reporter, config: Config, *, repo_uri: str, app_secrets: secrets.AppSecrets, roles: iam.TaskRoles
) -> str:
    """The revision a new service is created with; until the first deploy-api it runs 0 tasks of it."""
    latest = taskdefs.latest_revision(aws, config.names.family)
    if latest is not None:
        return str(latest["taskDefinitionArn"])
    document = taskdefs.render_task_definition(
        aws,
        config,
        image=f"{repo_uri}:{taskdefs.PLACEHOLDER_IMAGE_TAG}",
        secrets=app_secrets.container_secrets(),
        execution_role=roles.execution_arn,
        task_role=roles.task_arn,
    )
    return taskdefs.register_task_definition(aws, out, document)


def _ensure_web(aws: Aws, out: Reporter, config: Config, bucket: str, lb: alb.LoadBalancer) -> cloudfront.Distribution:
    n = config.names
    s3web.ensure_bucket(aws, out, bucket)
    inputs = cloudfront.DistributionInputs(
        bucket=bucket,
        oac_id=cloudfront.ensure_oac(aws, out, n.oac),
        function_arn=cloudfront.ensure_spa_function(aws, out, n.spa_function),
        headers_policy_id=cloudfront.ensure_headers_policy(
            aws, out, n.headers_policy, config.web.content_security_policy
        ),
        alb_domain=_alb_origin_domain(config, lb),
    )
    distribution = cloudfront.ensure_distribution(aws, out, config, inputs)
    if not is_planned(distribution.arn):
        s3web.ensure_bucket_policy(aws, out, bucket, distribution.arn)
    else:
        out.resource("created", f"bucket policy on {bucket}", "CloudFront (OAC) read only")
    return distribution


def _alb_origin_domain(config: Config, lb: alb.LoadBalancer) -> str:
    # With HTTPS to the origin, CloudFront checks the ALB's certificate against this name, so it
    # must be the API hostname the certificate covers, not the ALB's own DNS name.
    if config.alb.certificate_arn and config.alb.api_url:
        return config.alb.api_url.split("://", 1)[-1].split("/", 1)[0]
    return lb.dns_name


def print_outputs(out: Reporter, outputs: Outputs) -> None:
    out.step("outputs (GitHub environment `test` variables for the deploy workflows)")
    out.info(f"ECR_REPOSITORY_URI      {outputs.repository_uri}")
    out.info(f"WEB_BUCKET              {outputs.bucket}")
    out.info(f"CLOUDFRONT_DISTRIBUTION {outputs.distribution_id}  (https://{outputs.distribution_domain})")
    if outputs.api_deploy_role:
        out.info(f"API_DEPLOY_ROLE_ARN     {outputs.api_deploy_role}")
        out.info(f"WEB_DEPLOY_ROLE_ARN     {outputs.web_deploy_role}")
