"""`deploy-api` and `rollback-api`: the API pipeline's sequence, owned end to end by this tool.

register revision -> migrate (exit code 0 or stop) -> update service -> wait for *our* deployment
-> verify /health/ready through the ALB -> on failure put the previous revision back and say so ->
then the worker service onto the same image. Every name comes from the api stack's outputs.
"""

from __future__ import annotations

from typing import Any

from loan_infra import ecr, ecs, taskdefs
from loan_infra.alb import api_base_url
from loan_infra.aws import Aws
from loan_infra.config import Config
from loan_infra.ecs import Service
from loan_infra.errors import InfraError
from loan_infra.migration import run_migration
from loan_infra.output import Reporter
from loan_infra.poll import PollTimeoutError
from loan_infra.rollout import deploy_revision
from loan_infra.secrets import resolve_app_secrets
from loan_infra.taskdefs import revision_name
from loan_infra.verify import wait_for_ready


def deploy_api(aws: Aws, out: Reporter, config: Config, image_tag: str, api_url: str = "") -> str:
    n = config.names
    out.step(f"deploying image {n.repository}:{image_tag} to {n.cluster}/{n.service}")
    image = ecr.image_uri(aws, n.repository, image_tag)
    before = ecs.require_service(aws, config)
    out.info(f"service is running {revision_name(before.task_definition)} with {before.desired} tasks")
    document = taskdefs.render_task_definition(
        aws,
        config,
        image=image,
        secrets=resolve_app_secrets(aws, n).container_secrets(),
        execution_role=n.execution_role_arn,
        task_role=n.task_role_arn,
    )
    new_revision = taskdefs.register_task_definition(aws, out, document)
    run_migration(aws, out, config, new_revision, before)
    # A service that bootstrap created has 0 tasks; the first deploy brings it to the configured size.
    desired = before.desired or config.ecs.desired_count
    revision = _roll_and_verify(
        aws, out, config, new_revision, desired=desired, before=before, api_url=api_url, restore=True
    )
    roll_worker(aws, out, config, taskdefs.worker_task_definition(config, document))
    return revision


def roll_worker(aws: Aws, out: Reporter, config: Config, document: dict[str, Any]) -> None:
    """Put the worker on the same image, after the API: the migrations it needs have run by now.

    The worker serves no traffic, so there is nothing to verify beyond ECS's own rollout (its circuit
    breaker puts the previous revision back if the new one keeps crashing).
    """
    n = config.names
    worker = ecs.require_service(aws, config, n.worker_service)
    revision = taskdefs.register_task_definition(aws, out, document)
    desired = worker.desired or config.ecs.worker_count
    if worker.task_definition == revision and worker.running == worker.desired == desired:
        out.info(f"{n.worker_service} already runs {revision_name(revision)}")
        return
    deploy_revision(aws, out, config, revision, desired, service=n.worker_service)


def rollback_api(aws: Aws, out: Reporter, config: Config, to: str = "", api_url: str = "") -> str:
    """Put an already-registered revision back (no migrations: they are expand-only, so old code runs)."""
    before = ecs.require_service(aws, config)
    family = config.names.family
    target = (
        taskdefs.resolve_revision(aws, family, to)
        if to
        else taskdefs.previous_revision(aws, family, before.task_definition)
    )
    out.step(
        f"rolling back {config.names.service} from {revision_name(before.task_definition)} to {revision_name(target)}"
    )
    # No automatic way back from a rollback: if the target is unhealthy too, a person decides what next.
    return _roll_and_verify(
        aws,
        out,
        config,
        target,
        desired=before.desired or config.ecs.desired_count,
        before=before,
        api_url=api_url,
        restore=False,
    )


def _roll_and_verify(
    aws: Aws,
    out: Reporter,
    config: Config,
    revision: str,
    *,
    desired: int,
    before: Service,
    api_url: str,
    restore: bool,
) -> str:
    if before.task_definition == revision and before.running == before.desired and before.desired > 0:
        out.info(f"service already runs {revision_name(revision)}; not starting a new deployment")
    else:
        try:
            deploy_revision(aws, out, config, revision, desired)
        except PollTimeoutError as exc:
            # Stuck rollouts (tasks that never fail outright) do not trip the circuit breaker.
            if not restore:
                raise
            raise _restore(aws, out, config, before, str(exc)) from exc
    if out.dry_run:
        return revision
    try:
        wait_for_ready(out, api_url or api_base_url(aws, config), config.timing)
    except InfraError as exc:
        if not restore or before.task_definition == revision:
            raise
        raise _restore(aws, out, config, before, f"{revision_name(revision)} is not ready: {exc}") from exc
    out.step(f"{config.names.service} is running {revision_name(revision)}")
    return revision


def _restore(aws: Aws, out: Reporter, config: Config, before: Service, reason: str) -> InfraError:
    """Roll the service back to what it ran before this deploy; returns the error to raise."""
    previous = revision_name(before.task_definition)
    out.step(f"{reason}; rolling back to {previous}")
    try:
        deploy_revision(aws, out, config, before.task_definition, before.desired)
    except InfraError as exc:
        return InfraError(f"{reason}; rollback to {previous} ALSO failed: {exc}")
    return InfraError(f"{reason}; rolled back to {previous}")
