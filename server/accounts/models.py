"""Accounts tables. Everything a user owns references ``users.id`` with ON DELETE CASCADE."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column

from server.kit.db import Base, UTCDateTime, new_id, utcnow


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    """Stored lower-cased, so uniqueness is case-insensitive on both databases."""
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(100), nullable=True)
    """None for an account created through OIDC that never set a password."""
    admit_candidates: Mapped[str] = mapped_column(String(10), default="auto", server_default="auto")
    """How this interviewer's candidates enter the room: ``auto`` (as soon as the interviewer is
    there) or ``manual`` (they wait in the lobby until the interviewer admits them)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    organization_id: Mapped[str | None] = mapped_column(String(32), default=None, index=True)
    """The organization the account belongs to (one per installation today). A plain column:
    SQLite cannot add a constraint to an existing table in place."""
    role: Mapped[str] = mapped_column(
        String(20), default="interviewer", server_default="interviewer"
    )
    """``admin`` or ``interviewer`` (``server.organization.models.Role``)."""
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    """False once an admin deactivated the member: no session, API key or socket works."""
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    """When the owner proved the address (a mailed link, an invitation, a provider's
    ``email_verified``); an unverified account cannot sign in or be linked to an identity."""


class RefreshToken(Base):
    """One issued refresh token. Reusing a used one revokes its whole family (theft signal)."""

    __tablename__ = "refresh_tokens"

    jti: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    family_id: Mapped[str] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class OneTimeToken(Base):
    """An e-mailed single-use token (password reset, account deletion); only its hash is kept."""

    __tablename__ = "one_time_tokens"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class OidcIdentity(Base):
    """Links a provider's subject to a user; the subject, not the e-mail, is the identity."""

    __tablename__ = "oidc_identities"
    __table_args__ = (UniqueConstraint("provider", "subject", name="uq_oidc_identities_subject"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ApiKey(Base):
    """A bearer secret for API clients; the secret is shown once and stored as a SHA-256 hash."""

    __tablename__ = "api_keys"
    __table_args__ = (Index("ix_api_keys_user_id_created", "user_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    scopes: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["full"])
    """``["full"]``: everything the owner may do; ``["runs"]``: code runs only (the run API and
    the Judge0/Piston surfaces)."""
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
