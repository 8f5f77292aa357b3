"""What moto 5.2 cannot do, played inside the moto server so loan-infra's real code runs unchanged.

Everything here runs *server side*: loan-infra talks to the moto server over HTTP exactly as it talks
to AWS, and these additions only change what the server answers. Each gap is named, and each
stand-in follows the AWS API's documented behaviour, not loan-infra's expectations.

1. CloudFront response-headers policies and PublishFunction/UpdateFunction are not implemented.
   We add them with the AWS wire shapes (moto's own botocore-model serializer renders them).
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
5. S3 bucket policies are evaluated without regard to the principal (see the function below).
"""

from __future__ import annotations

import copy
import itertools
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import moto.cloudfront.urls as cloudfront_urls
from moto.cloudfront.responses import CloudFrontResponse
from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.ecs.models import EC2ContainerServiceBackend
from moto.elbv2.models import elbv2_backends
from moto.moto_api._internal import mock_random
from moto.s3.models import FakeBucket

# --- 1. CloudFront ------------------------------------------------------------------------------

_HEADERS_POLICIES: dict[str, dict[str, Any]] = {}


def _new_etag() -> str:
    return mock_random.get_random_string(length=14).upper()


def _policy_result(policy_id: str) -> dict[str, Any]:
    stored = _HEADERS_POLICIES[policy_id]
    return {"Id": policy_id, "LastModifiedTime": stored["modified"], "ResponseHeadersPolicyConfig": stored["config"]}


def create_response_headers_policy(self: CloudFrontResponse) -> ActionResult:
    config = self._get_param("ResponseHeadersPolicyConfig")
    policy_id = mock_random.get_random_string(length=32, lower_case=True)
    _HEADERS_POLICIES[policy_id] = {"config": config, "modified": utcnow(), "etag": _new_etag()}
    return ActionResult(
        {
            "ResponseHeadersPolicy": _policy_result(policy_id),
            "Location": f"https://cloudfront.amazonaws.com/2020-05-31/response-headers-policy/{policy_id}",
            "ETag": _HEADERS_POLICIES[policy_id]["etag"],
        }
    )


def get_response_headers_policy(self: CloudFrontResponse) -> ActionResult:
    policy_id = self._get_param("Id")
    return ActionResult(
        {"ResponseHeadersPolicy": _policy_result(policy_id), "ETag": _HEADERS_POLICIES[policy_id]["etag"]}
    )


def update_response_headers_policy(self: CloudFrontResponse) -> ActionResult:
    policy_id = self._get_param("Id")
    _HEADERS_POLICIES[policy_id].update(
        config=self._get_param("ResponseHeadersPolicyConfig"), modified=utcnow(), etag=_new_etag()
    )
    return ActionResult(
        {"ResponseHeadersPolicy": _policy_result(policy_id), "ETag": _HEADERS_POLICIES[policy_id]["etag"]}
    )


def list_response_headers_policies(self: CloudFrontResponse) -> ActionResult:
    items = [{"Type": "custom", "ResponseHeadersPolicy": _policy_result(pid)} for pid in _HEADERS_POLICIES]
    return ActionResult({"ResponseHeadersPolicyList": {"MaxItems": 100, "Quantity": len(items), "Items": items}})


def publish_function(self: CloudFrontResponse) -> ActionResult:
    function = self.backend.describe_function(self._get_param("Name"))
    function.stage, function.status = "LIVE", "UNASSOCIATED"
    return ActionResult({"FunctionSummary": function.function_summary})


def update_function(self: CloudFrontResponse) -> ActionResult:
    function = self.backend.describe_function(self._get_param("Name"))
    function.code = self._get_param("FunctionCode")
    function.config = self._get_param("FunctionConfig")
    function.stage, function.etag = "DEVELOPMENT", _new_etag()
    return ActionResult({"FunctionSummary": function.function_summary, "ETag": function.etag})


def install_cloudfront_gaps() -> None:
    """Register the extra routes and handlers; must run before the server's first CloudFront call."""
    for name, handler in {
        "create_response_headers_policy": create_response_headers_policy,
        "get_response_headers_policy": get_response_headers_policy,
        "update_response_headers_policy": update_response_headers_policy,
        "list_response_headers_policies": list_response_headers_policies,
        "publish_function": publish_function,
        "update_function": update_function,
    }.items():
        setattr(CloudFrontResponse, name, handler)
    dispatch = CloudFrontResponse.dispatch
    cloudfront_urls.url_paths.update(
        {
            "{0}/2020-05-31/response-headers-policy$": dispatch,
            "{0}/2020-05-31/response-headers-policy/(?P<policy_id>[^/]+)$": dispatch,
            "{0}/2020-05-31/function/(?P<function_name>[^/]+)/publish$": dispatch,
        }
    )


def reset_cloudfront_gaps() -> None:
    _HEADERS_POLICIES.clear()


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


# --- 5. S3 bucket policies ------------------------------------------------------------------------


def install_bucket_policy_principals(monkeypatch: Any) -> None:
    """moto applies every bucket-policy statement to every caller and denies when it cannot evaluate a
    condition. AWS applies a statement only to its principal: the CloudFront-only statement of the
    web bucket never concerns the deploy role. We drop service-principal statements before moto
    evaluates the policy for a test caller (who is never an AWS service)."""
    original = FakeBucket.get_permission

    def get_permission(bucket: FakeBucket, action: str, resource: str) -> Any:
        if bucket.policy is None:
            return original(bucket, action, resource)
        document = json.loads(bucket.policy.decode())
        statements = [s for s in document.get("Statement", []) if "Service" not in (s.get("Principal") or {})]
        saved = bucket.policy
        try:
            bucket.policy = json.dumps({**document, "Statement": statements}).encode() if statements else None
            return original(bucket, action, resource)
        finally:
            bucket.policy = saved

    monkeypatch.setattr(FakeBucket, "get_permission", get_permission)
