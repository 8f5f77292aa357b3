"""What moto 5.2 cannot do, played inside the moto server so loan-infra's real code runs unchanged.

Everything here runs *server side*: loan-infra talks to the moto server over HTTP exactly as it talks
to AWS, and these additions only change what the server answers. Each gap is named, and each
stand-in follows the AWS API's documented behaviour, not loan-infra's expectations.

1. An executed change set leaves the stack with the outputs of its previous template (none after a
   CREATE); we evaluate the new template's Outputs as AWS does. And an ECS service made from a
   template loses its LoadBalancers and NetworkConfiguration; we keep them as AWS does. A change
   set that changes only parameters lists no changes; we list the resources that use them.
2. ECS has no deployment scheduler: UpdateService swaps the task definition but the deployment list
   never changes, so a rollout can neither progress nor fail. `EcsScheduler` models the deployment
   state machine ECS documents: a new PRIMARY deployment IN_PROGRESS -> COMPLETED (old one drained),
   or, with the circuit breaker, the new deployment FAILED and a rollback deployment of the previous
   revision becoming PRIMARY. Each DescribeServices call advances time by one step.
3. Tasks cannot run, so a migration container cannot really exit non-zero. moto already walks a task
   RUNNING -> STOPPED across DescribeTasks calls; `EcsScheduler` sets the container's exit code
   and stop reason that ECS would report, per the scenario the test chose.
4. ECS does not register tasks with the load balancer; on a completed rollout `EcsScheduler` puts
   one target per running task into the service's target group, as ECS does.

moto's CloudFormation cannot create the web stack's CloudFront resources or the bucket policy, nor
the schedule stack's EventBridge Scheduler schedule: those templates are checked statically
(test_templates.py), and the deploy tests pass an existing bucket and distribution in instead
(`stacks.web = false`), as an account that already has them would.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from moto.cloudformation.models import Change, ChangeSet, CloudFormationBackend
from moto.core.utils import utcnow
from moto.ecs.models import EC2ContainerServiceBackend, Service
from moto.elbv2.models import elbv2_backends
from moto.moto_api._internal import mock_random

# --- 1. CloudFormation change sets --------------------------------------------------------------


def install_change_set_outputs(monkeypatch: Any) -> None:
    """moto applies an executed change set's resources but keeps the outputs of the template the stack
    had before (none, for a CREATE change set). AWS evaluates the new template's Outputs; so do we,
    after moto's own execution, from the template moto just applied."""
    original = CloudFormationBackend.execute_change_set

    def execute_change_set(backend: CloudFormationBackend, change_set_name: str, stack_name: str | None = None) -> None:
        original(backend, change_set_name, stack_name)
        for stack in backend.stacks.values():
            if stack_name in (stack.name, stack.stack_id):
                stack._parse_template()
                stack.output_map = stack._create_output_map()

    monkeypatch.setattr(CloudFormationBackend, "execute_change_set", execute_change_set)


def install_change_set_parameter_diff(monkeypatch: Any) -> None:
    """moto lists a change set's changes from the template alone, so a change set that only changes
    parameters shows no changes, though executing it does update the resources that use them. AWS
    lists those resources as Modify; we compute the list with the parameters, as moto's own update does."""

    def diff(change_set: ChangeSet) -> list[Change]:
        actions = change_set.stack.resource_map.build_resource_diff(change_set.template_dict, change_set.parameters)
        resources = change_set.template_dict.get("Resources", {})
        return [
            Change(action=action, logical_resource_id=name, resource_type=resources.get(name, {}).get("Type", ""))
            for action, names in actions.items()
            for name in names
        ]

    monkeypatch.setattr(ChangeSet, "diff", diff)


def install_stack_service_settings(monkeypatch: Any) -> None:
    """moto creates an AWS::ECS::Service from its template without its LoadBalancers and
    NetworkConfiguration (a TODO in moto). AWS keeps both; we copy them onto the service moto made,
    in the API's shape, so the release flow sees the service the template describes."""
    original = Service.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create(cls: type[Service], resource_name: str, cloudformation_json: Any, *args: Any, **kwargs: Any) -> Any:
        service = original(cls, resource_name, cloudformation_json, *args, **kwargs)
        props = cloudformation_json["Properties"]
        service.load_balancers = [
            {
                "targetGroupArn": lb["TargetGroupArn"],
                "containerName": lb["ContainerName"],
                "containerPort": int(lb["ContainerPort"]),
            }
            for lb in props.get("LoadBalancers", [])
        ]
        vpc = props.get("NetworkConfiguration", {}).get("AwsvpcConfiguration")
        if vpc:
            service.network_configuration = {
                "awsvpcConfiguration": {
                    "subnets": list(vpc["Subnets"]),
                    "securityGroups": list(vpc["SecurityGroups"]),
                    "assignPublicIp": vpc.get("AssignPublicIp", "DISABLED"),
                }
            }
        return service

    monkeypatch.setattr(Service, "create_from_cloudformation_json", classmethod(create))


# --- 2-4. ECS ----------------------------------------------------------------------------------


@dataclass
class Rollout:
    service_key: str
    outcome: str  # "complete" | "rollback" | "stuck"
    previous_task_definition: str
    steps: int = 0


@dataclass
class EcsScheduler:
    """Scenario knobs a test sets, plus a record of what the server was asked to do."""

    outcome: str = "complete"  # for every rollout not listed in `next_outcomes`
    next_outcomes: list[str] = field(default_factory=list)
    migration_exit_code: int | None = 0
    migration_stop_reason: str = "Essential container in task exited"
    updates: list[dict[str, Any]] = field(default_factory=list)
    runs: list[dict[str, Any]] = field(default_factory=list)
    rollouts: dict[str, Rollout] = field(default_factory=dict)
    _ips: itertools.count[int] = field(default_factory=lambda: itertools.count(10))

    # -- hooks installed on moto's ECS backend --

    def update_service(self, backend: EC2ContainerServiceBackend, original: Any, props: dict[str, Any]) -> Any:
        cluster, name = props.get("cluster", "default"), props["service"].split("/")[-1]
        before = backend._get_service(cluster, name).task_definition
        self.updates.append(copy.deepcopy(props))
        wants_new = bool(props.get("task_definition")) and props["task_definition"] != before
        forced = bool(props.get("force_new_deployment"))
        service = original(backend, props)
        if wants_new or forced:
            self._start(service, before or "")
        return service

    def describe_services(self, backend: EC2ContainerServiceBackend, original: Any, *args: Any) -> Any:
        services, failures = original(backend, *args)
        for service in services:
            rollout = self.rollouts.get(service.arn)
            if rollout is not None:
                self._advance(backend, service, rollout)
        return services, failures

    def run_task(self, backend: EC2ContainerServiceBackend, original: Any, *args: Any, **kwargs: Any) -> Any:
        tasks = original(backend, *args, **kwargs)
        for task in tasks:
            self.runs.append(
                {
                    "task_definition": task.task_definition_arn,
                    "overrides": task.overrides,
                    "network": getattr(task, "network_configuration", None),
                }
            )
            # What ECS reports for a container that ran and exited, or (code None) that never started.
            task.containers[0].exitCode = self.migration_exit_code
            task.stop_code = "EssentialContainerExited" if self.migration_exit_code is not None else "TaskFailedToStart"
            task.stopped_reason = self.migration_stop_reason
        return tasks

    # -- the deployment state machine --

    def _start(self, service: Any, previous: str) -> None:
        old = next(d for d in service.deployments if d["status"] == "PRIMARY")
        old["status"] = "ACTIVE"
        new = {
            **copy.deepcopy(old),
            "id": f"ecs-svc/{mock_random.randint(10**11, 10**12)}",
            "status": "PRIMARY",
            "taskDefinition": service.task_definition,
            "desiredCount": service.desired_count,
            "runningCount": 0,
            "pendingCount": service.desired_count,
            "failedTasks": 0,
            "rolloutState": "IN_PROGRESS",
            "rolloutStateReason": "ECS deployment in progress.",
            "createdAt": utcnow(),
            "updatedAt": utcnow(),
        }
        service.deployments = [new, old]
        service.running_count = old.get("runningCount", 0)
        outcome = self.next_outcomes.pop(0) if self.next_outcomes else self.outcome
        self.rollouts[service.arn] = Rollout(service.arn, outcome, previous)

    def _advance(self, backend: EC2ContainerServiceBackend, service: Any, rollout: Rollout) -> None:
        rollout.steps += 1
        new = service.deployments[0]
        if rollout.outcome == "stuck":
            return
        if rollout.outcome == "complete":
            if rollout.steps == 1:
                new["runningCount"] = max(1, service.desired_count // 2)
                return
            self._complete(backend, service, new)
            del self.rollouts[service.arn]
            return
        self._circuit_breaker(backend, service, rollout)

    def _circuit_breaker(self, backend: EC2ContainerServiceBackend, service: Any, rollout: Rollout) -> None:
        if rollout.steps == 1:
            failed = service.deployments[0]
            failed.update(
                status="ACTIVE",
                rolloutState="FAILED",
                failedTasks=3,
                rolloutStateReason="ECS deployment circuit breaker: tasks failed to start.",
            )
            back = {
                **copy.deepcopy(failed),
                "id": f"ecs-svc/{mock_random.randint(10**11, 10**12)}",
                "status": "PRIMARY",
                "taskDefinition": rollout.previous_task_definition,
                "rolloutState": "IN_PROGRESS",
                "rolloutStateReason": "ECS deployment in progress.",
                "failedTasks": 0,
            }
            service.task_definition = rollout.previous_task_definition
            service.deployments = [back, failed]
            service.events.insert(
                0,
                {
                    "id": str(mock_random.uuid4()),
                    "createdAt": utcnow(),
                    "message": f"(service {service.name}) (deployment {failed['id']}) deployment failed: "
                    "tasks failed to start.",
                },
            )
            return
        self._complete(backend, service, service.deployments[0])
        del self.rollouts[service.arn]

    def _complete(self, backend: EC2ContainerServiceBackend, service: Any, deployment: dict[str, Any]) -> None:
        deployment.update(
            rolloutState="COMPLETED",
            runningCount=service.desired_count,
            pendingCount=0,
            rolloutStateReason=f"ECS deployment {deployment['id']} completed.",
            updatedAt=datetime.now(UTC),
        )
        service.deployments = [deployment]
        service.running_count, service.pending_count = service.desired_count, 0
        self._register_targets(backend, service)

    def _register_targets(self, backend: EC2ContainerServiceBackend, service: Any) -> None:
        for lb in service.load_balancers:
            group = elbv2_backends[backend.account_id][backend.region_name].target_groups[lb["targetGroupArn"]]
            group.targets.clear()
            for _ in range(service.desired_count):
                ip = f"10.0.1.{next(self._ips)}"
                group.targets[ip] = {"Id": ip, "Port": lb["containerPort"]}


def install_ecs_scheduler(monkeypatch: Any, scheduler: EcsScheduler) -> None:
    """Route moto's ECS backend through `scheduler` for the duration of one test."""
    for name in ("update_service", "describe_services", "run_task"):
        original = getattr(EC2ContainerServiceBackend, name)
        hook = getattr(scheduler, name)

        def patched(backend: Any, *args: Any, _hook: Any = hook, _original: Any = original, **kwargs: Any) -> Any:
            return _hook(backend, _original, *args, **kwargs)

        monkeypatch.setattr(EC2ContainerServiceBackend, name, patched)
