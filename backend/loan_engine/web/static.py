"""Serve the built SPA: real files as they are, index.html for client-side routes.

Hashed assets (under assets/) are immutable for a year; index.html and other unhashed files are
no-cache so a deploy is picked up at once. /api, /auth and /health are never shadowed: an unknown
path there is still a problem+json 404.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from litestar import Router, route
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import File

IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"
_RESERVED = ("api", "auth", "health")


def _resolve(root: Path, relative: str) -> Path | None:
    """The file under `root` for a URL path, or None (including for any escape from `root`)."""
    candidate = (root / relative.lstrip("/")).resolve()
    if candidate.is_relative_to(root) and candidate.is_file():
        return candidate
    return None


@route("/", http_method=["GET", "HEAD"], include_in_schema=False, sync_to_thread=False)
def serve_root(state: State) -> File:
    return _file(state.web_dist / "index.html", NO_CACHE)


@route("/{file_path:path}", http_method=["GET", "HEAD"], include_in_schema=False, sync_to_thread=False)
def serve_web(state: State, file_path: FromPath[str]) -> File:
    root: Path = state.web_dist
    first_segment = file_path.strip("/").split("/", 1)[0]
    if first_segment in _RESERVED:
        raise NotFoundException
    found = _resolve(root, file_path)
    if found is not None and found.name != "index.html":
        hashed = found.parent.name == "assets"
        return _file(found, IMMUTABLE if hashed else NO_CACHE)
    if found is None and first_segment == "assets":
        raise NotFoundException  # a missing hashed asset must not turn into index.html
    return _file(root / "index.html", NO_CACHE)


def _file(path: Path, cache_control: str) -> File:
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"  # Litestar adds text charsets
    return File(
        path, media_type=media_type, content_disposition_type="inline", headers={"Cache-Control": cache_control}
    )


def web_router() -> Router:
    return Router(path="/", route_handlers=[serve_root, serve_web])
