"""The compiled kernel (``_kernel.c``), or ``None`` where it was not built.

pip builds it at install time when a C compiler is present and installs without it otherwise; the
Decimal code it speeds up (``schedule._constant_level``, the ``Row`` path of ``quotes.service``) then
does the same work, about 4x more slowly on a 360-installment quote.
"""

from __future__ import annotations

import importlib
from datetime import date
from typing import Final, Protocol, cast

from loan_engine.finance.money import RoundingMode

__all__ = ["MODE_CODES", "Kernel", "compiled"]

# How amortize() names the rounding modes.
MODE_CODES: Final = {RoundingMode.HALF_EVEN: 0, RoundingMode.HALF_UP: 1, RoundingMode.DOWN: 2, RoundingMode.UP: 3}


class Kernel(Protocol):
    """What ``_kernel.c`` exports; that file says what each function does."""

    def amortize(  # noqa: PLR0917 - the C function takes positional arguments only
        self, principal: int, rate_num: int, rate_den: int, payment: int, periods: int, mode: int, odd: int, /
    ) -> tuple[bytes, int, int] | None: ...

    def schedule_json(  # noqa: PLR0917 - likewise
        self, rows: bytes, due_dates: tuple[date, ...], first: int, level: int, last: int, places: int, /
    ) -> bytes: ...


def _load() -> Kernel | None:
    try:
        return cast(Kernel, importlib.import_module("loan_engine.finance._kernel"))
    except ImportError:
        return None


compiled: Final = _load()
