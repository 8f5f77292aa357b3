"""ECR: the API image repository (immutable tags, scan on push, bounded history)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from botocore.exceptions import ClientError

from loan_infra.aws import Aws, error_code, planned
from loan_infra.errors import InfraError
from loan_infra.output import Reporter


@dataclass(frozen=True)
class Repository:
    name: str
    arn: str
    uri: str


def lifecycle_policy(keep_images: int) -> str:
    # Tags are git SHAs, so every image is tagged; keep the newest N for rollbacks and drop
    # untagged leftovers (failed pushes) after a week.
    rules = [
        {
            "rulePriority": 1,
            "description": "Drop untagged images after 7 days",
            "selection": {
                "tagStatus": "untagged",
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": 7,
            },
            "action": {"type": "expire"},
        },
        {
            "rulePriority": 2,
            "description": f"Keep the newest {keep_images} images",
            "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": keep_images},
            "action": {"type": "expire"},
        },
    ]
    return json.dumps({"rules": rules}, sort_keys=True)


def ensure_repository(aws: Aws, out: Reporter, name: str, keep_images: int) -> Repository:
    repo = find_repository(aws, name)
    if repo is None:
        if out.dry_run:
            out.resource("created", f"ECR repository {name}", "immutable tags, scan on push")
            return _planned(aws, name)
        created = aws.ecr.create_repository(
            repositoryName=name,
            imageTagMutability="IMMUTABLE",
            imageScanningConfiguration={"scanOnPush": True},
            encryptionConfiguration={"encryptionType": "AES256"},
        )["repository"]
        out.resource("created", f"ECR repository {name}", "immutable tags, scan on push")
        repo = Repository(name, created["repositoryArn"], created["repositoryUri"])
    else:
        _ensure_repository_settings(aws, out, name)
    _ensure_lifecycle(aws, out, name, lifecycle_policy(keep_images))
    return repo


def find_repository(aws: Aws, name: str) -> Repository | None:
    try:
        found = aws.ecr.describe_repositories(repositoryNames=[name])["repositories"][0]
    except ClientError as exc:
        if error_code(exc) == "RepositoryNotFoundException":
            return None
        raise
    return Repository(name, found["repositoryArn"], found["repositoryUri"])


def _planned(aws: Aws, name: str) -> Repository:
    arn = f"arn:{aws.partition}:ecr:{aws.region}:{aws.account_id}:repository/{name}"
    return Repository(name, arn, planned(f"repository {name}"))


def _ensure_repository_settings(aws: Aws, out: Reporter, name: str) -> None:
    current = aws.ecr.describe_repositories(repositoryNames=[name])["repositories"][0]
    drift = []
    if current.get("imageTagMutability") != "IMMUTABLE":
        drift.append("immutable tags")
        if not out.dry_run:
            aws.ecr.put_image_tag_mutability(repositoryName=name, imageTagMutability="IMMUTABLE")
    if not current.get("imageScanningConfiguration", {}).get("scanOnPush"):
        drift.append("scan on push")
        if not out.dry_run:
            aws.ecr.put_image_scanning_configuration(
                repositoryName=name, imageScanningConfiguration={"scanOnPush": True}
            )
    if drift:
        out.resource("updated", f"ECR repository {name}", "turned on " + " and ".join(drift))
    else:
        out.resource("exists", f"ECR repository {name}")


def _ensure_lifecycle(aws: Aws, out: Reporter, name: str, policy: str) -> None:
    current = None
    try:
        current = aws.ecr.get_lifecycle_policy(repositoryName=name)["lifecyclePolicyText"]
    except ClientError as exc:
        if error_code(exc) not in ("LifecyclePolicyNotFoundException", "RepositoryNotFoundException"):
            raise
    if current is not None and json.loads(current) == json.loads(policy):
        out.resource("exists", f"ECR lifecycle policy on {name}")
        return
    if not out.dry_run:
        aws.ecr.put_lifecycle_policy(repositoryName=name, lifecyclePolicyText=policy)
    out.resource("created" if current is None else "updated", f"ECR lifecycle policy on {name}")


def image_uri(aws: Aws, repository: str, tag: str) -> str:
    """The URI of `repository:tag`, failing with a clear reason if the image was never pushed."""
    repo = find_repository(aws, repository)
    if repo is None:
        raise InfraError(f"ECR repository {repository} does not exist: run `loan-infra bootstrap` first")
    try:
        aws.ecr.describe_images(repositoryName=repository, imageIds=[{"imageTag": tag}])
    except ClientError as exc:
        if error_code(exc) == "ImageNotFoundException":
            raise InfraError(f"image {repository}:{tag} is not in ECR: build and push it first") from None
        raise
    return f"{repo.uri}:{tag}"
