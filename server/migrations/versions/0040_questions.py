"""Question bank: questions and their revisions.

Revision ID: 0040_questions
Revises: 0030_judge0_submissions
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.kit.db import UTCDateTime

revision: str = "0040_questions"
down_revision: str | None = "0030_judge0_submissions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "questions",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("owner_id", sa.String(32), nullable=True),
        sa.Column("visibility", sa.String(16), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("difficulty", sa.String(16), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("test_count", sa.Integer(), nullable=False),
        sa.Column("hidden_test_count", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "difficulty IN ('easy', 'medium', 'hard')", name=op.f("ck_questions_difficulty")
        ),
        sa.CheckConstraint(
            "visibility IN ('private', 'shared')", name=op.f("ck_questions_visibility")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_questions_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questions")),
    )
    op.create_index("ix_questions_owner_id", "questions", ["owner_id"])
    op.create_index("ix_questions_visibility_deleted", "questions", ["visibility", "deleted_at"])
    op.create_table(
        "question_revisions",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("question_id", sa.String(32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.String(32), nullable=True),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_question_revisions_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_revisions")),
        sa.UniqueConstraint(
            "question_id", "number", name=op.f("uq_question_revisions_question_id_number")
        ),
    )
    op.create_index("ix_question_revisions_question_id", "question_revisions", ["question_id"])


def downgrade() -> None:
    op.drop_index("ix_question_revisions_question_id", table_name="question_revisions")
    op.drop_table("question_revisions")
    op.drop_index("ix_questions_visibility_deleted", table_name="questions")
    op.drop_index("ix_questions_owner_id", table_name="questions")
    op.drop_table("questions")
