"""The wire shapes of the question bank. Request models forbid unknown keys (a typo is a 400).

The bounds are the bundle format's (``server.questions.bundle``), so a question made through the
API can always be exported and imported again, and the reverse.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from server.questions import bundle


class Difficulty(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class Visibility(StrEnum):
    PRIVATE = "private"
    """Only its author sees it."""
    SHARED = "shared"
    """Everyone on the server sees it (the organization, once there are several)."""


class ComparisonMode(StrEnum):
    EXACT = "exact"
    TRAILING_WHITESPACE = "trailing_whitespace"
    TOKENS = "tokens"
    FLOAT = "float"


Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=bundle.TITLE_MAX)
]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
LanguageId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
TestName = Annotated[str, StringConstraints(pattern=bundle.TEST_NAME.pattern)]
PER_PAGE_MAX = 100


def _within_bytes(value: str, limit: int, what: str) -> str:
    size = len(value.encode("utf-8", errors="surrogatepass"))
    if size > limit:
        raise ValueError(f"{what} is {size} bytes; at most {limit}")
    return value


class RequestModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PerTestLimits(RequestModel):
    run_timeout_ms: Annotated[int, Field(gt=0, le=600_000, strict=True)] | None = None
    memory_mb: Annotated[int, Field(gt=0, le=65_536, strict=True)] | None = None


class QuestionTest(RequestModel):
    """A test case: the input, the output a correct program prints, who may see it."""

    name: TestName
    stdin: str = ""
    expected_stdout: str | None = None
    hidden: bool = False
    weight: Annotated[int, Field(ge=1, le=100, strict=True)] = 1
    limits: PerTestLimits = Field(default_factory=PerTestLimits)

    @field_validator("stdin", "expected_stdout")
    @classmethod
    def _bounded(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return _within_bytes(value, bundle.TEST_FILE_MAX_BYTES, "a test's input or output")


class Comparison(RequestModel):
    mode: ComparisonMode = ComparisonMode.TRAILING_WHITESPACE
    abs_tolerance: Annotated[float, Field(ge=0, lt=1, strict=True)] = 1e-6
    rel_tolerance: Annotated[float, Field(ge=0, lt=1, strict=True)] = 1e-6


class QuestionContent(RequestModel):
    """Everything a revision holds."""

    title: Title
    prompt: Annotated[str, Field(max_length=bundle.PROMPT_MAX_BYTES)]
    """Markdown. Stored as written; every client renders it without raw HTML."""
    difficulty: Difficulty = Difficulty.MEDIUM
    tags: Annotated[list[Tag], Field(max_length=bundle.TAGS_MAX)] = Field(default_factory=list)
    guide: Annotated[str, Field(max_length=bundle.GUIDE_MAX_BYTES)] = ""
    """Interviewer-only: what a good answer looks like, follow-ups. Never sent to a candidate."""
    starters: dict[LanguageId, str] = Field(default_factory=dict)
    tests: Annotated[list[QuestionTest], Field(max_length=bundle.TESTS_MAX)] = Field(
        default_factory=list
    )
    comparison: Comparison = Field(default_factory=Comparison)

    @field_validator("prompt")
    @classmethod
    def _prompt_bytes(cls, value: str) -> str:
        return _within_bytes(value, bundle.PROMPT_MAX_BYTES, "the prompt")

    @field_validator("guide")
    @classmethod
    def _guide_bytes(cls, value: str) -> str:
        return _within_bytes(value, bundle.GUIDE_MAX_BYTES, "the guide")

    @field_validator("starters")
    @classmethod
    def _starter_bytes(cls, value: dict[str, str]) -> dict[str, str]:
        for language, code in value.items():
            _within_bytes(code, bundle.STARTER_MAX_BYTES, f"the {language} starter")
        return value

    @field_validator("tests")
    @classmethod
    def _tests_unique_and_bounded(cls, value: list[QuestionTest]) -> list[QuestionTest]:
        names = [t.name for t in value]
        duplicate = next((n for n in names if names.count(n) > 1), None)
        if duplicate is not None:
            raise ValueError(f"two tests are named {duplicate!r}")
        total = sum(len(t.stdin.encode()) + len((t.expected_stdout or "").encode()) for t in value)
        if total > bundle.TESTS_TOTAL_MAX_BYTES:
            raise ValueError(
                f"the tests hold {total} bytes; at most {bundle.TESTS_TOTAL_MAX_BYTES}"
            )
        return value


class QuestionCreate(QuestionContent):
    visibility: Visibility = Visibility.PRIVATE


class QuestionUpdate(RequestModel):
    """Only the keys sent change; each change makes a new revision."""

    title: Title | None = None
    prompt: Annotated[str, Field(max_length=bundle.PROMPT_MAX_BYTES)] | None = None
    difficulty: Difficulty | None = None
    tags: Annotated[list[Tag], Field(max_length=bundle.TAGS_MAX)] | None = None
    guide: Annotated[str, Field(max_length=bundle.GUIDE_MAX_BYTES)] | None = None
    starters: dict[LanguageId, str] | None = None
    tests: Annotated[list[QuestionTest], Field(max_length=bundle.TESTS_MAX)] | None = None
    comparison: Comparison | None = None
    visibility: Visibility | None = None


class QuestionListQuery(RequestModel):
    q: Annotated[str, StringConstraints(max_length=200)] = ""
    """Words in the title, tags or prompt (case-insensitive)."""
    difficulty: Difficulty | None = None
    tag: Annotated[str, StringConstraints(max_length=40)] | None = None
    language: LanguageId | None = None
    """Only questions with starter code for this language."""
    scope: Annotated[str, StringConstraints(pattern=r"^(all|mine|shared)$")] = "all"
    page: int = Field(default=1, ge=1, le=1_000_000)
    per_page: int = Field(default=20, ge=1, le=PER_PAGE_MAX)


class QuestionSummary(BaseModel):
    id: str
    title: str
    difficulty: Difficulty
    tags: list[str]
    languages: list[str]
    """Languages with starter code."""
    test_count: int
    hidden_test_count: int
    visibility: Visibility
    built_in: bool
    """Shipped with Onsite (no author): everyone may use and copy it, nobody may change it."""
    owned: bool
    """The caller wrote it and may change it."""
    revision: int
    updated_at: datetime


class QuestionDetail(QuestionSummary):
    prompt: str
    guide: str
    starters: dict[str, str]
    tests: list[QuestionTest]
    comparison: Comparison


class QuestionPage(BaseModel):
    items: list[QuestionSummary]
    total: int
    page: int
    per_page: int


class RevisionSummary(BaseModel):
    number: int
    title: str
    created_at: datetime
    author_name: str | None = None
    """Who saved it; ``null`` for a built-in question's revisions or a deleted account."""


class RevisionList(BaseModel):
    items: list[RevisionSummary]


class RevisionDetail(QuestionContent):
    """What the question said at one revision (what an interview that used it recorded)."""

    model_config = ConfigDict(extra="ignore")

    number: int
    created_at: datetime


class ImportResult(BaseModel):
    imported: list[QuestionSummary]
