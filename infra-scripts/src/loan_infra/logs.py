"""CloudWatch Logs: reading a task's last lines after it stops (the groups are in the api stack)."""

from __future__ import annotations

from botocore.exceptions import ClientError

from loan_infra.aws import Aws, error_code


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
