"""Imports every feature's models so `Base.metadata` is complete (for Alembic and drift tests)."""

from __future__ import annotations

from loan_engine.audit.models import AuditLog
from loan_engine.auth.models import ApiClient, AuthSession, AuthThrottle, RefreshToken, User
from loan_engine.db.base import Base
from loan_engine.policy.models import PolicyVersion
from loan_engine.products.models import Product, ProductVersion

__all__ = [
    "ApiClient",
    "AuditLog",
    "AuthSession",
    "AuthThrottle",
    "Base",
    "PolicyVersion",
    "Product",
    "ProductVersion",
    "RefreshToken",
    "User",
]
