"""The OpenAPI document says what the server does: every route's problem+json answers, request schemas
that refuse unknown fields, and bodiless 204s. Applied once to the generated document
(`document_problems(app)` at the end of `create_app`), derived from each handler, so a new route is
documented the same way without repeating itself:

| Status | When a route documents it |
|---|---|
| 400 | always (malformed JSON, invalid UTF-8, over-deep documents, a missing body: `api/guard.py`) |
| 401 | it has guards (no or bad credentials), or it says so in `opt["problems"]` (sign-in, refresh, token) |
| 403 | it has guards (role, scope or origin) |
| 404 | it has path parameters |
| 409 | it writes (POST/PUT/PATCH/DELETE) and uses the database (a conflict with stored data) |
| 415 | it takes a body |
| 422 | it takes a body or parameters |
| 429 | it says so in `opt["problems"]` (throttled routes), or it writes and uses the database (`BusyError`) |
| 503 | it uses the database, directly or through its guards (`errors.DatabaseUnavailableError`) |

A route with `opt=OFFERS_CSV` (`api/csv.py`) also documents `text/csv` on its success response.

405 (with `Allow`) and 500 can happen on any path and are described once, in the document's description.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from http import HTTPStatus
from typing import Any

import msgspec
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.spec import (
    Components,
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Reference,
    Schema,
)
from litestar.routes import HTTPRoute

from loan_engine.api.csv import CSV
from loan_engine.api.types import ApiStruct
from loan_engine.errors import PROBLEM_JSON

PROBLEM_SCHEMA_NAME = "ProblemDetails"
DB_DEPENDENCY = "db_session"
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_MEANINGS = {
    400: "Malformed request: the body is not JSON (or not UTF-8), is nested too deeply, or is missing",
    401: "No valid credentials (or wrong ones)",
    403: "The caller is not allowed to do this",
    404: "Nothing at this address",
    409: "The request conflicts with data already stored",
    415: "The body is not in the media type this route takes",
    422: "Invalid input; `errors` names each field by its wire name",
    429: "Too many attempts, or the record is busy with another change; nothing was changed, wait for "
    "`Retry-After` seconds",
    503: "The database is unavailable; nothing was changed, retry after `Retry-After` seconds",
}
_CSV_SCHEMA = Schema(type=OpenAPIType.STRING, description="CSV with a header row (RFC 4180)")
_RETRY_AFTER: dict[str, OpenAPIHeader | Reference] = {
    "Retry-After": OpenAPIHeader(
        schema=Schema(type=OpenAPIType.INTEGER, minimum=1), description="Seconds to wait before trying again"
    )
}


def problem_schema() -> Schema:
    """RFC 9457 problem details as this API renders them (`errors.problem`)."""
    string = Schema(type=OpenAPIType.STRING)
    return Schema(
        type=OpenAPIType.OBJECT,
        title="Problem details (RFC 9457)",
        required=["type", "title", "status", "detail"],
        properties={
            "type": Schema(type=OpenAPIType.STRING, description="urn:loan-engine:problem:<slug>"),
            "title": string,
            "status": Schema(type=OpenAPIType.INTEGER),
            "detail": string,
            "requestId": Schema(one_of=[string, Schema(type=OpenAPIType.NULL)]),
            "instance": string,
            "errors": Schema(
                type=OpenAPIType.ARRAY,
                items=Schema(
                    type=OpenAPIType.OBJECT,
                    required=["field", "message"],
                    properties={"field": string, "message": string},
                ),
            ),
            "error": Schema(type=OpenAPIType.STRING, description="RFC 6749 error code (token endpoint)"),
            "error_description": string,
        },
    )


def document_problems(app: Litestar) -> None:
    """Rewrite the generated document in place (the plugin caches it; nothing registers routes later)."""
    openapi = app.openapi_schema
    components = openapi.components if isinstance(openapi.components, Components) else Components()
    openapi.components = components
    schemas = components.schemas if components.schemas is not None else {}
    components.schemas = schemas
    schemas[PROBLEM_SCHEMA_NAME] = problem_schema()
    _refuse_unknown_fields(schemas)
    problem = OpenAPIMediaType(schema=Reference(ref=f"#/components/schemas/{PROBLEM_SCHEMA_NAME}"))
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or openapi.paths is None or route.path_format not in openapi.paths:
            continue
        path_item = openapi.paths[route.path_format]
        for handler in route.route_handlers:
            for method in handler.http_methods:
                operation = getattr(path_item, method.lower(), None)
                if operation is None or operation.responses is None:
                    continue
                for status in sorted(problem_statuses(handler, method, route.path_parameters)):
                    operation.responses[str(status)] = OpenAPIResponse(
                        description=_MEANINGS.get(status, HTTPStatus(status).phrase),
                        content={PROBLEM_JSON: problem},
                        headers=_RETRY_AFTER if status in (429, 503) else None,
                    )
                for code, response in operation.responses.items():
                    if handler.opt.get("csv") and code in ("200", "201") and isinstance(response, OpenAPIResponse):
                        response.content = {**(response.content or {}), CSV: OpenAPIMediaType(schema=_CSV_SCHEMA)}
                    if code in ("204", "304") and isinstance(response, OpenAPIResponse):
                        response.content = None  # no body, so no media type either


def problem_statuses(handler: HTTPRouteHandler, method: str, path_parameters: Iterable[Any]) -> set[int]:
    """The problem statuses one operation can answer (see the module docstring)."""
    parameters = handler.parsed_fn_signature.parameters
    statuses = {400}
    guards = handler.resolve_guards()
    if guards:
        statuses |= {401, 403} if not all(getattr(g, "__name__", "") == "trusted_origin" for g in guards) else {403}
    if list(path_parameters):
        statuses.add(404)
    if "data" in parameters:
        statuses |= {415, 422}
    if len(parameters) > ("data" in parameters) or list(path_parameters):
        statuses.add(422)
    uses_db = bool(guards and statuses & {401}) or _uses_database(handler)
    if uses_db:
        statuses.add(503)
        if method in _WRITES:
            statuses |= {409, 429}
    statuses |= set(handler.opt.get("problems", ()))
    return statuses


def _uses_database(handler: HTTPRouteHandler) -> bool:
    """Whether the handler or any dependency it asks for (transitively) takes the database session."""
    dependencies = handler.resolve_dependencies()
    wanted = list(handler.parsed_fn_signature.parameters)
    seen: set[str] = set()
    while wanted:
        name = wanted.pop()
        if name in seen:
            continue
        seen.add(name)
        if name == DB_DEPENDENCY:
            return True
        provider = dependencies.get(name)
        if provider is not None:
            wanted.extend(inspect.signature(provider.dependency).parameters)
    return False


def _refuse_unknown_fields(schemas: dict[str, Any]) -> None:
    """`additionalProperties: false` on every ApiStruct's schema: the server refuses unknown fields
    (`forbid_unknown_fields`), and never sends any. A Struct's `openapi_required` ClassVar adds fields the
    protocol requires although the Struct defaults them (so the handler can answer a missing one itself),
    and `openapi_enums` the values the protocol admits for a field the Struct types as any string."""
    structs = {cls.__name__: cls for cls in _subclasses(ApiStruct)}
    for name, schema in schemas.items():
        cls = structs.get(name)
        if cls is None or not isinstance(schema, Schema) or schema.properties is None:
            continue
        if cls.__struct_config__.forbid_unknown_fields:
            schema.additional_properties = False
        required: tuple[str, ...] = getattr(cls, "openapi_required", ())  # required by the protocol, not msgspec
        if required:
            schema.required = sorted({*(schema.required or ()), *required})
        enums: dict[str, tuple[str, ...]] = getattr(cls, "openapi_enums", {})  # the values the protocol admits
        for field_name, values in enums.items():
            schema.properties[field_name] = Schema(type=OpenAPIType.STRING, enum=list(values))


def _subclasses(cls: type[msgspec.Struct]) -> Iterable[type[msgspec.Struct]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)
