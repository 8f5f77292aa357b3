"""ECR: finding an image in the api stack's repository before a deploy uses it."""

from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import ClientError

from loan_infra.aws import Aws, error_code
from loan_infra.errors import InfraError


@dataclass(frozen=True)
class Repository:
    name: str
    arn: str
    uri: str


def find_repository(aws: Aws, name: str) -> Repository | None:
    try:
        found = aws.ecr.describe_repositories(repositoryNames=[name])["repositories"][0]
    except ClientError as exc:
        if error_code(exc) == "RepositoryNotFoundException":
            return None
        raise
    return Repository(name, found["repositoryArn"], found["repositoryUri"])


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
