"""CloudWatch Logs: the API's log group, and reading a task's last lines after it stops."""

from __future__ import annotations

from botocore.exceptions import ClientError

from loan_infra.aws import Aws, error_code
from loan_infra.output import Reporter


def log_group_arn(aws: Aws, name: str) -> str:
    return f"arn:{aws.partition}:logs:{aws.region}:{aws.account_id}:log-group:{name}"


def ensure_log_group(aws: Aws, out: Reporter, name: str, retention_days: int) -> str:
    groups = aws.logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    current = next((g for g in groups if g.get("logGroupName") == name), None)
    if current is None:
        if not out.dry_run:
            aws.logs.create_log_group(logGroupName=name)
            aws.logs.put_retention_policy(logGroupName=name, retentionInDays=retention_days)
        out.resource("created", f"log group {name}", f"retention {retention_days} days")
    elif current.get("retentionInDays") != retention_days:
        if not out.dry_run:
            aws.logs.put_retention_policy(logGroupName=name, retentionInDays=retention_days)
        out.resource("updated", f"log group {name}", f"retention {retention_days} days")
    else:
        out.resource("exists", f"log group {name}")
    return log_group_arn(aws, name)


def tail(aws: Aws, group: str, stream: str, lines: int = 30) -> list[str]:
    """The last `lines` messages of one stream, or [] if the stream never appeared."""
    try:
        events = aws.logs.get_log_events(logGroupName=group, logStreamName=stream, limit=lines, startFromHead=False)[
            "events"
        ]
    except ClientError as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return []
        raise
    return [str(e.get("message", "")).rstrip() for e in events]
