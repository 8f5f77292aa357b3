"""ECS: the cluster and the API service (created with 0 tasks, then converged to our settings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from loan_infra.aws import Aws, planned
from loan_infra.config import Config
from loan_infra.errors import InfraError
from loan_infra.output import Reporter

if TYPE_CHECKING:
    from mypy_boto3_ecs.type_defs import DeploymentConfigurationTypeDef, NetworkConfigurationTypeDef

DEPLOYMENT_CONFIGURATION: DeploymentConfigurationTypeDef = {
    "deploymentCircuitBreaker": {"enable": True, "rollback": True},
    # Never dip below full capacity during a roll; start the new tasks alongside the old.
    "minimumHealthyPercent": 100,
    "maximumPercent": 200,
}


@dataclass(frozen=True)
class Service:
    arn: str
    task_definition: str
    desired: int
    running: int
    network: dict[str, Any]
    raw: dict[str, Any] = field(repr=False)

    @property
    def deployments(self) -> list[dict[str, Any]]:
        return list(self.raw.get("deployments", []))

    @property
    def primary(self) -> dict[str, Any]:
        return next((d for d in self.deployments if d.get("status") == "PRIMARY"), {})


# --- cluster -----------------------------------------------------------------------------------


def ensure_cluster(aws: Aws, out: Reporter, name: str) -> str:
    found = aws.ecs.describe_clusters(clusters=[name])["clusters"]
    active = next((c for c in found if c.get("status") == "ACTIVE"), None)
    if active is not None:
        out.resource("exists", f"ECS cluster {name}")
        return str(active["clusterArn"])
    if out.dry_run:
        out.resource("created", f"ECS cluster {name}", "Container Insights on")
        return planned(f"cluster {name}")
    created = aws.ecs.create_cluster(clusterName=name, settings=[{"name": "containerInsights", "value": "enabled"}])[
        "cluster"
    ]
    out.resource("created", f"ECS cluster {name}", "Container Insights on")
    return str(created["clusterArn"])


# --- service -----------------------------------------------------------------------------------


def describe_service(aws: Aws, config: Config) -> Service | None:
    n = config.names
    try:
        found = aws.ecs.describe_services(cluster=n.cluster, services=[n.service])["services"]
    except ClientError as exc:
        if "ClusterNotFound" in str(exc):
            return None
        raise
    svc = next((s for s in found if s.get("status") == "ACTIVE"), None)
    if svc is None:
        return None
    return Service(
        arn=str(svc["serviceArn"]),
        task_definition=str(svc.get("taskDefinition", "")),
        desired=int(svc.get("desiredCount", 0)),
        running=int(svc.get("runningCount", 0)),
        network=dict(svc.get("networkConfiguration", {})),
        raw=dict(svc),
    )


def require_service(aws: Aws, config: Config) -> Service:
    svc = describe_service(aws, config)
    if svc is None:
        n = config.names
        raise InfraError(f"ECS service {n.service} not found in cluster {n.cluster}: run `loan-infra bootstrap` first")
    return svc


def ensure_service(aws: Aws, out: Reporter, config: Config, task_definition: str, target_group: str) -> None:
    """Create the service if missing (0 tasks until the first deploy), then converge its settings."""
    n = config.names
    current = describe_service(aws, config)
    if current is None:
        if out.dry_run:
            out.resource("created", f"ECS service {n.service}", "0 tasks until the first deploy-api")
            return
        _create_service(aws, config, task_definition, target_group)
        out.resource("created", f"ECS service {n.service}", "0 tasks until the first deploy-api")
        current = require_service(aws, config)
        # Converge quietly: some ECS implementations (moto) drop settings given at creation.
        _sync_service(aws, config, current, dry_run=False)
        return
    drift = _sync_service(aws, config, current, dry_run=out.dry_run)
    out.resource("updated" if drift else "exists", f"ECS service {n.service}", ", ".join(drift))


def _create_service(aws: Aws, config: Config, task_definition: str, target_group: str) -> None:
    n = config.names
    aws.ecs.create_service(
        cluster=n.cluster,
        serviceName=n.service,
        taskDefinition=task_definition,
        # The first deploy-api sets the real count, once there is an image to run.
        desiredCount=0,
        launchType="FARGATE",
        networkConfiguration=_network(config),
        loadBalancers=[{"targetGroupArn": target_group, "containerName": n.container, "containerPort": 8000}],
        healthCheckGracePeriodSeconds=config.ecs.health_check_grace_seconds,
        deploymentConfiguration=DEPLOYMENT_CONFIGURATION,
        deploymentController={"type": "ECS"},
        propagateTags="SERVICE",
        enableECSManagedTags=True,
        tags=[{"key": "managed-by", "value": "loan-infra"}],
    )


def _network(config: Config) -> NetworkConfigurationTypeDef:
    if not config.network.subnets or not config.network.security_groups:
        raise InfraError("network.subnets and network.security_groups must be set for the ECS service")
    return {
        "awsvpcConfiguration": {
            "subnets": list(config.network.subnets),
            "securityGroups": list(config.network.security_groups),
            "assignPublicIp": "ENABLED" if config.network.assign_public_ip else "DISABLED",
        }
    }


def _sync_service(aws: Aws, config: Config, svc: Service, *, dry_run: bool) -> list[str]:
    current = svc.raw.get("deploymentConfiguration", {})
    drift = []
    if any(current.get(k) != v for k, v in DEPLOYMENT_CONFIGURATION.items()):
        drift.append("circuit breaker and deployment percentages")
    if svc.raw.get("healthCheckGracePeriodSeconds") != config.ecs.health_check_grace_seconds:
        drift.append("health check grace period")
    if drift and not dry_run:
        # Neither setting starts a new deployment, so this is safe on a live service.
        aws.ecs.update_service(
            cluster=config.names.cluster,
            service=config.names.service,
            deploymentConfiguration=DEPLOYMENT_CONFIGURATION,
            healthCheckGracePeriodSeconds=config.ecs.health_check_grace_seconds,
        )
    return drift
