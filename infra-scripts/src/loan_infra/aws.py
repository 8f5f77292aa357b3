"""boto3 clients for one run, created on first use and shared by every module.

`endpoint_url` (flag or AWS_ENDPOINT_URL) points every client at one endpoint: that is how the
tests drive the real code against a moto server over HTTP.
"""

from __future__ import annotations

from functools import cache, cached_property
from typing import TYPE_CHECKING, Any

import boto3
import botocore.session
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError

from loan_infra.errors import InfraError

if TYPE_CHECKING:
    from mypy_boto3_cloudfront import CloudFrontClient
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_ecr import ECRClient
    from mypy_boto3_ecs import ECSClient
    from mypy_boto3_elbv2 import ElasticLoadBalancingv2Client
    from mypy_boto3_iam import IAMClient
    from mypy_boto3_logs import CloudWatchLogsClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_ssm import SSMClient
    from mypy_boto3_sts import STSClient


@cache
def _shared_loader() -> Any:
    return botocore.session.get_session().get_component("data_loader")


def _new_botocore_session() -> botocore.session.Session:
    # One model loader per process: reading the JSON service models dominates client creation,
    # and a process that runs several commands (the test suite) would otherwise re-read them each time.
    session = botocore.session.get_session()
    session.register_component("data_loader", _shared_loader())
    return session


class Aws:
    def __init__(self, region: str, endpoint_url: str = "") -> None:
        self.region = region
        self.endpoint_url = endpoint_url or None
        self._session = boto3.session.Session(region_name=region, botocore_session=_new_botocore_session())
        # Standard retry mode backs off on throttling, which bursts of Describe* calls can hit.
        self._config = BotoConfig(retries={"mode": "standard", "max_attempts": 6}, user_agent_extra="loan-infra")

    def _client(self, service: str, **extra: Any) -> Any:
        config = self._config
        if service == "s3" and self.endpoint_url:
            # Emulators (moto, localstack) serve one host, so bucket names go in the path.
            config = config.merge(BotoConfig(s3={"addressing_style": "path"}))
        return self._session.client(service, endpoint_url=self.endpoint_url, config=config, **extra)  # type: ignore[call-overload]

    @cached_property
    def cloudformation(self) -> Any:
        # No stubs for CloudFormation in the dev dependencies; the responses are read as mappings.
        return self._client("cloudformation")

    @cached_property
    def ecr(self) -> ECRClient:
        return self._client("ecr")  # type: ignore[no-any-return]

    @cached_property
    def ecs(self) -> ECSClient:
        return self._client("ecs")  # type: ignore[no-any-return]

    @cached_property
    def ec2(self) -> EC2Client:
        return self._client("ec2")  # type: ignore[no-any-return]

    @cached_property
    def elbv2(self) -> ElasticLoadBalancingv2Client:
        return self._client("elbv2")  # type: ignore[no-any-return]

    @cached_property
    def logs(self) -> CloudWatchLogsClient:
        return self._client("logs")  # type: ignore[no-any-return]

    @cached_property
    def s3(self) -> S3Client:
        return self._client("s3")  # type: ignore[no-any-return]

    @cached_property
    def cloudfront(self) -> CloudFrontClient:
        return self._client("cloudfront")  # type: ignore[no-any-return]

    @cached_property
    def iam(self) -> IAMClient:
        return self._client("iam")  # type: ignore[no-any-return]

    @cached_property
    def secretsmanager(self) -> SecretsManagerClient:
        return self._client("secretsmanager")  # type: ignore[no-any-return]

    @cached_property
    def ssm(self) -> SSMClient:
        return self._client("ssm")  # type: ignore[no-any-return]

    @cached_property
    def sts(self) -> STSClient:
        return self._client("sts")  # type: ignore[no-any-return]

    @cached_property
    def account_id(self) -> str:
        return self.sts.get_caller_identity()["Account"]

    @property
    def partition(self) -> str:
        return self._session.get_partition_for_region(self.region)


def planned(what: str) -> str:
    """Stand-in identifier for a resource a dry run would create; later steps print instead of calling AWS."""
    return f"<new {what}>"


def is_planned(value: str) -> bool:
    return value.startswith("<new ")


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def describe_failure(exc: BotoCoreError | ClientError) -> str:
    """A one-line reason for an AWS error: the operation, the code and AWS's message."""
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        op = getattr(exc, "operation_name", "AWS call")
        return f"{op} failed: {err.get('Code', 'Error')}: {err.get('Message', '')}".strip()
    return f"AWS call failed: {exc}"


def wrap(exc: BotoCoreError | ClientError) -> InfraError:
    return InfraError(describe_failure(exc))
