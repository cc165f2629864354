"""Scorecards and their templates.

Revision ID: 0041_scorecards
Revises: 0040_questions
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.kit.db import UTCDateTime

revision: str = "0041_scorecards"
down_revision: str | None = "0040_questions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scorecard_templates",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("owner_id", sa.String(32), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_scorecard_templates_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scorecard_templates")),
    )
    op.create_index("ix_scorecard_templates_owner_id", "scorecard_templates", ["owner_id"])
    op.create_table(
        "scorecards",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("interview_id", sa.String(32), nullable=False),
        sa.Column("interviewer_id", sa.String(32), nullable=False),
        sa.Column("interviewer_name", sa.String(200), nullable=False),
        sa.Column("template_name", sa.String(200), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("ratings", sa.JSON(), nullable=False),
        sa.Column("recommendation", sa.String(20), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("submitted_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("status IN ('draft', 'submitted')", name=op.f("ck_scorecards_status")),
        sa.CheckConstraint(
            "recommendation IS NULL OR recommendation IN "
            "('strong_no_hire', 'no_hire', 'hire', 'strong_hire')",
            name=op.f("ck_scorecards_recommendation"),
        ),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_scorecards_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["interviewer_id"],
            ["users.id"],
            name=op.f("fk_scorecards_interviewer_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scorecards")),
        sa.UniqueConstraint(
            "interview_id", "interviewer_id", name=op.f("uq_scorecards_interview_id_interviewer_id")
        ),
    )
    op.create_index("ix_scorecards_interview_id", "scorecards", ["interview_id"])
    op.create_index("ix_scorecards_interviewer_id", "scorecards", ["interviewer_id"])


def downgrade() -> None:
    op.drop_index("ix_scorecards_interviewer_id", table_name="scorecards")
    op.drop_index("ix_scorecards_interview_id", table_name="scorecards")
    op.drop_table("scorecards")
    op.drop_index("ix_scorecard_templates_owner_id", table_name="scorecard_templates")
    op.drop_table("scorecard_templates")
