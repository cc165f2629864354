"""Interviewers choose how candidates enter: as soon as they are there, or when admitted.

Revision ID: 0061_admit_candidates
Revises: 0060_run_source
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0061_admit_candidates"
down_revision: str | None = "0060_run_source"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("admit_candidates", sa.String(10), nullable=False, server_default="auto")
        )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("admit_candidates")
