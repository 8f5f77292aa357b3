"""CloudFront for the release flow: find the distribution the web stack made, invalidate the HTML.

The distribution itself (origins, behaviours, OAC, SPA function, cache and headers policies) is
templates/cloudformation/web.yaml; its DistributionId output, or web.distribution_id for an
account's existing distribution, says which one to invalidate.
"""

from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import ClientError

from loan_infra.aws import Aws, error_code, is_planned
from loan_infra.config import Config
from loan_infra.errors import InfraError
from loan_infra.output import Reporter
from loan_infra.poll import poll_until

INVALIDATION_PATHS = ["/", "/index.html"]


@dataclass(frozen=True)
class Distribution:
    id: str
    arn: str
    domain: str


def find_distribution(aws: Aws, config: Config) -> Distribution | None:
    """The web stack's distribution (or web.distribution_id); GetDistribution needs no list permission."""
    distribution_id = config.names.distribution_id
    if not distribution_id:
        return None
    try:
        found = aws.cloudfront.get_distribution(Id=distribution_id)["Distribution"]
    except ClientError as exc:
        if error_code(exc) == "NoSuchDistribution":
            raise InfraError(f"CloudFront distribution {distribution_id} not found") from None
        raise
    return Distribution(found["Id"], found["ARN"], found["DomainName"])


def require_distribution(aws: Aws, config: Config) -> Distribution:
    found = find_distribution(aws, config)
    if found is None:
        raise InfraError("CloudFront distribution not found: run `loan-infra bootstrap` or set web.distribution_id")
    return found


# --- invalidation ------------------------------------------------------------------------------


def invalidate(aws: Aws, out: Reporter, config: Config, distribution: Distribution, reference: str) -> str:
    """Invalidate only / and /index.html (hashed assets never need it) and poll until done."""
    out.step(f"invalidating {' '.join(INVALIDATION_PATHS)} on {distribution.id}")
    if out.dry_run or is_planned(distribution.id):
        out.info("dry run: no invalidation created")
        return ""
    created = aws.cloudfront.create_invalidation(
        DistributionId=distribution.id,
        InvalidationBatch={
            "Paths": {"Quantity": len(INVALIDATION_PATHS), "Items": INVALIDATION_PATHS},
            "CallerReference": reference,
        },
    )["Invalidation"]
    invalidation_id = str(created["Id"])
    poll_until(
        lambda: _completed(aws, distribution.id, invalidation_id),
        what=f"invalidation {invalidation_id} to complete",
        timeout_seconds=config.timing.invalidation_minutes * 60,
        interval_seconds=config.timing.poll_seconds,
    )
    out.info(f"invalidation {invalidation_id} completed")
    return invalidation_id


def _completed(aws: Aws, distribution_id: str, invalidation_id: str) -> bool | None:
    status = aws.cloudfront.get_invalidation(DistributionId=distribution_id, Id=invalidation_id)["Invalidation"][
        "Status"
    ]
    # AWS says "Completed"; emulators say "COMPLETED". Compare without case.
    return True if str(status).lower() == "completed" else None
