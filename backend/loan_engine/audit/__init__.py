"""The append-only audit trail of security events, and its admin query."""
