"""The identity test helpers (accounts through the real endpoints, direct SQL) shared with tests/integration/auth."""

from __future__ import annotations

from tests.integration.auth.conftest import db, make_account

__all__ = ["db", "make_account"]
