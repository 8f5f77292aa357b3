"""ALB: finding the load balancer and reading the API target group's health.

The load balancer belongs to the environment (templates/cloudformation/network.yaml creates one if
the account has none) and is looked up by name; the target group and listener rule are in the api
stack, whose TargetGroupArn output the checks read.
"""

from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import ClientError

from loan_infra.aws import Aws, error_code
from loan_infra.config import Config
from loan_infra.errors import InfraError

API_PORT = 8000


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
    if not config.names.target_group_arn:
        raise InfraError(f"stack {config.names.stack['api']} has no TargetGroupArn output: run `loan-infra bootstrap`")
    return config.names.target_group_arn
