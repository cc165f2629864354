"""The wire shapes of scorecards. Request models forbid unknown keys."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

CRITERIA_MAX = 12
NOTES_MAX = 20_000

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
CriterionKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Notes = Annotated[str, Field(max_length=NOTES_MAX)]


class Recommendation(StrEnum):
    STRONG_NO_HIRE = "strong_no_hire"
    NO_HIRE = "no_hire"
    HIRE = "hire"
    STRONG_HIRE = "strong_hire"


class ScorecardStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class RequestModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Criterion(RequestModel):
    key: CriterionKey
    name: Name
    description: Annotated[str, Field(max_length=1000)] = ""


class TemplateCreate(RequestModel):
    name: Name
    criteria: Annotated[list[Criterion], Field(min_length=1, max_length=CRITERIA_MAX)]

    @field_validator("criteria")
    @classmethod
    def _unique_keys(cls, value: list[Criterion]) -> list[Criterion]:
        keys = [c.key for c in value]
        duplicate = next((k for k in keys if keys.count(k) > 1), None)
        if duplicate is not None:
            raise ValueError(f"two criteria have the key {duplicate!r}")
        return value


class TemplateOut(BaseModel):
    id: str
    name: str
    criteria: list[Criterion]
    built_in: bool
    created_at: datetime


class TemplateList(BaseModel):
    items: list[TemplateOut]


class Rating(RequestModel):
    rating: Annotated[int, Field(ge=1, le=4, strict=True)] | None = None
    """1 (strong no) … 4 (strong yes); null while not yet rated."""
    notes: Notes = ""


class ScorecardDraft(RequestModel):
    """An autosave: only the keys sent change."""

    ratings: dict[CriterionKey, Rating] | None = None
    recommendation: Recommendation | None = None
    summary: Notes | None = None
    template_id: Annotated[str, Field(max_length=32)] | None = None
    """Only while nothing is rated yet: start over with another template's criteria."""


class ScorecardOut(BaseModel):
    id: str
    interview_id: str
    interviewer_id: str
    interviewer_name: str
    template_name: str
    criteria: list[Criterion]
    ratings: dict[str, Rating]
    recommendation: Recommendation | None
    summary: str
    status: ScorecardStatus
    submitted_at: datetime | None
    updated_at: datetime
    average: float | None
    """Mean of the ratings given (null when none)."""


class ScorecardList(BaseModel):
    items: list[ScorecardOut]
    """Every submitted scorecard of the interview."""


class ScoresQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    interview_ids: Annotated[str, StringConstraints(max_length=3400)]
    """Comma-separated, at most 100 ids (a dashboard page)."""


class InterviewScores(BaseModel):
    interview_id: str
    submitted: int
    """Scorecards submitted so far."""
    average: float | None
    """Mean of the submitted scorecards' averages; null until yours is submitted."""
    recommendations: list[Recommendation]
    """The submitted verdicts; empty until yours is submitted."""


class ScoresList(BaseModel):
    items: list[InterviewScores]
