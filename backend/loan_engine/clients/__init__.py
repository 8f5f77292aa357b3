"""API clients: partner systems created by an admin with scopes, and the OAuth 2.0 client-credentials
grant (`POST /auth/token`) that turns their credentials into short-lived access tokens."""
