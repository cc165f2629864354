"""Interview records: interviews, their chat transcript and their runs.

Revision ID: 0010_interviews
Revises: 0001_accounts
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.kit.db import UTCDateTime

revision: str = "0010_interviews"
down_revision: str | None = "0001_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "interviews",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("owner_id", sa.String(32), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("candidate_name", sa.String(200), nullable=False),
        sa.Column("candidate_email", sa.String(320), nullable=True),
        sa.Column("position", sa.String(200), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("recommendation", sa.String(20), nullable=True),
        sa.Column("scheduled_at", UTCDateTime(), nullable=True),
        sa.Column("language", sa.String(40), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("final_code", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("join_code", sa.String(64), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interviews")),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            ondelete="CASCADE",
            name=op.f("fk_interviews_owner_id_users"),
        ),
        sa.UniqueConstraint("join_code", name=op.f("uq_interviews_join_code")),
        sa.CheckConstraint(
            "status IN ('scheduled', 'in_progress', 'completed', 'cancelled')",
            name=op.f("ck_interviews_status"),
        ),
        sa.CheckConstraint(
            "recommendation IS NULL OR recommendation IN "
            "('strong_hire', 'hire', 'no_hire', 'strong_no_hire')",
            name=op.f("ck_interviews_recommendation"),
        ),
    )
    op.create_index(op.f("ix_interviews_owner_id"), "interviews", ["owner_id"])
    op.create_index(
        op.f("ix_interviews_owner_deleted_created"),
        "interviews",
        ["owner_id", "deleted_at", "created_at"],
    )
    for table, extra in (
        (
            "interview_messages",
            [
                sa.Column("author_name", sa.String(200), nullable=False),
                sa.Column("author_role", sa.String(20), nullable=False),
                sa.Column("text", sa.Text(), nullable=False),
                sa.Column("sent_at", UTCDateTime(), nullable=False),
            ],
        ),
        (
            "interview_runs",
            [
                sa.Column("started_by", sa.String(200), nullable=False),
                sa.Column("language", sa.String(40), nullable=False),
                sa.Column("stdin", sa.Text(), nullable=False),
                sa.Column("result", sa.JSON(), nullable=False),
                sa.Column("created_at", UTCDateTime(), nullable=False),
            ],
        ),
    ):
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("interview_id", sa.String(32), nullable=False),
            *extra,
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
            sa.ForeignKeyConstraint(
                ["interview_id"],
                ["interviews.id"],
                ondelete="CASCADE",
                name=op.f(f"fk_{table}_interview_id_interviews"),
            ),
        )
        op.create_index(op.f(f"ix_{table}_interview_id"), table, ["interview_id"])


def downgrade() -> None:
    op.drop_table("interview_runs")
    op.drop_table("interview_messages")
    op.drop_table("interviews")
