"""Organization tables: the organization itself (its policy), invitations, the audit log.

One installation holds one organization today; every row that belongs to one carries its id, so
several can follow without a data migration. Users carry it too (``users.organization_id``).
The audit log keeps the actor's id and address as plain text, not a foreign key: a deleted
account's history must outlive it. The migration makes the table append-only on both databases.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.kit.db import Base, UTCDateTime, new_id, utcnow


class SignupPolicy(StrEnum):
    CLOSED = "closed"
    """Nobody signs up; the admin invites (the default after the first account)."""
    INVITATION = "invitation"
    """Only through an invitation link (same as closed for the sign-up form)."""
    DOMAINS = "domains"
    """Addresses of the listed e-mail domains may sign up (after verifying the address)."""
    SSO = "sso"
    """New accounts come only from an OpenID Connect provider."""
    OPEN = "open"
    """Anyone who reaches the server; for a closed network or tests, never the default."""


class Role(StrEnum):
    ADMIN = "admin"
    INTERVIEWER = "interviewer"


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    """``default`` for the installation's one organization; unique, so two first requests
    racing to create it make one row."""
    name: Mapped[str] = mapped_column(String(200))
    signup_policy: Mapped[str] = mapped_column(String(20), default=SignupPolicy.CLOSED.value)
    allowed_domains: Mapped[list[str]] = mapped_column(JSON, default=list)
    """E-mail domains the ``domains`` policy admits."""
    required_providers: Mapped[list[str]] = mapped_column(JSON, default=list)
    """OIDC provider ids members must sign in with (admins keep their password as a way in)."""
    invite_domains: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Domains candidate and member invitations may be mailed to; empty: any, under the
    per-account daily cap."""
    retention_days: Mapped[int | None] = mapped_column(Integer, default=None)
    """Completed interviews older than this are purged; None keeps them."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Invitation(Base):
    """A single-use, expiring link that lets one address join as a member; only its hash is
    kept."""

    __tablename__ = "invitations"
    __table_args__ = (Index("ix_invitations_org_created", "organization_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    organization_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("organizations.id", ondelete="CASCADE")
    )
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(20), default=Role.INTERVIEWER.value)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class AuditEvent(Base):
    """Who did what, when, from where. Inserted and read by the application, never changed."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_org_at", "organization_id", "at"),
        Index("ix_audit_events_action_at", "action", "at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    organization_id: Mapped[str | None] = mapped_column(String(32), default=None)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    action: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[str | None] = mapped_column(String(32), default=None)
    actor_email: Mapped[str | None] = mapped_column(String(320), default=None)
    target: Mapped[str | None] = mapped_column(String(400), default=None)
    ip: Mapped[str | None] = mapped_column(String(64), default=None)
    user_agent: Mapped[str | None] = mapped_column(String(300), default=None)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    message: Mapped[str] = mapped_column(Text, default="")
