"""The migration step: `loan-engine db upgrade` as a one-off Fargate task, gated on its exit code.

It runs from the *new* revision (new code, new migrations) on the service's own subnets and security
group, before the service changes. Only the container's exit code proves success: a task can stop for
many reasons (image pull failure, unreadable secrets, out of memory), each with a null or non-zero code.
We poll DescribeTasks ourselves: the `tasks_running` waiter misses tasks that stop between two polls.
"""

from __future__ import annotations

from typing import Any

from loan_infra.aws import Aws
from loan_infra.config import Config
from loan_infra.ecs import Service
from loan_infra.errors import InfraError
from loan_infra.logs import tail
from loan_infra.output import Reporter
from loan_infra.poll import poll_until
from loan_infra.taskdefs import revision_name


def run_migration(aws: Aws, out: Reporter, config: Config, task_definition: str, svc: Service) -> None:
    """Run `loan-engine db upgrade` from `task_definition` on the service's network; fail unless exit 0."""
    n = config.names
    command = list(config.ecs.migrate_command)
    out.step(f"running migrations: {' '.join(command)} from {revision_name(task_definition)}")
    if out.dry_run:
        out.info("dry run: migration task not started")
        return
    started = aws.ecs.run_task(
        cluster=n.cluster,
        taskDefinition=task_definition,
        launchType="FARGATE",
        count=1,
        networkConfiguration=task_network(config, svc),  # type: ignore[arg-type]
        startedBy="loan-infra-migrate",
        overrides={"containerOverrides": [{"name": n.container, "command": command}]},
    )
    if started.get("failures") or not started.get("tasks"):
        reasons = "; ".join(f"{f.get('reason')} {f.get('detail', '')}".strip() for f in started.get("failures", []))
        raise InfraError(f"could not start the migration task: {reasons or 'no task returned'}")
    task_arn = str(started["tasks"][0]["taskArn"])
    out.info(f"migration task {task_arn.rsplit('/', 1)[-1]} started; waiting for it to stop")
    task = poll_until(
        lambda: _stopped_task(aws, n.cluster, task_arn),
        what=f"migration task {task_arn.rsplit('/', 1)[-1]} to stop",
        timeout_seconds=config.timing.migration_minutes * 60,
        interval_seconds=config.timing.poll_seconds,
    )
    _check_exit_code(aws, out, config, task)


def task_network(config: Config, svc: Service) -> dict[str, Any]:
    """The api stack's task network (its outputs), else the service's own: the same subnets and group."""
    out = dict(config.outputs)
    if not out.get("TaskSubnets"):
        return svc.network
    return {
        "awsvpcConfiguration": {
            "subnets": out["TaskSubnets"].split(","),
            "securityGroups": out["TaskSecurityGroups"].split(","),
            "assignPublicIp": out.get("AssignPublicIp", "DISABLED"),
        }
    }


def _stopped_task(aws: Aws, cluster: str, task_arn: str) -> dict[str, Any] | None:
    tasks = aws.ecs.describe_tasks(cluster=cluster, tasks=[task_arn])["tasks"]
    if tasks and tasks[0].get("lastStatus") == "STOPPED":
        return dict(tasks[0])
    return None


def _check_exit_code(aws: Aws, out: Reporter, config: Config, task: dict[str, Any]) -> None:
    # The exit code of *our* container is the only evidence the migration succeeded: a task can stop
    # for many reasons (image pull failure, secrets not readable, OOM), each with a null or non-zero code.
    n = config.names
    task_id = str(task["taskArn"]).rsplit("/", 1)[-1]
    container: dict[str, Any] = next((c for c in task.get("containers", []) if c.get("name") == n.container), {})
    code = container.get("exitCode")
    if code == 0:
        out.info(f"migration task {task_id} exited 0")
        return
    for line in tail(aws, n.log_group, f"{n.container}/{n.container}/{task_id}"):
        out.info(f"| {line}")
    outcome = f"exited with code {code}" if code is not None else "stopped without an exit code"
    why = ": ".join(str(x) for x in (task.get("stopCode"), task.get("stoppedReason")) if x)
    raise InfraError(
        f"migration task {task_id} {outcome}" + (f" ({why})" if why else "") + "; the service was not changed"
    )
