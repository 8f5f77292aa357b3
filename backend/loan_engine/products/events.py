"""Audit event types of products (subject: the product code)."""

from __future__ import annotations

from loan_engine.audit.events import event_type

PRODUCT_CREATED = event_type(
    "product.created", "An admin created a product with its first draft; details.code, details.currency"
)
VERSION_DRAFTED = event_type(
    "product.version.drafted", "An admin started a draft copied from a version; details.version, details.from"
)
VERSION_EDITED = event_type(
    "product.version.edited", "An admin replaced a draft's definition; details.version, details.changed (paths)"
)
VERSION_PUBLISHED = event_type(
    "product.version.published",
    "An admin published a version (the one on offer is retired); details.version, details.retired",
)
VERSION_RETIRED = event_type(
    "product.version.retired", "An admin stopped offering a published version; details.version"
)
