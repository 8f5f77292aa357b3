"""The one request guard, run before any handler reads its input (an app-level `before_request`).

Every request passes here after routing and before its parameters and body are decoded, so what no
handler can take is refused in one place, for every route, present and future, as a 4xx problem:

* a NUL character anywhere it could reach PostgreSQL (which cannot store it in text): the path, any
  query parameter, any string or key of a JSON body, any field of a form body: 422 naming the field;
* a query string or body that is not valid UTF-8: 400;
* a JSON document nested deeper than ``MAX_JSON_DEPTH``: 400 (no schema of ours goes near it, and a deep
  one costs recursion in every layer that walks it);
* a route that takes a body receiving another media type: 415 (JSON routes take only
  ``application/json``, the OAuth token endpoint only form encoding; a cross-site form can send
  ``text/plain`` without a preflight, so accepting it would allow login CSRF);
* a route that needs a body receiving none: 400 saying so (instead of the framework's ``": 'data'"``).

The JSON body is decoded once here (msgspec, into plain values) for the walk, and again by the handler
into its Struct; both are C-speed, and a body is at most 1 MB.
"""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import parse_qsl, unquote_to_bytes

import msgspec
from litestar.enums import RequestEncodingType

from loan_engine.api.request import AnyRequest
from loan_engine.errors import BadRequestError, OAuthError, UnsupportedMediaTypeError, ValidationError

MAX_JSON_DEPTH: Final = 32
NUL_MESSAGE: Final = "must not contain the NUL character (U+0000)"
_BODY_METHODS: Final = frozenset({"POST", "PUT", "PATCH"})
JSON: Final = "application/json"
FORM: Final = RequestEncodingType.URL_ENCODED.value


async def guard_request(request: AnyRequest) -> None:
    """Refuse, before any handler sees it, input that no handler can take (see the module docstring)."""
    if "\x00" in request.scope["path"]:
        raise ValidationError.one("path", NUL_MESSAGE)
    query = request.scope.get("query_string", b"")
    if query:
        _check_form_text(query, "query string")
    expected = body_media_type(request)
    if expected is None or request.method not in _BODY_METHODS:
        return
    media_type = request.content_type[0]
    body = await request.body()
    if not body and expected == FORM:
        return  # an empty form is a form: the token endpoint answers with its RFC 6749 error
    if not body and not media_type:
        raise BadRequestError(f"This request needs a body ({expected})")
    if media_type != expected:
        raise UnsupportedMediaTypeError(
            f"This route takes {expected}, not {media_type or 'a body without Content-Type'}",
            headers={"Accept-Post": expected} if request.method == "POST" else None,
        )
    if not body:
        raise BadRequestError(f"This request needs a body ({expected})")
    if expected == FORM:  # the OAuth token endpoint: its clients read RFC 6749's `error` code
        try:
            _check_form_text(body, "body")
        except BadRequestError as exc:
            raise OAuthError("invalid_request", exc.detail) from None
        return
    _utf8(body, "body")
    try:
        document = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return  # malformed JSON: the handler's decoding answers 400 with msgspec's precise message
    except RecursionError:  # deeper than msgspec's own limit (about 1000 levels)
        raise BadRequestError(f"The JSON document is nested deeper than {MAX_JSON_DEPTH} levels") from None
    check_document(document)


def body_media_type(request: AnyRequest) -> str | None:
    """The media type the route's `data` parameter takes, or None if it takes no body."""
    data = request.route_handler.parsed_fn_signature.parameters.get("data")
    if data is None:
        return None
    definition = data.kwarg_definition
    media_type = getattr(definition, "media_type", None) or JSON
    return str(getattr(media_type, "value", media_type))


def check_document(document: Any) -> None:
    """Walk a decoded JSON document: no deeper than MAX_JSON_DEPTH, no NUL in any string or key."""
    stack: list[tuple[Any, tuple[str, ...]]] = [(document, ())]
    while stack:
        value, path = stack.pop()
        if len(path) > MAX_JSON_DEPTH:
            raise BadRequestError(f"The JSON document is nested deeper than {MAX_JSON_DEPTH} levels")
        if isinstance(value, str):
            if "\x00" in value:
                raise ValidationError.one(".".join(path), NUL_MESSAGE)
        elif isinstance(value, dict):
            for key, item in value.items():
                if "\x00" in key:
                    raise ValidationError.one(".".join(path), f"has a key that {NUL_MESSAGE.removeprefix('must')}")
                stack.append((item, (*path, key)))
        elif isinstance(value, list):
            stack.extend((item, (*path, str(index))) for index, item in enumerate(value))


def _utf8(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequestError(f"The {where} is not valid UTF-8") from None


def _check_form_text(raw: bytes, where: str) -> None:
    """A query string or form body: percent-decoded it must be UTF-8, and no field may hold a NUL."""
    _utf8(unquote_to_bytes(raw.replace(b"+", b" ")), where)
    if b"%00" not in raw.lower() and b"\x00" not in raw:
        return
    for name, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True, encoding="utf-8"):
        if "\x00" in name or "\x00" in value:
            raise ValidationError.one(name.replace("\x00", "") or where, NUL_MESSAGE)
