"""The wire shapes of interview records: what the API accepts and what it answers.

Every request model forbids unknown keys, so a typo in a client ("candiate_name") is a 400 rather
than a silently ignored field. Datetimes must carry a zone (``AwareDatetime``): a naive time is
refused instead of guessed, and every answer is in UTC.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
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


def _date_time_text(value: object) -> object:
    """Pydantic would read a number as a Unix timestamp; the API promises ISO 8601 text."""
    if isinstance(value, bool | int | float):
        raise ValueError("give an ISO 8601 date-time with a zone, e.g. 2030-03-01T15:30:00+01:00")
    return value


When = Annotated[AwareDatetime, BeforeValidator(_date_time_text)]
"""A zone-aware ISO 8601 date-time; naive times and numbers are refused."""

SortField = Literal[
    "created_at", "scheduled_at", "title", "candidate_name", "status", "recommendation"
]


def _not_nullable_in_schema(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """Drops ``null`` from the JSON schema of a model's ``NOT_NULLABLE`` fields."""
    properties: dict[str, Any] = schema.get("properties", {})
    for name in getattr(model, "NOT_NULLABLE", ()):
        field = properties.get(name)
        if not field or "anyOf" not in field:
            continue
        options = [o for o in field["anyOf"] if o.get("type") != "null"]
        if len(options) == 1:
            del field["anyOf"]
            field.pop("default", None)
            field.update(options[0])


class RequestModel(BaseModel):
    """Unknown keys are refused; fields in ``NOT_NULLABLE`` may be left out but not sent null."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_not_nullable_in_schema)

    NOT_NULLABLE: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _no_explicit_nulls(self) -> Self:
        for name in self.NOT_NULLABLE:
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class InterviewCreate(RequestModel):
    title: Title
    candidate_name: PersonName
    candidate_email: EmailStr | None = None
    position: Position | None = None
    scheduled_at: When | None = None
    language: LanguageId | None = None
    tags: Tags = Field(default_factory=list)


class InterviewUpdate(RequestModel):
    """A partial update: only the keys present change; ``null`` clears an optional field.

    Fields a record always has (``NOT_NULLABLE``) may be left out but not sent as ``null``; the
    JSON schema says so too, so OpenAPI clients and schemathesis know.
    """

    NOT_NULLABLE = ("title", "candidate_name", "tags", "status", "notes", "final_code")

    title: Title | None = None
    candidate_name: PersonName | None = None
    candidate_email: EmailStr | None = None
    position: Position | None = None
    scheduled_at: When | None = None
    language: LanguageId | None = None
    tags: Tags | None = None
    status: InterviewStatus | None = None
    recommendation: Recommendation | None = None
    notes: Notes | None = None
    final_code: Code | None = None

    def changes(self) -> dict[str, Any]:
        """Only the keys the client sent, with their (possibly null) values."""
        return {name: getattr(self, name) for name in self.model_fields_set}


ViewerRole = Literal["owner", "co_interviewer"]
"""How the caller relates to a record: its owner, or on its panel (reads it, opens its room,
fills a scorecard; does not change it)."""


class InterviewListQuery(RequestModel):
    role: ViewerRole | None = None
    """Only the records you own, or only those you are a co-interviewer of (default: both)."""
    status: InterviewStatus | None = None
    recommendation: Recommendation | None = None
    """Only records with this verdict (the owner's, set by their submitted scorecard)."""
    q: SearchText | None = None
    sort: SortField = "created_at"
    order: Literal["asc", "desc"] = "desc"
    page: int = Field(default=1, ge=1, le=1_000_000)
    per_page: int = Field(default=20, ge=1, le=PER_PAGE_MAX)


class BinListQuery(RequestModel):
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
    role: ViewerRole = "owner"
    """Yours, or one you are a co-interviewer of."""


class ChatMessageOut(BaseModel):
    author_name: str
    author_role: str
    text: str
    sent_at: datetime


class RunOut(BaseModel):
    started_by: str
    language: str
    stdin: str
    source: str
    """The exact code this run ran ("" for runs recorded before it was kept)."""
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


class CoInterviewerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=320)]
    """An interviewer's account e-mail on this server."""


class CoInterviewerOut(BaseModel):
    user_id: str
    name: str
    email: str
    added_at: datetime


class CoInterviewerList(BaseModel):
    items: list[CoInterviewerOut]
