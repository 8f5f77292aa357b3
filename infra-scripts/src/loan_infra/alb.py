"""ALB: the API target group (shallow health check, short draining) and its listener.

The load balancer itself belongs to the environment (templates/cloudformation/network.yaml creates
one if the account has none); it is looked up by name. The target group health check is
/health/live, not /health/ready: a database blip must not mark every task unhealthy at once and
make ECS replace the whole fleet. /health/ready is what deploys verify.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from loan_infra.aws import Aws, error_code, planned
from loan_infra.config import Config
from loan_infra.errors import InfraError
from loan_infra.output import Reporter

API_PORT = 8000
DEREGISTRATION_DELAY = "deregistration_delay.timeout_seconds"
# Recovery in 2 x 10 s instead of the default 5 x 30 s; the app starts in a few seconds.
HEALTH_CHECK = {
    "HealthCheckProtocol": "HTTP",
    "HealthCheckIntervalSeconds": 10,
    "HealthCheckTimeoutSeconds": 5,
    "HealthyThresholdCount": 2,
    "UnhealthyThresholdCount": 3,
}


@dataclass(frozen=True)
class LoadBalancer:
    arn: str
    dns_name: str
    vpc_id: str


def find_load_balancer(aws: Aws, name: str) -> LoadBalancer:
    if not name:
        raise InfraError("no load balancer configured: set alb.name (see templates/cloudformation/network.yaml)")
    try:
        lb = aws.elbv2.describe_load_balancers(Names=[name])["LoadBalancers"][0]
    except ClientError as exc:
        if error_code(exc) == "LoadBalancerNotFound":
            raise InfraError(f"load balancer {name} not found in {aws.region}") from None
        raise
    return LoadBalancer(lb["LoadBalancerArn"], lb["DNSName"], lb["VpcId"])


def ensure_target_group(aws: Aws, out: Reporter, config: Config, vpc_id: str) -> str:
    name = config.names.target_group
    delay = config.alb.deregistration_delay_seconds
    current = _find_target_group(aws, name)
    if current is not None:
        _sync_health_check(aws, out, config, current)
        _ensure_deregistration_delay(aws, out, name, str(current["TargetGroupArn"]), delay)
        return str(current["TargetGroupArn"])
    detail = f"ip:{API_PORT}, check {config.alb.health_check_path}, draining {delay}s"
    if out.dry_run:
        out.resource("created", f"target group {name}", detail)
        return planned(f"target group {name}")
    arn = aws.elbv2.create_target_group(
        Name=name,
        Protocol="HTTP",
        Port=API_PORT,
        VpcId=vpc_id,
        TargetType="ip",
        HealthCheckPath=config.alb.health_check_path,
        Matcher={"HttpCode": "200"},
        **HEALTH_CHECK,  # type: ignore[arg-type]
    )["TargetGroups"][0]["TargetGroupArn"]
    _set_deregistration_delay(aws, arn, delay)
    out.resource("created", f"target group {name}", detail)
    return str(arn)


def _find_target_group(aws: Aws, name: str) -> dict[str, Any] | None:
    try:
        return dict(aws.elbv2.describe_target_groups(Names=[name])["TargetGroups"][0])
    except ClientError as exc:
        if error_code(exc) == "TargetGroupNotFound":
            return None
        raise


def _sync_health_check(aws: Aws, out: Reporter, config: Config, current: dict[str, Any]) -> None:
    wanted: dict[str, Any] = {**HEALTH_CHECK, "HealthCheckPath": config.alb.health_check_path}
    drift = {k: v for k, v in wanted.items() if current.get(k) != v}
    name = current["TargetGroupName"]
    if not drift:
        out.resource("exists", f"target group {name}")
        return
    if not out.dry_run:
        aws.elbv2.modify_target_group(TargetGroupArn=current["TargetGroupArn"], **drift)
    out.resource("updated", f"target group {name}", "health check " + ", ".join(sorted(drift)))


def _ensure_deregistration_delay(aws: Aws, out: Reporter, name: str, arn: str, seconds: int) -> None:
    attributes = aws.elbv2.describe_target_group_attributes(TargetGroupArn=arn)["Attributes"]
    if {"Key": DEREGISTRATION_DELAY, "Value": str(seconds)} in attributes:
        out.resource("exists", f"deregistration delay on {name}", f"{seconds}s")
        return
    if not out.dry_run:
        _set_deregistration_delay(aws, arn, seconds)
    out.resource("updated", f"deregistration delay on {name}", f"{seconds}s")


def _set_deregistration_delay(aws: Aws, arn: str, seconds: int) -> None:
    # Draining directly lengthens every deploy (default 300 s); 30 s covers our longest request.
    aws.elbv2.modify_target_group_attributes(
        TargetGroupArn=arn, Attributes=[{"Key": DEREGISTRATION_DELAY, "Value": str(seconds)}]
    )


def ensure_listener(aws: Aws, out: Reporter, config: Config, lb: LoadBalancer, target_group_arn: str) -> None:
    """HTTPS:443 forwarding to the API (plus HTTP:80 redirecting to it), or HTTP:80 when no certificate."""
    listeners = _listeners(aws, lb.arn)
    forward = [{"Type": "forward", "TargetGroupArn": target_group_arn}]
    if config.alb.certificate_arn:
        https = {
            "Protocol": "HTTPS",
            "Port": 443,
            "Certificates": [{"CertificateArn": config.alb.certificate_arn}],
            "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
        }
        _ensure_one_listener(
            aws, out, lb, current=listeners.get(443), spec=https, actions=forward, target_group_arn=target_group_arn
        )
        redirect = [
            {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}
        ]
        _ensure_one_listener(
            aws,
            out,
            lb,
            current=listeners.get(80),
            spec={"Protocol": "HTTP", "Port": 80},
            actions=redirect,
            target_group_arn=None,
        )
    else:
        out.info("no alb.certificate_arn: the API listener is plain HTTP (acceptable for a throwaway test stack only)")
        http = {"Protocol": "HTTP", "Port": 80}
        _ensure_one_listener(
            aws, out, lb, current=listeners.get(80), spec=http, actions=forward, target_group_arn=target_group_arn
        )


def _listeners(aws: Aws, lb_arn: str) -> dict[int, dict[str, Any]]:
    found = aws.elbv2.describe_listeners(LoadBalancerArn=lb_arn)["Listeners"]
    return {int(listener["Port"]): dict(listener) for listener in found}


def _ensure_one_listener(
    aws: Aws,
    out: Reporter,
    lb: LoadBalancer,
    *,
    current: dict[str, Any] | None,
    spec: dict[str, Any],
    actions: list[dict[str, Any]],
    target_group_arn: str | None,
) -> None:
    what = f"listener {spec['Protocol']}:{spec['Port']}"
    if current is None:
        if not out.dry_run:
            aws.elbv2.create_listener(LoadBalancerArn=lb.arn, DefaultActions=actions, **spec)  # type: ignore[arg-type]
        out.resource("created", what)
        return
    default = (current.get("DefaultActions") or [{}])[0]
    if target_group_arn is None or default.get("TargetGroupArn") == target_group_arn:
        out.resource("exists", what)
        return
    # A listener that forwards elsewhere belongs to someone else: changing it could take down
    # another service sharing this load balancer.
    raise InfraError(
        f"{what} on {lb.dns_name} already forwards to {default.get('TargetGroupArn') or default.get('Type')}; "
        "refusing to change a shared listener (use a dedicated ALB or add a rule by hand)"
    )


def api_base_url(aws: Aws, config: Config) -> str:
    """Where the API answers directly: alb.api_url, else the ALB's DNS name (https when a cert is set)."""
    if config.alb.api_url:
        return config.alb.api_url.rstrip("/")
    lb = find_load_balancer(aws, config.alb.name)
    scheme = "https" if config.alb.certificate_arn else "http"
    return f"{scheme}://{lb.dns_name}"


def target_health(aws: Aws, target_group_arn: str) -> list[tuple[str, str, str]]:
    """(target id, state, reason) for every registered target."""
    found = aws.elbv2.describe_target_health(TargetGroupArn=target_group_arn)["TargetHealthDescriptions"]
    return [
        (
            str(d.get("Target", {}).get("Id", "?")),
            str(d.get("TargetHealth", {}).get("State", "unknown")),
            str(d.get("TargetHealth", {}).get("Reason", "")),
        )
        for d in found
    ]


def target_group_arn(aws: Aws, config: Config) -> str:
    current = _find_target_group(aws, config.names.target_group)
    if current is None:
        raise InfraError(f"target group {config.names.target_group} not found: run `loan-infra bootstrap` first")
    return str(current["TargetGroupArn"])
