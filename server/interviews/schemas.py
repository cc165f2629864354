"""The wire shapes of interview records: what the API accepts and what it answers.

Every request model forbids unknown keys, so a typo in a client ("candiate_name") is a 400 rather
than a silently ignored field. Datetimes must carry a zone (``AwareDatetime``): a naive time is
refused instead of guessed, and every answer is in UTC.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    model_validator,
)

TITLE_MAX = 200
NAME_MAX = 200
NOTES_MAX = 200_000
CODE_MAX = 1_000_000
TAGS_MAX = 20
PER_PAGE_MAX = 100


class InterviewStatus(StrEnum):
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Recommendation(StrEnum):
    STRONG_HIRE = "strong_hire"
    HIRE = "hire"
    NO_HIRE = "no_hire"
    STRONG_NO_HIRE = "strong_no_hire"


def refuse_nul(value: str) -> str:
    """PostgreSQL cannot store U+0000 in text (SQLite can): refuse it on both, as a 400."""
    if "\x00" in value:
        raise ValueError("text must not contain NUL (U+0000) characters")
    return value


NoNul = AfterValidator(refuse_nul)
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX), NoNul
]
PersonName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX), NoNul
]
Position = Annotated[str, StringConstraints(strip_whitespace=True, max_length=NAME_MAX), NoNul]
LanguageId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_+.-]{0,39}$")]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), NoNul]
Tags = Annotated[list[Tag], Field(max_length=TAGS_MAX)]
Notes = Annotated[str, Field(max_length=NOTES_MAX), NoNul]
Code = Annotated[str, Field(max_length=CODE_MAX), NoNul]
SearchText = Annotated[str, StringConstraints(max_length=200), NoNul]

# Fields a record always has: PATCH may change them but not clear them.
NOT_NULLABLE = ("title", "candidate_name", "tags", "status", "notes", "final_code")

SortField = Literal["created_at", "scheduled_at", "title", "candidate_name", "status"]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InterviewCreate(_Request):
    title: Title
    candidate_name: PersonName
    candidate_email: EmailStr | None = None
    position: Position | None = None
    scheduled_at: AwareDatetime | None = None
    language: LanguageId | None = None
    tags: Tags = Field(default_factory=list)


class InterviewUpdate(_Request):
    """A partial update: only the keys present change; ``null`` clears an optional field."""

    title: Title | None = None
    candidate_name: PersonName | None = None
    candidate_email: EmailStr | None = None
    position: Position | None = None
    scheduled_at: AwareDatetime | None = None
    language: LanguageId | None = None
    tags: Tags | None = None
    status: InterviewStatus | None = None
    recommendation: Recommendation | None = None
    notes: Notes | None = None
    final_code: Code | None = None

    @model_validator(mode="after")
    def _required_fields_are_not_cleared(self) -> InterviewUpdate:
        for name in NOT_NULLABLE:
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self

    def changes(self) -> dict[str, Any]:
        """Only the keys the client sent, with their (possibly null) values."""
        return {name: getattr(self, name) for name in self.model_fields_set}


class InterviewListQuery(_Request):
    status: InterviewStatus | None = None
    q: SearchText | None = None
    sort: SortField = "created_at"
    order: Literal["asc", "desc"] = "desc"
    page: int = Field(default=1, ge=1, le=1_000_000)
    per_page: int = Field(default=20, ge=1, le=PER_PAGE_MAX)


class BinListQuery(_Request):
    page: int = Field(default=1, ge=1, le=1_000_000)
    per_page: int = Field(default=20, ge=1, le=PER_PAGE_MAX)


class InterviewSummary(BaseModel):
    id: str
    title: str
    candidate_name: str
    candidate_email: str | None
    position: str | None
    status: InterviewStatus
    recommendation: Recommendation | None
    scheduled_at: datetime | None
    language: str | None
    tags: list[str]
    join_code: str
    join_url: str
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class ChatMessageOut(BaseModel):
    author_name: str
    author_role: str
    text: str
    sent_at: datetime


class RunOut(BaseModel):
    started_by: str
    language: str
    stdin: str
    result: dict[str, Any]
    created_at: datetime


class InterviewDetail(InterviewSummary):
    final_code: str
    notes: str
    started_at: datetime | None
    ended_at: datetime | None
    chat: list[ChatMessageOut]
    runs: list[RunOut]


class InterviewPage(BaseModel):
    items: list[InterviewSummary]
    total: int
    page: int
    per_page: int
