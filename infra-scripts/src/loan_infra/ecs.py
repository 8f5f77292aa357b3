"""ECS: reading the services the api stack created (the release flow rolls them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from loan_infra.aws import Aws
from loan_infra.config import Config
from loan_infra.errors import InfraError


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


# --- services (the api stack creates them; deploys and checks read them) -----------------------


def describe_service(aws: Aws, config: Config) -> Service | None:
    return describe_named_service(aws, config.names.cluster, config.names.service)


def describe_named_service(aws: Aws, cluster: str, service: str) -> Service | None:
    try:
        found = aws.ecs.describe_services(cluster=cluster, services=[service])["services"]
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


def require_service(aws: Aws, config: Config, service: str = "") -> Service:
    """The API service, or the named one (the worker)."""
    n = config.names
    name = service or n.service
    svc = describe_named_service(aws, n.cluster, name)
    if svc is None:
        raise InfraError(f"ECS service {name} not found in cluster {n.cluster}: run `loan-infra bootstrap` first")
    return svc
