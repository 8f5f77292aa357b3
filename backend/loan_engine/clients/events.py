"""The audit event types of API clients."""

from __future__ import annotations

from loan_engine.audit.events import event_type

CLIENT_CREATED = event_type("client.created", "An admin created an API client (never the secret)")
CLIENT_REVOKED = event_type("client.revoked", "An admin revoked an API client")
CLIENT_TOKEN_ISSUED = event_type("client.token.issued", "An API client was granted an access token")
CLIENT_TOKEN_DENIED = event_type(
    "client.token.denied", "A client-credentials grant was refused; details.reason: unknown_client, bad_secret, revoked"
)
