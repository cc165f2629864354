"""Each recorded run keeps the exact source it ran.

Revision ID: 0060_run_source
Revises: 0080_room_join_passes
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0060_run_source"
down_revision: str | None = "0080_room_join_passes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("interview_runs") as batch:
        batch.add_column(sa.Column("source", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("interview_runs") as batch:
        batch.drop_column("source")
