"""`bootstrap` and `destroy`: the environment's stacks, deployed in order through change sets.

network (optional) -> database (optional) -> api (repository, roles, logs, cluster, target group and
listener rule, API and worker services) -> web (bucket, OAC, function, policies, distribution) ->
schedule (EventBridge Scheduler, disabled by default) -> deploy-roles (GitHub OIDC, when
github.repository is set). Each stack's outputs feed the next one's parameters. The secrets stay
outside CloudFormation on purpose: their values must never appear in a template or a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass

from loan_infra import alb, ecs, secrets, stacks
from loan_infra.aws import Aws
from loan_infra.config import Config
from loan_infra.errors import ConfigError, InfraError
from loan_infra.output import Reporter

# What the release flow and the GitHub environment need, in the order they are printed.
PRINTED_OUTPUTS = (
    ("RepositoryUri", "ECR_REPOSITORY_URI"),
    ("BucketName", "WEB_BUCKET"),
    ("DistributionId", "CLOUDFRONT_DISTRIBUTION"),
    ("DistributionDomain", "WEB_DOMAIN"),
    ("ApiDeployRoleArn", "API_DEPLOY_ROLE_ARN"),
    ("WebDeployRoleArn", "WEB_DEPLOY_ROLE_ARN"),
)


@dataclass(frozen=True)
class NetworkFacts:
    vpc_id: str
    subnets: tuple[str, ...]
    security_groups: tuple[str, ...]
    load_balancer: alb.LoadBalancer


def bootstrap(aws: Aws, out: Reporter, config: Config) -> dict[str, str]:
    if config.alb.certificate_arn and not config.alb.api_url.startswith("https://"):
        raise ConfigError("alb.certificate_arn is set: set alb.api_url to https://<the hostname it covers>")
    out.step(f"bootstrap {config.prefix} in account {aws.account_id}, region {aws.region}")
    found: dict[str, str] = {}
    net = _network(aws, out, config)
    if config.stacks.database:
        found |= _deploy(aws, out, config, "database", _database_parameters(aws, config))
    app_secrets = secrets.ensure_app_secrets(aws, out, config.names)
    found |= _deploy(aws, out, config, "api", _api_parameters(aws, config, net, app_secrets))
    if config.stacks.web:
        found |= _deploy(aws, out, config, "web", _web_parameters(config, net))
    if config.stacks.schedule and "ClusterArn" in found:
        found |= _deploy(aws, out, config, "schedule", _schedule_parameters(config, net, found))
    if config.github.repository and "ClusterArn" in found:
        found |= _deploy(aws, out, config, "deploy-roles", _role_parameters(aws, config, found))
    elif not config.github.repository:
        out.info("github.repository not set: skipping the GitHub OIDC deploy roles")
    return found


def destroy(aws: Aws, out: Reporter, config: Config, *, database: bool) -> None:
    """Delete the stacks bootstrap made, newest first. The database stays unless `database`."""
    n = config.names
    out.step(f"destroy {config.prefix} in account {aws.account_id}, region {aws.region}")
    order = ["deploy-roles", "schedule", "web", "api"]
    if database:
        order.append("database")
    else:
        out.info(f"keeping stack {n.stack['database']} (pass --database to delete it; RDS snapshots it first)")
    if config.stacks.network:
        order.append("network")
    for part in order:
        stacks.destroy(
            aws,
            out,
            n.stack[part],
            timeout_minutes=config.timing.deployment_minutes * 4,
            poll_seconds=config.timing.poll_seconds,
        )


def _deploy(aws: Aws, out: Reporter, config: Config, part: str, params: dict[str, str]) -> dict[str, str]:
    """Deploy templates/cloudformation/<part>.yaml as stack <prefix>-<part>."""
    stack = stacks.Stack(config.names.stack[part], f"{part}.yaml", params)
    # Stacks with CloudFront or RDS take a quarter of an hour to settle; deployments take less.
    return stacks.deploy(
        aws, out, stack, timeout_minutes=config.timing.deployment_minutes * 4, poll_seconds=config.timing.poll_seconds
    )


def _network(aws: Aws, out: Reporter, config: Config) -> NetworkFacts:
    if config.stacks.network:
        made = _deploy(aws, out, config, "network", {"EnvironmentName": config.prefix})
        if not made:
            # Dry run of a first bootstrap: nothing to read yet, so the later plans cannot be made.
            raise InfraError("dry run: the network stack does not exist yet; the later stacks are planned after it")
        return NetworkFacts(
            made["VpcId"],
            tuple(made["PrivateSubnets"].split(",")),
            (made["TaskSecurityGroup"],),
            alb.find_load_balancer(aws, made["LoadBalancerName"]),
        )
    n = config.network
    if not n.subnets or not n.security_groups:
        raise ConfigError("network.subnets and network.security_groups must be set (or stacks.network = true)")
    lb = alb.find_load_balancer(aws, config.alb.name)
    return NetworkFacts(n.vpc_id or lb.vpc_id, n.subnets, n.security_groups, lb)


def _database_parameters(aws: Aws, config: Config) -> dict[str, str]:
    net = stacks.require_outputs(aws, config.names.stack["network"])
    return {
        "EnvironmentName": config.prefix,
        "PrivateSubnetIds": net["PrivateSubnets"],
        "DatabaseSecurityGroupId": net["DatabaseSecurityGroup"],
        "DeletionProtection": str(config.stacks.database_deletion_protection).lower(),
    }


def _api_parameters(aws: Aws, config: Config, net: NetworkFacts, app_secrets: secrets.AppSecrets) -> dict[str, str]:
    by_env = {r.env: r.resource_arn for r in app_secrets.refs}
    db_arn, jwt_arn, kek_arn = by_env["DATABASE_URL"], by_env["JWT_SECRET"], by_env["DATA_KEK"]
    params = {
        "EnvironmentName": config.prefix,
        "RepositoryName": config.names.repository,
        "KeepImages": str(config.ecr.keep_images),
        "VpcId": net.vpc_id,
        "Subnets": ",".join(net.subnets),
        "TaskSecurityGroups": ",".join(net.security_groups),
        "AssignPublicIp": "ENABLED" if config.network.assign_public_ip else "DISABLED",
        "LoadBalancerArn": net.load_balancer.arn,
        "ListenerArn": config.alb.listener_arn,
        "CertificateArn": config.alb.certificate_arn,
        "ExistingClusterName": config.ecs.cluster,
        "DatabaseUrlSecretArn": db_arn,
        "JwtSecretArn": jwt_arn,
        "DataKekSecretArn": kek_arn,
        "Cpu": str(config.ecs.cpu),
        "Memory": str(config.ecs.memory),
        "HealthCheckPath": config.alb.health_check_path,
        "HealthCheckGraceSeconds": str(config.ecs.health_check_grace_seconds),
        "DeregistrationDelaySeconds": str(config.alb.deregistration_delay_seconds),
        "LogRetentionDays": str(config.ecs.log_retention_days),
    }
    return params | _live_revisions(aws, config)


def _live_revisions(aws: Aws, config: Config) -> dict[str, str]:
    """What the services run now, so a stack update never rolls a deploy back to the stack's revision.

    Until the first deploy-api a service runs the stack's own revision with 0 tasks: nothing to pass
    then, which keeps a re-run of bootstrap a change set with no changes.
    """
    n = config.names
    own = _stack_revisions(aws, n.stack["api"])
    live: dict[str, str] = {}
    for key, service in (("Api", n.service), ("Worker", n.worker_service)):
        found = ecs.describe_named_service(aws, n.cluster, service)
        if found is not None and (found.task_definition != own.get(key) or found.desired):
            live[f"{key}TaskDefinitionArn"] = found.task_definition
            live[f"{key}DesiredCount"] = str(found.desired)
    return live


def _stack_revisions(aws: Aws, stack_name: str) -> dict[str, str]:
    if stacks.describe(aws, stack_name) is None:
        return {}
    found = aws.cloudformation.describe_stack_resources(StackName=stack_name)["StackResources"]
    ids = {str(r.get("LogicalResourceId", "")): str(r.get("PhysicalResourceId", "")) for r in found}
    return {"Api": ids.get("ApiTaskDefinition", ""), "Worker": ids.get("WorkerTaskDefinition", "")}


def _web_parameters(config: Config, net: NetworkFacts) -> dict[str, str]:
    https = bool(config.alb.certificate_arn and config.alb.api_url)
    # With HTTPS to the origin, CloudFront checks the ALB's certificate against this name, so it
    # must be the API hostname the certificate covers, not the ALB's own DNS name.
    origin = config.alb.api_url.split("://", 1)[-1].split("/", 1)[0] if https else net.load_balancer.dns_name
    return {
        "EnvironmentName": config.prefix,
        "ApiOriginDomain": origin,
        "ApiOriginHttps": str(https).lower(),
        "Aliases": ",".join(config.web.aliases),
        "CertificateArn": config.web.certificate_arn,
        "PriceClass": config.web.price_class,
        "ContentSecurityPolicy": config.web.content_security_policy,
    }


def _schedule_parameters(config: Config, net: NetworkFacts, api: dict[str, str]) -> dict[str, str]:
    return {
        "EnvironmentName": config.prefix,
        "ScheduleEnabled": str(config.schedule.enabled).lower(),
        "ScheduleExpression": config.schedule.expression,
        "Command": ",".join(config.schedule.command),
        "ClusterArn": api["ClusterArn"],
        "TaskFamily": api["WorkerFamily"],
        "ExecutionRoleArn": api["ExecutionRoleArn"],
        "TaskRoleArn": api["TaskRoleArn"],
        "Subnets": ",".join(net.subnets),
        "TaskSecurityGroups": ",".join(net.security_groups),
        "AssignPublicIp": "ENABLED" if config.network.assign_public_ip else "DISABLED",
    }


def _role_parameters(aws: Aws, config: Config, found: dict[str, str]) -> dict[str, str]:
    bucket = found.get("BucketName", config.web.bucket)
    distribution = found.get("DistributionId", config.web.distribution_id)
    return {
        "EnvironmentName": config.prefix,
        "GithubRepository": config.github.repository,
        "GithubEnvironment": config.github.environment,
        "OidcProviderArn": _github_oidc_provider(aws, config.names.stack["deploy-roles"]),
        "RepositoryArn": found["RepositoryArn"],
        "ClusterName": found["ClusterName"],
        "ApiServiceName": found["ApiServiceName"],
        "WorkerServiceName": found["WorkerServiceName"],
        "ApiFamily": found["ApiFamily"],
        "WorkerFamily": found["WorkerFamily"],
        "ExecutionRoleArn": found["ExecutionRoleArn"],
        "TaskRoleArn": found["TaskRoleArn"],
        "ApiLogGroupName": found["ApiLogGroupName"],
        "BucketName": bucket,
        "DistributionArn": f"arn:{aws.partition}:cloudfront::{aws.account_id}:distribution/{distribution}",
    }


def _github_oidc_provider(aws: Aws, stack_name: str) -> str:
    """The account's GitHub OIDC provider if it has one (one per account; the stack creates it otherwise).

    Once the stack exists its choice stands: a provider the stack created must not be passed back in,
    or the next update would delete it.
    """
    stack = stacks.describe(aws, stack_name)
    if stack is not None:
        previous = {p["ParameterKey"]: p.get("ParameterValue", "") for p in stack.get("Parameters", [])}
        return str(previous.get("OidcProviderArn", ""))
    for provider in aws.iam.list_open_id_connect_providers().get("OpenIDConnectProviderList", []):
        arn = str(provider.get("Arn", ""))
        if arn.endswith("/token.actions.githubusercontent.com"):
            return arn
    return ""


def print_outputs(out: Reporter, found: dict[str, str]) -> None:
    out.step("outputs (GitHub environment `test` variables for the deploy workflows)")
    for key, variable in PRINTED_OUTPUTS:
        if key in found:
            out.info(f"{variable:<24}{found[key]}")
