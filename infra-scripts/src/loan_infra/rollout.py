"""Rolling the service to a revision, and deciding whether the rollout really succeeded.

A rollout counts as done only when *our* deployment (by id) is the PRIMARY one, COMPLETED, alone, with
all tasks running. After a circuit-breaker rollback ECS reports the service "stable" on the old revision,
so waiting for "stable" alone would turn a failed deploy green.
"""

from __future__ import annotations

from typing import Any

from loan_infra.aws import Aws, is_planned
from loan_infra.config import Config
from loan_infra.ecs import Service, require_service
from loan_infra.errors import InfraError
from loan_infra.output import Reporter
from loan_infra.poll import poll_until
from loan_infra.taskdefs import revision_name


class RolledBackError(InfraError):
    """ECS (circuit breaker) put the previous revision back."""


def start_rollout(
    aws: Aws, config: Config, task_definition: str, desired: int, *, force: bool = False, service: str = ""
) -> str:
    """UpdateService (the API's, or `service`) to `task_definition`; returns the id of the new deployment."""
    updated = aws.ecs.update_service(
        cluster=config.names.cluster,
        service=service or config.names.service,
        taskDefinition=task_definition,
        desiredCount=desired,
        forceNewDeployment=force,
    )["service"]
    primary = next((d for d in updated.get("deployments", []) if d.get("status") == "PRIMARY"), None)
    return str(primary.get("id", "")) if primary else ""


def wait_for_rollout(
    aws: Aws, out: Reporter, config: Config, deployment_id: str, task_definition: str, *, service: str = ""
) -> Service:
    """Wait until deployment `deployment_id` is the only one, COMPLETED, with all tasks running."""
    seen: list[str] = []

    def check() -> Service | None:
        svc = require_service(aws, config, service)
        ours = next((d for d in svc.deployments if d.get("id") == deployment_id), None)
        primary = svc.primary
        if ours is None or ours.get("rolloutState") == "FAILED" or primary.get("id") != deployment_id:
            _raise_rolled_back(aws, out, config, svc, ours=ours, task_definition=task_definition, service=service)
        progress = f"rollout {primary.get('rolloutState', '?')}: {svc.running}/{svc.desired} running"
        if not seen or seen[-1] != progress:
            seen.append(progress)
            out.info(progress)
        done = primary.get("rolloutState") == "COMPLETED" and len(svc.deployments) == 1
        return svc if done and svc.running == svc.desired else None

    return poll_until(
        check,
        what=f"the deployment of {revision_name(task_definition)} to complete",
        timeout_seconds=config.timing.deployment_minutes * 60,
        interval_seconds=config.timing.poll_seconds,
    )


def _raise_rolled_back(
    aws: Aws,
    out: Reporter,
    config: Config,
    svc: Service,
    *,
    ours: dict[str, Any] | None,
    task_definition: str,
    service: str,
) -> None:
    found = (ours or {}).get("rolloutStateReason") or _last_failure_event(svc) or "deployment replaced"
    reason = str(found).rstrip(".")
    out.info(f"deployment of {revision_name(task_definition)} failed: {reason}")
    # Let ECS finish putting the old revision back so we can say what is running now.
    settled = poll_until(
        lambda: _settled(aws, config, service),
        what="the circuit-breaker rollback to finish",
        timeout_seconds=config.timing.deployment_minutes * 60,
        interval_seconds=config.timing.poll_seconds,
    )
    raise RolledBackError(
        f"ECS rolled back the deployment of {revision_name(task_definition)} ({reason}); "
        f"the service is running {revision_name(settled.task_definition)}"
    )


def _settled(aws: Aws, config: Config, service: str) -> Service | None:
    svc = require_service(aws, config, service)
    done = svc.primary.get("rolloutState") == "COMPLETED" and len(svc.deployments) == 1
    return svc if done else None


def _last_failure_event(svc: Service) -> str:
    for event in svc.raw.get("events", []):
        message = str(event.get("message", ""))
        if "circuit breaker" in message or "failed" in message:
            return message
    return ""


def deploy_revision(
    aws: Aws, out: Reporter, config: Config, task_definition: str, desired: int, *, service: str = ""
) -> Service:
    name = service or config.names.service
    out.step(f"rolling {name} to {revision_name(task_definition)} ({desired} tasks)")
    if is_planned(task_definition) or out.dry_run:
        out.info("dry run: service not updated")
        return require_service(aws, config, service)
    deployment_id = start_rollout(aws, config, task_definition, desired, service=service)
    return wait_for_rollout(aws, out, config, deployment_id, task_definition, service=service)
