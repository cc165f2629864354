"""Candidate tokens issued per join code (the room's bound on them).

Revision ID: 0080_room_join_passes
Revises: 0070_room_questions
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.kit.db import UTCDateTime

revision: str = "0080_room_join_passes"
down_revision: str | None = "0070_room_questions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "room_join_passes",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
            autoincrement=True,
        ),
        sa.Column("interview_id", sa.String(32), nullable=False),
        sa.Column("code_hash", sa.String(32), nullable=False),
        sa.Column("participant_id", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_room_join_passes_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_room_join_passes")),
    )
    op.create_index(
        "ix_room_join_passes_interview_code", "room_join_passes", ["interview_id", "code_hash"]
    )


def downgrade() -> None:
    op.drop_index("ix_room_join_passes_interview_code", table_name="room_join_passes")
    op.drop_table("room_join_passes")
