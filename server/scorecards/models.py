"""Scorecards: templates of criteria, and one scorecard per interviewer per interview.

A scorecard copies its template's criteria when it is made, so changing or deleting a template
never changes a scorecard already written against it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.kit.db import Base, UTCDateTime, new_id, utcnow

RECOMMENDATIONS = ("strong_no_hire", "no_hire", "hire", "strong_hire")


class ScorecardTemplate(Base):
    __tablename__ = "scorecard_templates"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner_id: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("users.id", ondelete="CASCADE"), index=True, default=None
    )
    """Null for the template that ships with Onsite."""
    name: Mapped[str] = mapped_column(String(200))
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Scorecard(Base):
    __tablename__ = "scorecards"
    __table_args__ = (
        UniqueConstraint(
            "interview_id", "interviewer_id", name="uq_scorecards_interview_id_interviewer_id"
        ),
        CheckConstraint("status IN ('draft', 'submitted')", name="status"),
        CheckConstraint(
            "recommendation IS NULL OR recommendation IN "
            "('strong_no_hire', 'no_hire', 'hire', 'strong_hire')",
            name="recommendation",
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    interview_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    interviewer_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    interviewer_name: Mapped[str] = mapped_column(String(200))
    template_name: Mapped[str] = mapped_column(String(200))
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    """The template's criteria as they were when the scorecard was made."""
    ratings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """``{criterion key: {"rating": 1-4 | null, "notes": str}}``."""
    recommendation: Mapped[str | None] = mapped_column(String(20), default=None)
    summary: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="draft")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
