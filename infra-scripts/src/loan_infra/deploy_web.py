"""`deploy-web`: the web pipeline's sequence (upload in safe order -> prune -> invalidate -> wait)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from loan_infra import cloudfront, s3web
from loan_infra.aws import Aws
from loan_infra.config import Config
from loan_infra.output import Reporter


def default_release_id() -> str:
    """The commit being deployed in CI, else a UTC timestamp for a deploy from a laptop."""
    sha = os.environ.get("GITHUB_SHA", "")
    return sha[:12] if sha else datetime.now(UTC).strftime("manual-%Y%m%dT%H%M%SZ")


def deploy_web(aws: Aws, out: Reporter, config: Config, dist: Path, release: str) -> None:
    build = s3web.read_build(dist)
    bucket = s3web.require_bucket(config)
    distribution = cloudfront.require_distribution(aws, config)
    out.step(f"publishing release {release} from {dist} to s3://{bucket} ({len(build.ordered)} files)")
    history = s3web.publish(aws, out, bucket, build, release)
    # Pruning removes only assets two releases old; the previous release's files stay for open tabs.
    s3web.prune(aws, out, bucket, history)
    cloudfront.invalidate(aws, out, config, distribution, reference=f"loan-infra-{release}-{_now()}")
    out.step(f"release {release} is live at https://{distribution.domain}")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
