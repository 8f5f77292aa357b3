"""CloudFormation stacks: deploy a template through a change set, print it, read outputs, delete.

Every long-lived resource lives in a stack (templates/cloudformation/). A deploy always goes through
a change set, so `--dry-run` shows exactly what CloudFormation would add, modify or replace and
then throws the change set away. A failed deploy prints the events that caused it in one block:
the first FAILED event is the reason, the rest is CloudFormation cleaning up after it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from loan_infra.aws import Aws
from loan_infra.errors import InfraError
from loan_infra.output import Reporter
from loan_infra.poll import poll_until
from loan_infra.render import read_text

CAPABILITIES: list[Any] = ["CAPABILITY_NAMED_IAM"]
_NO_CHANGES = ("didn't contain changes", "No updates are to be performed", "The submitted information didn't")
_ACTIONS = {"Add": "add", "Modify": "modify", "Remove": "remove", "Import": "import", "Dynamic": "modify"}


@dataclass(frozen=True)
class Stack:
    """One stack to deploy: its name, the template under templates/cloudformation/, its parameters."""

    name: str
    template: str
    parameters: Mapping[str, str]


def describe(aws: Aws, name: str) -> dict[str, Any] | None:
    """The live stack, or None when there is none (a stack left in REVIEW_IN_PROGRESS counts as none)."""
    try:
        found = aws.cloudformation.describe_stacks(StackName=name)["Stacks"]
    except ClientError as exc:
        if "does not exist" in str(exc):
            return None
        raise
    stack = dict(found[0]) if found else None
    if stack is None or stack.get("StackStatus") in ("REVIEW_IN_PROGRESS", "DELETE_COMPLETE"):
        return None
    return stack


def outputs(aws: Aws, name: str) -> dict[str, str]:
    stack = describe(aws, name)
    if stack is None:
        return {}
    return {str(o["OutputKey"]): str(o.get("OutputValue", "")) for o in stack.get("Outputs", [])}


def require_outputs(aws: Aws, name: str) -> dict[str, str]:
    found = outputs(aws, name)
    if not found:
        raise InfraError(f"stack {name} not found (or has no outputs): run `loan-infra bootstrap` first")
    return found


def deploy(aws: Aws, out: Reporter, stack: Stack, *, timeout_minutes: float, poll_seconds: float) -> dict[str, str]:
    """Create or update `stack` through a change set; in dry-run print the change set and discard it."""
    existing = describe(aws, stack.name)
    kind = "UPDATE" if existing else "CREATE"
    change_set = f"loan-infra-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')}"
    try:
        aws.cloudformation.create_change_set(
            StackName=stack.name,
            ChangeSetName=change_set,
            ChangeSetType=kind,
            TemplateBody=read_text(f"cloudformation/{stack.template}"),
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in stack.parameters.items()],
            Capabilities=CAPABILITIES,
            Tags=[{"Key": "managed-by", "Value": "loan-infra"}],
        )
    except ClientError as exc:
        # AWS creates a FAILED change set when nothing changed; some implementations refuse outright.
        if not any(marker in str(exc) for marker in _NO_CHANGES):
            raise
        out.resource("exists", f"stack {stack.name}", "no changes")
        return outputs(aws, stack.name)
    described = _wait_for_change_set(aws, stack.name, change_set, timeout_minutes, poll_seconds)
    if described is None:
        out.resource("exists", f"stack {stack.name}", "no changes")
        _discard(aws, stack.name, change_set, created=False)
        return outputs(aws, stack.name)
    changes = [_change_line(c) for c in described.get("Changes", [])]
    out.resource("created" if kind == "CREATE" else "updated", f"stack {stack.name}", f"{len(changes)} changes")
    for line in changes:
        out.info(line)
    if out.dry_run:
        _discard(aws, stack.name, change_set, created=kind == "CREATE")
        return outputs(aws, stack.name)
    started = datetime.now(UTC)
    aws.cloudformation.execute_change_set(StackName=stack.name, ChangeSetName=change_set)
    _wait_for_stack(aws, stack.name, started, timeout_minutes, poll_seconds, deleting=False)
    return outputs(aws, stack.name)


def destroy(aws: Aws, out: Reporter, name: str, *, timeout_minutes: float, poll_seconds: float) -> None:
    if describe(aws, name) is None:
        out.resource("skipped", f"stack {name}", "not there")
        return
    out.resource("deleted", f"stack {name}")
    if out.dry_run:
        return
    started = datetime.now(UTC)
    aws.cloudformation.delete_stack(StackName=name)
    _wait_for_stack(aws, name, started, timeout_minutes, poll_seconds, deleting=True)


def _change_line(change: Mapping[str, Any]) -> str:
    rc = change.get("ResourceChange", {})
    action = _ACTIONS.get(str(rc.get("Action", "")), str(rc.get("Action", "?")).lower())
    replacement = str(rc.get("Replacement", ""))
    if action == "modify" and replacement == "True":
        action = "REPLACE"
    elif action == "modify" and replacement == "Conditional":
        action = "modify (may replace)"
    return f"{action:<20} {rc.get('LogicalResourceId', '?')} ({rc.get('ResourceType', '?')})"


def _wait_for_change_set(
    aws: Aws, stack: str, change_set: str, timeout_minutes: float, poll_seconds: float
) -> dict[str, Any] | None:
    """The created change set, or None when it holds no changes."""

    def check() -> dict[str, Any] | None:
        found = dict(aws.cloudformation.describe_change_set(StackName=stack, ChangeSetName=change_set))
        status = str(found.get("Status", ""))
        return found if status in ("CREATE_COMPLETE", "FAILED") else None

    found = poll_until(
        check,
        what=f"the change set for {stack}",
        timeout_seconds=timeout_minutes * 60,
        interval_seconds=poll_seconds,
    )
    if found["Status"] == "FAILED":
        reason = str(found.get("StatusReason", ""))
        if any(marker in reason for marker in _NO_CHANGES):
            return None
        raise InfraError(f"CloudFormation refused the change set for {stack}: {reason}")
    if not found.get("Changes"):
        return None
    return found


def _discard(aws: Aws, stack: str, change_set: str, *, created: bool) -> None:
    aws.cloudformation.delete_change_set(StackName=stack, ChangeSetName=change_set)
    if created:
        # A CREATE change set leaves an empty stack in REVIEW_IN_PROGRESS behind; remove it too.
        aws.cloudformation.delete_stack(StackName=stack)


def _wait_for_stack(
    aws: Aws, name: str, started: datetime, timeout_minutes: float, poll_seconds: float, *, deleting: bool
) -> None:
    def check() -> str | None:
        try:
            status = str(aws.cloudformation.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"])
        except ClientError as exc:
            if deleting and "does not exist" in str(exc):
                return "DELETE_COMPLETE"
            raise
        return None if status.endswith("_IN_PROGRESS") else status

    status = poll_until(
        check,
        what=f"stack {name} to settle",
        timeout_seconds=timeout_minutes * 60,
        interval_seconds=poll_seconds,
    )
    good = ("DELETE_COMPLETE",) if deleting else ("CREATE_COMPLETE", "UPDATE_COMPLETE")
    if status not in good:
        raise InfraError(f"stack {name} ended {status}:\n{failure_report(aws, name, started)}")


def failure_report(aws: Aws, name: str, since: datetime) -> str:
    """The events of this run that failed, oldest first, one readable line each."""
    try:
        events = aws.cloudformation.describe_stack_events(StackName=name)["StackEvents"]
    except ClientError as exc:
        return f"  (events unavailable: {exc})"
    lines = []
    for event in sorted(events, key=lambda e: e["Timestamp"]):
        if event["Timestamp"] < since or "FAILED" not in str(event.get("ResourceStatus", "")):
            continue
        lines.append(
            f"  {event['LogicalResourceId']} ({event.get('ResourceType', '')}) {event['ResourceStatus']}: "
            f"{event.get('ResourceStatusReason', '')}"
        )
    return "\n".join(lines) or "  (no failed resource events)"
