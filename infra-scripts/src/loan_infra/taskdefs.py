"""ECS task definitions: render the template for an image, register only what changed, find old revisions.

A revision is registered only when the rendered definition changed: a hash tag on each revision records
what it was rendered from, so re-running a deploy of the same image registers nothing new.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from botocore.exceptions import ClientError

from loan_infra.aws import Aws, planned
from loan_infra.config import Config
from loan_infra.errors import InfraError
from loan_infra.output import Reporter
from loan_infra.render import render_json, validate_request

SPEC_TAG = "loan-infra:spec-sha256"
# The image tag of the revision bootstrap creates a new service with (0 tasks); never a rollback target.
PLACEHOLDER_IMAGE_TAG = "unset"


def revision_name(task_definition_arn: str) -> str:
    """`family:revision` from a task definition ARN, the form people recognise."""
    return task_definition_arn.rsplit("/", 1)[-1]


def render_task_definition(
    aws: Aws, config: Config, *, image: str, secrets: list[dict[str, str]], execution_role: str, task_role: str
) -> dict[str, Any]:
    """The task definition for `image`, filled from the template and checked against the ECS API shape."""
    n = config.names
    values = {
        "FAMILY": n.family,
        "TASK_ROLE_ARN": task_role,
        "EXECUTION_ROLE_ARN": execution_role,
        "TASK_CPU": str(config.ecs.cpu),
        "TASK_MEMORY": str(config.ecs.memory),
        # Container-level limits equal to the task's: harmless on Fargate, and they make the
        # definition explicit about what the one container may use.
        "CONTAINER_CPU": config.ecs.cpu,
        "CONTAINER_MEMORY": config.ecs.memory,
        "CONTAINER_NAME": n.container,
        "IMAGE": image,
        "SECRETS": secrets,
        "LOG_GROUP": n.log_group,
        "REGION": aws.region,
    }
    document: dict[str, Any] = render_json("task-definition.json", values)
    # Mail settings (SES SMTP) join the fixed environment; the worker's copy inherits them.
    document["containerDefinitions"][0]["environment"].extend(config.mail.environment(config.web.web_url))
    validate_request("ecs", "RegisterTaskDefinition", document)
    return document


def worker_task_definition(config: Config, api: dict[str, Any]) -> dict[str, Any]:
    """The worker's revision for the same image: `loan-engine worker`, no port, its own log group.

    Derived from the API's rendered definition so both always run the same image with the same secrets.
    """
    n = config.names
    document: dict[str, Any] = json.loads(json.dumps(api))
    document["family"] = n.worker_family
    container = document["containerDefinitions"][0]
    container["name"] = n.worker_container
    container["command"] = ["loan-engine", "worker"]
    for key in ("portMappings", "healthCheck"):
        container.pop(key, None)
    options = container["logConfiguration"]["options"]
    options["awslogs-group"] = n.worker_log_group
    options["awslogs-stream-prefix"] = n.worker_container
    validate_request("ecs", "RegisterTaskDefinition", document)
    return document


def spec_hash(document: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def latest_revision(aws: Aws, family: str) -> dict[str, Any] | None:
    try:
        found = aws.ecs.describe_task_definition(taskDefinition=family, include=["TAGS"])
    except ClientError as exc:
        if "Unable to describe task definition" in str(exc) or "does not exist" in str(exc):
            return None
        raise
    return {**found["taskDefinition"], "tags": found.get("tags", [])}


def register_task_definition(aws: Aws, out: Reporter, document: dict[str, Any]) -> str:
    """Register `document` unless the family's latest revision was rendered from the same spec."""
    digest = spec_hash(document)
    latest = latest_revision(aws, document["family"])
    if latest is not None and {"key": SPEC_TAG, "value": digest} in latest["tags"]:
        arn = str(latest["taskDefinitionArn"])
        out.resource("exists", f"task definition {revision_name(arn)}", "same image and settings")
        return arn
    if out.dry_run:
        out.resource("created", f"task definition revision of {document['family']}")
        return planned(f"revision of {document['family']}")
    registered = aws.ecs.register_task_definition(**document, tags=[{"key": SPEC_TAG, "value": digest}])
    arn = str(registered["taskDefinition"]["taskDefinitionArn"])
    out.resource("created", f"task definition {revision_name(arn)}")
    return arn


def previous_revision(aws: Aws, family: str, current: str) -> str:
    """The newest ACTIVE revision older than `current` that runs a real image (not bootstrap's placeholder)."""
    arns = aws.ecs.list_task_definitions(familyPrefix=family, status="ACTIVE", sort="DESC")["taskDefinitionArns"]
    number = int(current.rsplit(":", 1)[-1])
    for arn in arns:
        name, _, revision = arn.rsplit("/", 1)[-1].rpartition(":")
        if name != family or int(revision) >= number:
            continue
        image = aws.ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]["containerDefinitions"][0]
        if not str(image.get("image", "")).endswith(f":{PLACEHOLDER_IMAGE_TAG}"):
            return arn
    raise InfraError(
        f"no revision of {family} older than {revision_name(current)} ran a real image; nothing to roll back to"
    )


def resolve_revision(aws: Aws, family: str, spec: str) -> str:
    """`12`, `family:12` or a full ARN -> the ARN of that (existing) revision."""
    ref = f"{family}:{spec}" if spec.isdigit() else spec
    try:
        return str(aws.ecs.describe_task_definition(taskDefinition=ref)["taskDefinition"]["taskDefinitionArn"])
    except ClientError:
        raise InfraError(f"task definition {ref} not found") from None
