"""Rooms: the update log (every applied Yjs update with its author and time) for playback.

Revision ID: 0020_room_updates
Revises: 0011_schedules
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.kit.db import UTCDateTime

revision: str = "0020_room_updates"
down_revision: str | None = "0011_schedules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "room_updates",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
            autoincrement=True,
        ),
        sa.Column("interview_id", sa.String(32), nullable=False),
        sa.Column("doc", sa.String(16), nullable=False),
        sa.Column("participant_id", sa.String(64), nullable=False),
        sa.Column("author_name", sa.String(200), nullable=False),
        sa.Column("author_role", sa.String(20), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("update", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_room_updates_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_room_updates")),
    )
    op.create_index(
        "ix_room_updates_interview_doc_id", "room_updates", ["interview_id", "doc", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_room_updates_interview_doc_id", table_name="room_updates")
    op.drop_table("room_updates")
