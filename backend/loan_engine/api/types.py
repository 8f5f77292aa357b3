"""The base of every API type and the one pagination style of every list.

* ``ApiStruct``: camelCase on the wire and unknown fields refused (a typo in a request is a 422, not a
  silently ignored field). msgspec passes both options on to subclasses, so a DTO only declares fields.
* Lists are **keyset** paginated: a page carries ``items`` and ``nextCursor``, an opaque string the
  client sends back as ``cursor`` for the next page (``null`` on the last page). Keyset rather than
  offset because the lists that matter grow without end (audit trail, ledger entries, payments): a deep
  page costs the same as the first (an index range scan, not OFFSET's skip of every earlier row), and a
  row inserted while someone pages does not shift later pages or show a row twice. A page has no total
  count: counting a list that grows without end costs as much as reading it.
* ``Limit`` and ``Cursor`` are the query parameters of a list (``limit: Limit = DEFAULT_LIMIT``,
  ``cursor: Cursor = None``). Litestar validates and documents a query parameter only from its own
  ``QueryParameter``; ``Limit`` carries its bounds for msgspec too, for a Struct field.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import Annotated, Any, Final, TypeVar

import msgspec
from litestar.params import QueryParameter

from loan_engine.errors import ValidationError, pattern_meaning

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "Amount",
    "ApiStruct",
    "Cursor",
    "Limit",
    "Percent",
    "date_time_query",
    "decode_cursor",
    "encode_cursor",
    "parse_date_time",
]

DEFAULT_LIMIT: Final = 50
MAX_LIMIT: Final = 200

T = TypeVar("T")


class ApiStruct(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """Base of every request and response type (camelCase keys, unknown fields refused)."""


# Money and rates travel as decimal strings, never JSON numbers (msgspec would accept a number for a
# Decimal field, so wire types are patterned strings and services convert them with Decimal(text)).
Amount = Annotated[
    str,
    msgspec.Meta(
        pattern=pattern_meaning(
            r"^[0-9]{1,13}(\.[0-9]{1,4})?$",
            'must be an amount of zero or more written as a string, such as "1264.14" (at most 4 decimals)',
        ),
        max_length=18,
        description='An amount of money as a decimal string, e.g. "1264.14"',
        examples=["1264.14"],
    ),
]
Percent = Annotated[
    str,
    msgspec.Meta(
        pattern=pattern_meaning(
            r"^[0-9]{1,3}(\.[0-9]{1,6})?$",
            'must be a percentage written as a string, such as "6.5" (at most 6 decimals)',
        ),
        max_length=10,
        description='A percentage as a decimal string, e.g. "6.5"',
        examples=["6.5"],
    ),
]

_LIMIT_TEXT = f"Page size, 1 to {MAX_LIMIT}"
_CURSOR_TEXT = "The `nextCursor` of the previous page; omit for the first page"
_CURSOR_PATTERN = "^[A-Za-z0-9_-]*$"
Limit = Annotated[
    int,
    msgspec.Meta(ge=1, le=MAX_LIMIT, description=_LIMIT_TEXT),
    QueryParameter(ge=1, le=MAX_LIMIT, description=_LIMIT_TEXT),
]
# Optional by nature (the first page has none), so declared `str | None`: Litestar reads the parameter's
# bounds only from an Annotated that wraps the whole optional type.
Cursor = Annotated[str | None, QueryParameter(max_length=512, pattern=_CURSOR_PATTERN, description=_CURSOR_TEXT)]


def encode_cursor(key: tuple[Any, ...]) -> str:
    """The sort key of a page's last row as an opaque, URL-safe cursor."""
    return base64.urlsafe_b64encode(msgspec.json.encode(key)).rstrip(b"=").decode()


def decode_cursor(cursor: str, key_type: type[T]) -> T:
    """Decode a cursor made by ``encode_cursor`` into ``key_type`` (e.g. ``tuple[datetime, UUID]``);
    anything else is a 422 on ``cursor``."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        return msgspec.json.decode(raw, type=key_type)
    except (binascii.Error, ValueError, msgspec.DecodeError):
        raise ValidationError.one(
            "cursor", "This cursor was not returned by this list; start from the first page."
        ) from None


# A timestamp in a query parameter: RFC 3339 with an offset, years 1900 to 9998 (so a filter's arithmetic,
# such as a shift to UTC, never leaves Python's range). Declared as a patterned string with
# `format: date-time`, because Litestar's own datetime parsing also accepts a bare number such as `0.5`.
MIN_YEAR: Final = 1900
MAX_YEAR: Final = 9998
DATE_TIME_MEANING: Final = (
    f"must be a date-time with an offset, such as 2026-01-31T00:00:00Z, between the years {MIN_YEAR} and {MAX_YEAR}"
)
DATE_TIME_PATTERN: Final = pattern_meaning(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})$",
    DATE_TIME_MEANING,
)


def date_time_query(name: str, description: str) -> Any:
    """The `QueryParameter` of an optional date-time query parameter named `name` on the wire:
    ``since: Annotated[str | None, date_time_query("since", "Inclusive")] = None``."""
    return QueryParameter(
        name=name,
        pattern=DATE_TIME_PATTERN,
        max_length=40,
        description=f"{description}; RFC 3339 with an offset, e.g. 2026-01-31T00:00:00Z, years {MIN_YEAR}-{MAX_YEAR}",
        schema_extra={"format": "date-time"},
    )


def parse_date_time(name: str, value: str | None) -> datetime | None:
    """A `date_time_query` value as an aware UTC datetime; a 422 on `name` if it is not a real instant in range."""
    if value is None:
        return None
    invalid = ValidationError.one(name, DATE_TIME_MEANING)
    try:
        parsed = datetime.fromisoformat(value)
        in_range = MIN_YEAR <= parsed.year <= MAX_YEAR and parsed.tzinfo is not None
        utc = parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        raise invalid from None
    if not in_range:
        raise invalid
    return utc
