"""Schedules: interview slots and the state of their calendar invitations.

Revision ID: 0011_schedules
Revises: 0010_interviews
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.kit.db import UTCDateTime

revision: str = "0011_schedules"
down_revision: str | None = "0010_interviews"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "schedules",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("interview_id", sa.String(32), nullable=False),
        sa.Column("owner_id", sa.String(32), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("candidate_email", sa.String(320), nullable=False),
        sa.Column("interviewer_email", sa.String(320), nullable=False),
        sa.Column("ical_uid", sa.String(128), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("invitation_sent", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedules")),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            ondelete="CASCADE",
            name=op.f("fk_schedules_interview_id_interviews"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], ondelete="CASCADE", name=op.f("fk_schedules_owner_id_users")
        ),
        sa.UniqueConstraint("ical_uid", name=op.f("uq_schedules_ical_uid")),
        sa.CheckConstraint("status IN ('active', 'cancelled')", name=op.f("ck_schedules_status")),
        sa.CheckConstraint(
            "duration_minutes BETWEEN 5 AND 480", name=op.f("ck_schedules_duration_minutes")
        ),
        sa.CheckConstraint("sequence >= 0", name=op.f("ck_schedules_sequence")),
    )
    op.create_index(op.f("ix_schedules_interview_id"), "schedules", ["interview_id"])
    op.create_index(op.f("ix_schedules_owner_id"), "schedules", ["owner_id"])
    op.create_index(op.f("ix_schedules_starts_at"), "schedules", ["starts_at"])


def downgrade() -> None:
    op.drop_table("schedules")
