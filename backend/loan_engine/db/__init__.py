"""Database access: engine and sessions, declarative base, embedded PostgreSQL, migrations."""
