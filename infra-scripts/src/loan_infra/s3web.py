"""S3: publishing one build of web/dist into the web stack's private bucket.

Publishing order is what keeps open browser tabs working across a deploy:
1. hashed files under assets/ first (immutable, cached for a year; already-present keys skipped:
   their names are their content hashes);
2. the other unhashed files (favicon, robots.txt ...) with no-cache;
3. index.html last, no-cache, so it never points at an asset that is not there yet.
Nothing is deleted in the same step: assets of the previous release stay, and only assets that
belong to neither of the last two releases are removed. A small history object under _loan-infra/
records which assets each release uses.
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from loan_infra.aws import Aws, error_code
from loan_infra.config import Config
from loan_infra.errors import ConfigError, InfraError
from loan_infra.output import Reporter

ASSETS_PREFIX = "assets/"
IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"
HISTORY_KEY = "_loan-infra/releases.json"
KEEP_RELEASES = 2
HISTORY_LENGTH = 20

# Explicit types for what Vite emits; mimetypes' answers vary by platform (e.g. .js on Windows).
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".wasm": "application/wasm",
}


def content_type(key: str) -> str:
    suffix = Path(key).suffix.lower()
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(key)[0] or "application/octet-stream"


def cache_control(key: str) -> str:
    return IMMUTABLE if key.startswith(ASSETS_PREFIX) else NO_CACHE


@dataclass(frozen=True)
class Build:
    """A web build split into the three upload groups, in upload order."""

    root: Path
    assets: tuple[str, ...]
    others: tuple[str, ...]

    @property
    def ordered(self) -> list[str]:
        return [*self.assets, *self.others, "index.html"]


def read_build(dist: Path) -> Build:
    if not (dist / "index.html").is_file():
        raise ConfigError(f"{dist} has no index.html: build the web app first (npm run build in web/)")
    keys = sorted(p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file())
    assets = tuple(k for k in keys if k.startswith(ASSETS_PREFIX))
    if not assets:
        raise ConfigError(f"{dist} has no {ASSETS_PREFIX} folder: is it a Vite build?")
    others = tuple(k for k in keys if not k.startswith(ASSETS_PREFIX) and k != "index.html")
    return Build(dist, assets, others)


# --- publishing (the bucket itself is in the web stack) ---------------------------------------


def require_bucket(config: Config) -> str:
    """The web stack's BucketName output, or web.bucket for an account's existing bucket."""
    if not config.names.bucket_name:
        raise InfraError(f"no web bucket: deploy stack {config.names.stack['web']} (bootstrap) or set web.bucket")
    return config.names.bucket_name


def publish(aws: Aws, out: Reporter, bucket: str, build: Build, release: str) -> list[dict[str, Any]]:
    """Upload a build in safe order and record the release; returns the release history, newest first."""
    present = set(_list_keys(aws, bucket, ASSETS_PREFIX))
    new_assets = [k for k in build.assets if k not in present]
    out.step(f"uploading {len(new_assets)} new assets ({len(build.assets) - len(new_assets)} already present)")
    _upload_parallel(aws, out, bucket, build.root, new_assets)
    out.step(f"uploading {len(build.others)} unhashed files, then index.html")
    for key in [*build.others, "index.html"]:
        _upload(aws, out, bucket, build.root, key)
    return _record_release(aws, out, bucket, release, list(build.assets))


def _upload_parallel(aws: Aws, out: Reporter, bucket: str, root: Path, keys: list[str]) -> None:
    # Every asset must be in S3 before index.html goes up: the executor joins (and re-raises) here.
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda key: _upload(aws, out, bucket, root, key), keys))


def _upload(aws: Aws, out: Reporter, bucket: str, root: Path, key: str) -> None:
    ctype, cache = content_type(key), cache_control(key)
    if out.dry_run:
        out.info(f"would upload {key} ({ctype}; {cache})")
        return
    aws.s3.put_object(Bucket=bucket, Key=key, Body=(root / key).read_bytes(), ContentType=ctype, CacheControl=cache)
    out.info(f"uploaded {key} ({ctype}; {cache})")


def _list_keys(aws: Aws, bucket: str, prefix: str) -> Iterator[str]:
    for page in aws.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            yield str(item["Key"])


def _read_object(aws: Aws, bucket: str, key: str) -> bytes:
    return aws.s3.get_object(Bucket=bucket, Key=key)["Body"].read()


def _get(read: Callable[[], Any]) -> Any:
    """Run a Get* call; a 'not found' error means None."""
    try:
        return read()
    except ClientError as exc:
        if "NoSuch" in error_code(exc) or "NotFound" in error_code(exc):
            return None
        raise


def read_history(aws: Aws, bucket: str) -> list[dict[str, Any]]:
    raw = _get(lambda: _read_object(aws, bucket, HISTORY_KEY))
    return list(json.loads(raw)["releases"]) if raw else []


def _record_release(aws: Aws, out: Reporter, bucket: str, release: str, assets: list[str]) -> list[dict[str, Any]]:
    history = [r for r in read_history(aws, bucket) if r.get("id") != release]
    entry = {"id": release, "published": datetime.now(UTC).isoformat(timespec="seconds"), "assets": assets}
    history = [entry, *history][:HISTORY_LENGTH]
    if out.dry_run:
        return history
    aws.s3.put_object(
        Bucket=bucket,
        Key=HISTORY_KEY,
        Body=json.dumps({"releases": history}, indent=2).encode(),
        ContentType="application/json",
        CacheControl=NO_CACHE,
    )
    return history


def prune(aws: Aws, out: Reporter, bucket: str, history: list[dict[str, Any]]) -> list[str]:
    """Delete assets used by neither of the last two releases (only once two releases are recorded)."""
    if len(history) < KEEP_RELEASES:
        out.info("fewer than two releases recorded; nothing to prune yet")
        return []
    keep = {key for release in history[:KEEP_RELEASES] for key in release.get("assets", [])}
    stale = sorted(k for k in _list_keys(aws, bucket, ASSETS_PREFIX) if k not in keep)
    out.step(f"pruning {len(stale)} assets older than the last {KEEP_RELEASES} releases")
    for start in range(0, len(stale), 1000):
        batch = stale[start : start + 1000]
        if not out.dry_run:
            aws.s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in batch], "Quiet": True})
        for key in batch:
            out.resource("deleted", key)
    return stale
