"""Request and response shapes of the room's REST endpoints (join, playback, the interview's
questions and the activity its room recorded)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

NAME_MAX_CHARS = 40


class JoinInfo(BaseModel):
    interview_id: str
    title: str
    interviewer_name: str
    status: str
    can_join: bool


class JoinRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=NAME_MAX_CHARS)
    previous_token: str | None = Field(default=None, max_length=4096)
    """The room token this browser was given before (the join page keeps it): the same
    browser comes back as the same participant, even under another name."""

    @field_validator("name")
    @classmethod
    def _clean_name(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("the name may not be blank")
        if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in value):
            raise ValueError("the name may not contain control characters")
        return value


class JoinToken(BaseModel):
    token: str
    interview_id: str
    participant_id: str


class JoinLink(BaseModel):
    join_url: str


class InterviewEnded(BaseModel):
    status: str
    """``completed``."""
    live: bool
    """True if a live room was ended (its participants saw ``room:ended``)."""


class PlaybackQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    doc: Literal["code", "notes", "board"] = "code"
    after: int = Field(default=0, ge=0)
    limit: int = Field(default=1000, ge=1, le=10000)


class PlaybackUpdate(BaseModel):
    seq: int
    participant_id: str
    author_name: str
    author_role: str
    created_at: str
    update: str
    """The Yjs v1 update, base64: apply them in order to a fresh Y.Doc to replay."""


class Playback(BaseModel):
    interview_id: str
    doc: str
    updates: list[PlaybackUpdate]
    next_after: int | None
    """Pass as ``after`` to get the next page; null when this was the last page."""


class InterviewQuestionsIn(BaseModel):
    """The interview's questions, in order (at most 10)."""

    model_config = ConfigDict(extra="forbid")

    question_ids: list[str] = Field(max_length=10)


class InterviewQuestionOut(BaseModel):
    question_id: str
    revision: int
    """The revision the interview froze; later edits of the question do not change it."""
    title: str
    prompt: str
    guide: str
    """Interviewer-only (this endpoint is the owner's)."""
    starters: dict[str, str]
    test_count: int
    hidden_test_count: int
    loaded_at: datetime | None


class InterviewQuestionList(BaseModel):
    items: list[InterviewQuestionOut]


class ActivityOut(BaseModel):
    kind: str
    """paste | blur | focus | hidden | visible."""
    author_name: str
    author_role: str
    detail: dict[str, Any]
    """``chars`` for a paste; ``away_ms`` for a return (focus, visible)."""
    created_at: datetime


class ActivityList(BaseModel):
    items: list[ActivityOut]
