"""deploy-api and rollback-api: migrations gate the rollout, and a rollout counts only if ours won."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from .conftest import CLI, PREFIX, Clients, Edge, Result
from .moto_gaps import EcsScheduler

SERVICE = f"{PREFIX}-api"


def service(aws: Clients) -> dict[str, Any]:
    return dict(aws.ecs.describe_services(cluster=PREFIX, services=[SERVICE])["services"][0])


@pytest.fixture
def deploy(cli: CLI, push_image: Callable[[str], None], edge: Edge, bootstrapped: Result) -> Callable[[str], Result]:
    def run(tag: str) -> Result:
        push_image(tag)
        return cli("deploy-api", "--image-tag", tag, "--api-url", edge.url)

    return run


def test_first_deploy_migrates_first_then_scales_up_with_secrets_by_arn(
    deploy: Callable[[str], Result], aws: Clients, ecs: EcsScheduler
) -> None:
    result = deploy("aaa111")

    assert result.code == 0, result.err
    svc = service(aws)
    assert svc["taskDefinition"].endswith(f"{SERVICE}:2")
    assert svc["desiredCount"] == 2
    # The migration ran from the new revision, on the service's own network, with the migrate command.
    [run] = ecs.runs
    assert run["task_definition"] == svc["taskDefinition"]
    assert run["network"] == svc["networkConfiguration"]
    assert run["overrides"]["containerOverrides"] == [{"name": "api", "command": ["loan-engine", "db", "upgrade"]}]
    # ...and strictly before the service was touched.
    assert result.out.index("exited 0") < result.out.index(f"rolling {SERVICE} to")

    # Secrets by ARN, never by value.
    td = aws.ecs.describe_task_definition(taskDefinition=SERVICE)["taskDefinition"]
    container = td["containerDefinitions"][0]
    assert container["image"].endswith("/loan-engine/api:aaa111")
    secrets = {s["name"]: s["valueFrom"] for s in container["secrets"]}
    assert set(secrets) == {"DATABASE_URL", "JWT_SECRET", "JWT_PREVIOUS_SECRET", "DATA_KEK"}
    assert all(v.startswith("arn:aws:secretsmanager:") for v in secrets.values())
    assert secrets["JWT_SECRET"].endswith(":JWT_SECRET::")
    env = {e["name"]: e["value"] for e in container["environment"]}
    assert env["ENVIRONMENT"] == "prod"
    assert not {"DATABASE_URL", "JWT_SECRET", "JWT_PRIVATE_KEY", "DATA_KEK"} & set(env)
    assert container["portMappings"][0]["containerPort"] == 8000
    assert container["command"] == ["loan-engine", "serve", "--host", "0.0.0.0", "--port", "8000"]

    # The worker follows on the same image and secrets, as one `loan-engine worker` task, after the API.
    worker_svc = aws.ecs.describe_services(cluster=PREFIX, services=[f"{PREFIX}-worker"])["services"][0]
    assert worker_svc["taskDefinition"].endswith(f"{PREFIX}-worker:2")
    assert worker_svc["desiredCount"] == 1
    worker = aws.ecs.describe_task_definition(taskDefinition=f"{PREFIX}-worker")["taskDefinition"]
    [worker_container] = worker["containerDefinitions"]
    assert worker_container["image"] == container["image"]
    assert worker_container["command"] == ["loan-engine", "worker"]
    assert worker_container["secrets"] == container["secrets"]
    assert "portMappings" not in worker_container or not worker_container["portMappings"]
    assert worker_container["logConfiguration"]["options"]["awslogs-group"] == f"/ecs/{PREFIX}-worker"
    assert result.out.index(f"{SERVICE} is running") < result.out.index(f"rolling {PREFIX}-worker to")


def test_failed_migration_stops_the_deploy_before_the_service_changes(
    deploy: Callable[[str], Result], aws: Clients, ecs: EcsScheduler
) -> None:
    assert deploy("aaa111").code == 0
    before = service(aws)
    updates_before = len(ecs.updates)
    ecs.migration_exit_code = 3

    result = deploy("bbb222")

    assert result.code == 1
    assert result.err.count("\n") == 1
    assert "migration task" in result.err
    assert "exited with code 3" in result.err
    assert "the service was not changed" in result.err
    assert len(ecs.updates) == updates_before, "UpdateService must not be called"
    after = service(aws)
    assert after["taskDefinition"] == before["taskDefinition"]
    assert after["deployments"] == before["deployments"]


def test_migration_task_that_never_started_also_stops_the_deploy(
    deploy: Callable[[str], Result], aws: Clients, ecs: EcsScheduler
) -> None:
    ecs.migration_exit_code = None
    ecs.migration_stop_reason = "CannotPullContainerError: pull image manifest has been retried 5 time(s)"

    result = deploy("aaa111")

    assert result.code == 1
    assert "stopped without an exit code" in result.err
    assert "TaskFailedToStart" in result.err
    assert "CannotPullContainerError" in result.err
    assert service(aws)["desiredCount"] == 0


def test_circuit_breaker_rollback_fails_the_deploy_and_names_the_revision_left_running(
    deploy: Callable[[str], Result], aws: Clients, ecs: EcsScheduler
) -> None:
    assert deploy("aaa111").code == 0
    ecs.next_outcomes = ["rollback"]

    result = deploy("bbb222")

    assert result.code == 1
    assert f"ECS rolled back the deployment of {SERVICE}:3" in result.err
    assert "circuit breaker" in result.err
    assert f"the service is running {SERVICE}:2" in result.err
    svc = service(aws)
    assert svc["taskDefinition"].endswith(f"{SERVICE}:2")
    assert [d["rolloutState"] for d in svc["deployments"]] == ["COMPLETED"]


def test_new_revision_that_is_not_ready_is_rolled_back_by_the_tool(
    deploy: Callable[[str], Result], aws: Clients, edge: Edge
) -> None:
    assert deploy("aaa111").code == 0
    edge.ready = False

    result = deploy("bbb222")

    assert result.code == 1
    assert f"{SERVICE}:3 is not ready" in result.err
    assert "HTTP 503" in result.err
    assert f"rolled back to {SERVICE}:2" in result.err
    assert service(aws)["taskDefinition"].endswith(f"{SERVICE}:2")


def test_rollout_that_never_finishes_times_out_and_is_rolled_back(
    deploy: Callable[[str], Result],
    cli: CLI,
    push_image: Callable[[str], None],
    edge: Edge,
    ecs: EcsScheduler,
) -> None:
    assert deploy("aaa111").code == 0
    ecs.next_outcomes = ["stuck"]  # the tool's own rollback then completes
    push_image("bbb222")

    result = cli(
        "deploy-api", "--image-tag", "bbb222", "--api-url", edge.url, "--set", "timing.deployment_minutes=0.005"
    )

    assert result.code == 1
    assert f"timed out after 0.3s waiting for the deployment of {SERVICE}:3 to complete" in result.err
    assert f"rolled back to {SERVICE}:2" in result.err


def test_redeploying_the_same_image_registers_nothing_and_starts_no_deployment(
    deploy: Callable[[str], Result], cli: CLI, edge: Edge, aws: Clients, ecs: EcsScheduler
) -> None:
    assert deploy("aaa111").code == 0
    updates = len(ecs.updates)

    again = cli("deploy-api", "--image-tag", "aaa111", "--api-url", edge.url)

    assert again.code == 0, again.err
    assert f"task definition {SERVICE}:2 (same image and settings)" in again.out
    assert "not starting a new deployment" in again.out
    assert len(ecs.updates) == updates
    assert len(aws.ecs.list_task_definitions(familyPrefix=SERVICE)["taskDefinitionArns"]) == 2


def test_image_that_was_never_pushed_fails_before_touching_anything(
    cli: CLI, bootstrapped: Result, aws: Clients, ecs: EcsScheduler
) -> None:
    result = cli("deploy-api", "--image-tag", "nothere")

    assert result.code == 1
    assert "image loan-engine/api:nothere is not in ECR: build and push it first" in result.err
    assert ecs.runs == []
    assert len(aws.ecs.list_task_definitions(familyPrefix=SERVICE)["taskDefinitionArns"]) == 1


def test_rollback_api_puts_the_previous_revision_back_without_migrating(
    deploy: Callable[[str], Result], cli: CLI, edge: Edge, aws: Clients, ecs: EcsScheduler
) -> None:
    assert deploy("aaa111").code == 0
    assert deploy("bbb222").code == 0
    migrations = len(ecs.runs)

    result = cli("rollback-api", "--api-url", edge.url)

    assert result.code == 0, result.err
    assert f"rolling back {SERVICE} from {SERVICE}:3 to {SERVICE}:2" in result.out
    assert service(aws)["taskDefinition"].endswith(f"{SERVICE}:2")
    assert len(ecs.runs) == migrations


def test_deploy_dry_run_migrates_nothing_and_changes_nothing(
    cli: CLI, bootstrapped: Result, push_image: Callable[[str], None], aws: Clients, ecs: EcsScheduler
) -> None:
    push_image("aaa111")
    updates = len(ecs.updates)

    result = cli("deploy-api", "--image-tag", "aaa111", "--dry-run")

    assert result.code == 0, result.err
    assert "[  would create] task definition revision" in result.out
    assert ecs.runs == []
    assert len(ecs.updates) == updates
    assert len(aws.ecs.list_task_definitions(familyPrefix=SERVICE)["taskDefinitionArns"]) == 1


def test_rotating_the_jwt_key_keeps_the_old_one_as_previous_and_restarts_tasks(
    deploy: Callable[[str], Result], cli: CLI, aws: Clients, ecs: EcsScheduler
) -> None:
    assert deploy("aaa111").code == 0
    secret_id = "loan-engine/test/jwt"
    old = json.loads(aws.secretsmanager.get_secret_value(SecretId=secret_id)["SecretString"])

    result = cli("rotate-secret", "jwt")

    assert result.code == 0, result.err
    new = json.loads(aws.secretsmanager.get_secret_value(SecretId=secret_id)["SecretString"])
    assert new["JWT_PREVIOUS_SECRET"] == old["JWT_SECRET"]
    assert new["JWT_SECRET"] != old["JWT_SECRET"]
    assert len(new["JWT_SECRET"]) >= 64
    forced = [u for u in ecs.updates[-2:] if u["force_new_deployment"]]
    assert [u["service"] for u in forced] == [SERVICE, f"{PREFIX}-worker"], "the API's tasks, then the worker's"
    assert new["JWT_SECRET"] not in result.out + result.err


def test_rollback_never_targets_the_placeholder_revision_bootstrap_created(
    deploy: Callable[[str], Result], cli: CLI, aws: Clients
) -> None:
    assert deploy("aaa111").code == 0

    result = cli("rollback-api")

    assert result.code == 1
    assert f"no revision of {SERVICE} older than {SERVICE}:2 ran a real image" in result.err
    assert service(aws)["taskDefinition"].endswith(f"{SERVICE}:2")
