"""deploy-web: upload order and metadata, two-release retention, and the invalidation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import botocore.client
import pytest
from moto.cloudfront.models import CloudFrontBackend
from moto.s3.models import S3Backend

from .conftest import BUCKET, CLI, Clients, Result, WebBuild, make_build

IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture
def put_order(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Keys in the order the S3 server received them."""
    order: list[str] = []
    original = S3Backend.put_object

    def recording(backend: S3Backend, bucket_name: str, key_name: str, *args: Any, **kwargs: Any) -> Any:
        if bucket_name == BUCKET and not key_name.startswith("_loan-infra/"):
            order.append(key_name)
        return original(backend, bucket_name, key_name, *args, **kwargs)

    monkeypatch.setattr(S3Backend, "put_object", recording)
    return order


@pytest.fixture
def publish(cli: CLI, bootstrapped: Result, tmp_path: Path) -> Any:
    def run(release: str, *extra: str) -> tuple[Result, WebBuild]:
        build = make_build(tmp_path, release)
        return cli("deploy-web", "--dist", str(build.root), "--release", release, *extra), build

    return run


def asset_keys(aws: Clients) -> set[str]:
    listing = aws.s3.list_objects_v2(Bucket=BUCKET, Prefix="assets/").get("Contents", [])
    return {item["Key"] for item in listing}


def test_hashed_assets_go_first_and_index_html_last_each_with_its_type_and_caching(
    publish: Any, put_order: list[str], aws: Clients
) -> None:
    result, build = publish("r1")

    assert result.code == 0, result.err
    assets = [k for k in put_order if k.startswith("assets/")]
    assert sorted(assets) == sorted(build.assets)
    assert put_order[: len(assets)] == assets, "every hashed asset before any unhashed file"
    assert put_order[-1] == "index.html"
    assert set(put_order[len(assets) : -1]) == {"favicon.ico", "robots.txt"}
    expected = {
        "assets/index-r1js1.js": ("text/javascript; charset=utf-8", IMMUTABLE),
        "assets/index-r1css1.css": ("text/css; charset=utf-8", IMMUTABLE),
        "assets/logo-Shared01.svg": ("image/svg+xml", IMMUTABLE),
        "index.html": ("text/html; charset=utf-8", "no-cache"),
        "favicon.ico": ("image/x-icon", "no-cache"),
        "robots.txt": ("text/plain; charset=utf-8", "no-cache"),
    }
    for key, (content_type, cache_control) in expected.items():
        head = aws.s3.head_object(Bucket=BUCKET, Key=key)
        assert (key, head["ContentType"], head["CacheControl"]) == (key, content_type, cache_control)


def test_previous_release_assets_are_kept_and_older_ones_removed(
    publish: Any, aws: Clients, put_order: list[str]
) -> None:
    _, r1 = publish("r1")
    put_order.clear()
    second, r2 = publish("r2")
    assert set(r1.assets) <= asset_keys(aws), "an open tab on r1 must still load its chunks"
    assert "uploading 2 new assets (1 already present)" in second.out
    assert "assets/logo-Shared01.svg" not in put_order, "content-addressed files are not uploaded twice"

    result, r3 = publish("r3")

    assert result.code == 0, result.err
    assert asset_keys(aws) == set(r2.assets) | set(r3.assets)
    gone = set(r1.assets) - set(r2.assets) - set(r3.assets)
    assert gone == {"assets/index-r1js1.js", "assets/index-r1css1.css"}
    for key in gone:
        assert f"deleted] {key}" in result.out
    assert "assets/logo-Shared01.svg" in asset_keys(aws), "an asset all releases share is never deleted"


def test_invalidates_only_the_two_html_paths_and_polls_until_complete(
    publish: Any, aws: Clients, monkeypatch: pytest.MonkeyPatch
) -> None:
    polls: list[str] = []
    original = CloudFrontBackend.get_invalidation

    def in_progress_twice(backend: CloudFrontBackend, dist_id: str, inv_id: str) -> Any:
        invalidation = original(backend, dist_id, inv_id)
        polls.append(inv_id)
        invalidation.status = "InProgress" if len(polls) <= 2 else "Completed"  # AWS's spelling
        return invalidation

    monkeypatch.setattr(CloudFrontBackend, "get_invalidation", in_progress_twice)

    def no_waiters(*_: Any, **__: Any) -> None:
        raise AssertionError("botocore's invalidation waiter misreads moto's status; the tool must poll itself")

    monkeypatch.setattr(botocore.client.BaseClient, "get_waiter", no_waiters)

    result, _ = publish("r1")

    assert result.code == 0, result.err
    dist_id = aws.cloudfront.list_distributions()["DistributionList"]["Items"][0]["Id"]
    [summary] = aws.cloudfront.list_invalidations(DistributionId=dist_id)["InvalidationList"]["Items"]
    batch = aws.cloudfront.get_invalidation(DistributionId=dist_id, Id=summary["Id"])["Invalidation"]
    assert sorted(batch["InvalidationBatch"]["Paths"]["Items"]) == ["/", "/index.html"]
    assert len(polls) >= 3
    assert f"invalidation {summary['Id']} completed" in result.out


def test_invalidation_that_never_completes_fails_the_deploy(publish: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    original = CloudFrontBackend.get_invalidation

    def forever(backend: CloudFrontBackend, dist_id: str, inv_id: str) -> Any:
        invalidation = original(backend, dist_id, inv_id)
        invalidation.status = "InProgress"
        return invalidation

    monkeypatch.setattr(CloudFrontBackend, "get_invalidation", forever)

    result, _ = publish("r1", "--set", "timing.invalidation_minutes=0.005")

    assert result.code == 1
    assert "timed out after 0.3s waiting for invalidation" in result.err


def test_folder_that_is_not_a_build_is_refused_without_touching_s3(
    cli: CLI, tmp_path: Path, put_order: list[str]
) -> None:
    (tmp_path / "empty").mkdir()

    result = cli("deploy-web", "--dist", str(tmp_path / "empty"))

    assert result.code == 2
    assert "has no index.html" in result.err
    assert put_order == []


def test_dry_run_uploads_nothing(publish: Any, cli: CLI, tmp_path: Path, put_order: list[str]) -> None:
    build = make_build(tmp_path, "dry")

    result = cli("deploy-web", "--dist", str(build.root), "--dry-run")

    assert result.code == 0, result.err
    assert "would upload index.html (text/html; charset=utf-8; no-cache)" in result.out
    assert put_order == []
