"""Tables for accounts, their sign-ins (refresh-token families), sign-in throttling, one-time links and
sign-in steps, and the second factor (TOTP authenticators and recovery codes)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from loan_engine.db.base import Base

TZ = DateTime(timezone=True)


class User(Base):
    """A person. `email` is stored lower-cased, so its unique constraint is case-insensitive."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("email = lower(email)", name="email_lower_case"),
        CheckConstraint("status IN ('active', 'disabled')", name="status"),
        CheckConstraint(
            "cardinality(roles) >= 1 AND roles <@ ARRAY['borrower', 'underwriter', 'admin']::text[]", name="roles"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(Text)
    roles: Mapped[list[str]] = mapped_column(ARRAY(Text))
    status: Mapped[str] = mapped_column(String(16), server_default="active")
    created_at: Mapped[datetime] = mapped_column(TZ, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(TZ, server_default=func.now())
    password_changed_at: Mapped[datetime] = mapped_column(TZ, server_default=func.now())
    last_sign_in_at: Mapped[datetime | None] = mapped_column(TZ)
    email_verified_at: Mapped[datetime | None] = mapped_column(TZ)


class AuthSession(Base):
    """One sign-in: the family of refresh tokens rotated from it. Revoking it ends the sign-in at once
    (its access tokens are refused too, because every authenticated request checks `revoked_at`)."""

    __tablename__ = "auth_sessions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(TZ, server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(TZ)
    revoked_at: Mapped[datetime | None] = mapped_column(TZ)
    revoked_reason: Mapped[str | None] = mapped_column(String(32))
    source_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(256))
    last_used_at: Mapped[datetime] = mapped_column(TZ, server_default=func.now())


class RefreshToken(Base):
    """One refresh token of a session, stored as its SHA-256. `used_at` is set when it is rotated;
    presenting it again is reuse, which revokes the whole session."""

    __tablename__ = "refresh_tokens"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("auth_sessions.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("refresh_tokens.id", ondelete="CASCADE"))
    token_hash: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    created_at: Mapped[datetime] = mapped_column(TZ, server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(TZ)
    used_at: Mapped[datetime | None] = mapped_column(TZ)


class AuthThrottle(Base):
    """Failed sign-in counts and back-off per key (`account:<email>` or `source:<address>`), shared by
    every API instance because it lives in PostgreSQL."""

    __tablename__ = "auth_throttle"

    key: Mapped[str] = mapped_column(String(320), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failure_at: Mapped[datetime] = mapped_column(TZ, index=True)
    next_allowed_at: Mapped[datetime] = mapped_column(TZ)


class AccountToken(Base):
    """A one-time link sent by mail (password reset, email verification) or the short-lived token of a
    sign-in's second step (`mfa_challenge`, `mfa_enrolment`), stored only as its SHA-256.
    `email` is the address the token was sent to: a verification proves that address (for an email
    change, the new one), and a token for an address the account no longer has is void."""

    __tablename__ = "account_tokens"
    __table_args__ = (
        CheckConstraint(
            "purpose IN ('password_reset', 'email_verification', 'mfa_challenge', 'mfa_enrolment')", name="purpose"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(TZ, server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(TZ)
    used_at: Mapped[datetime | None] = mapped_column(TZ)


class MfaAuthenticator(Base):
    """A person's TOTP authenticator. The secret is sealed under a per-row data key (`loan_engine.crypto`,
    the row's user id and field name as associated data); only the wrapped key is stored. A row with no
    `confirmed_at` is an enrolment in progress (it never counts as a second factor). `last_step` is the
    30-second time step of the last code accepted: a code of that step or an earlier one is a replay."""

    __tablename__ = "mfa_authenticators"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    key_id: Mapped[str] = mapped_column(String(64))
    secret_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(TZ, server_default=func.now())
    confirmed_at: Mapped[datetime | None] = mapped_column(TZ)
    last_step: Mapped[int | None] = mapped_column(BigInteger)


class MfaRecoveryCode(Base):
    """One recovery code, stored only as its SHA-256 (80 random bits: no dictionary to try), usable once."""

    __tablename__ = "mfa_recovery_codes"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    created_at: Mapped[datetime] = mapped_column(TZ, server_default=func.now())
    used_at: Mapped[datetime | None] = mapped_column(TZ)
