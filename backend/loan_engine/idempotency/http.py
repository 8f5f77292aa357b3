"""The HTTP side of idempotency, for every controller with money-moving POSTs: the request's key (the
caller's scope, the Idempotency-Key, and a fingerprint of method, path and body) and the response of an
``Outcome`` (marked ``Idempotent-Replayed: true`` when it is a retry's stored answer)."""

from __future__ import annotations

from typing import TypeVar

import msgspec
from litestar import Response

from loan_engine.api.request import AnyRequest
from loan_engine.idempotency.service import Outcome, RequestKey, fingerprint

__all__ = ["request_key", "respond"]

T = TypeVar("T")


def request_key(request: AnyRequest, scope: str, key: str, data: msgspec.Struct | None) -> RequestKey:
    body = b"" if data is None else msgspec.json.encode(data)
    path = request.url.path
    return RequestKey(scope, key, request.method, path, fingerprint(request.method, path, body))


def respond(outcome: Outcome[T]) -> Response[T]:
    headers = {"Idempotent-Replayed": "true"} if outcome.replayed else {}
    return Response(outcome.body, status_code=outcome.status, headers=headers)
