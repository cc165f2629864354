"""Judge0-compatible API: stored submissions, owned by an account.

Revision ID: 0030_judge0_submissions
Revises: 0020_room_updates
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.kit.db import UTCDateTime

revision: str = "0030_judge0_submissions"
down_revision: str | None = "0020_room_updates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "judge0_submissions",
        sa.Column("token", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("language_id", sa.Integer(), nullable=False),
        sa.Column("source_code", sa.Text(), nullable=False),
        sa.Column("stdin", sa.Text(), nullable=True),
        sa.Column("expected_output", sa.Text(), nullable=True),
        sa.Column("additional_files", sa.LargeBinary(), nullable=True),
        sa.Column("compiler_options", sa.String(512), nullable=True),
        sa.Column("command_line_arguments", sa.String(512), nullable=True),
        sa.Column("number_of_runs", sa.Integer(), nullable=False),
        sa.Column("cpu_time_limit", sa.Float(), nullable=True),
        sa.Column("cpu_extra_time", sa.Float(), nullable=True),
        sa.Column("wall_time_limit", sa.Float(), nullable=True),
        sa.Column("memory_limit", sa.Integer(), nullable=True),
        sa.Column("stack_limit", sa.Integer(), nullable=True),
        sa.Column("max_processes_and_or_threads", sa.Integer(), nullable=True),
        sa.Column("enable_per_process_and_thread_time_limit", sa.Boolean(), nullable=False),
        sa.Column("enable_per_process_and_thread_memory_limit", sa.Boolean(), nullable=False),
        sa.Column("max_file_size", sa.Integer(), nullable=True),
        sa.Column("redirect_stderr_to_stdout", sa.Boolean(), nullable=False),
        sa.Column("enable_network", sa.Boolean(), nullable=False),
        sa.Column("callback_url", sa.String(2048), nullable=True),
        sa.Column("status_id", sa.Integer(), nullable=False),
        sa.Column("stdout", sa.LargeBinary(), nullable=True),
        sa.Column("stderr", sa.LargeBinary(), nullable=True),
        sa.Column("compile_output", sa.LargeBinary(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("exit_code", sa.Integer(), nullable=True),
        sa.Column("exit_signal", sa.Integer(), nullable=True),
        sa.Column("time", sa.Float(), nullable=True),
        sa.Column("wall_time", sa.Float(), nullable=True),
        sa.Column("memory", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_judge0_submissions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_judge0_submissions")),
    )
    op.create_index(
        "ix_judge0_submissions_user_id_created",
        "judge0_submissions",
        ["user_id", "created_at"],
    )
    op.create_index("ix_judge0_submissions_status_id", "judge0_submissions", ["status_id"])


def downgrade() -> None:
    op.drop_index("ix_judge0_submissions_status_id", table_name="judge0_submissions")
    op.drop_index("ix_judge0_submissions_user_id_created", table_name="judge0_submissions")
    op.drop_table("judge0_submissions")
