"""Idempotency keys for money-moving requests (docs/IDEMPOTENCY.md)."""
