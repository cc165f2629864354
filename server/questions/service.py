"""The question bank's rules: who may see and change a question, revisions, import and export.

A change never edits a revision: it writes the next one, whole. Only a question's author may
change or delete it; built-in questions (shipped with Onsite, no author) and other authors'
shared questions can be used and copied, not changed. Services flush; the request commits.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from server.accounts import service as accounts
from server.kit.db import utcnow
from server.kit.errors import BadRequestError, ForbiddenError, NotFoundError
from server.questions import bundle, repository
from server.questions.models import Question, QuestionRevision
from server.questions.repository import Filters, Page, fold
from server.questions.schemas import (
    Comparison,
    QuestionContent,
    QuestionCreate,
    QuestionListQuery,
    QuestionTest,
    QuestionUpdate,
    Visibility,
)

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "config" / "questions"
"""The example questions loaded into an empty database (built-in, shared)."""


class QuestionNotFoundError(NotFoundError):
    code = "question_not_found"


class NotQuestionAuthorError(ForbiddenError):
    code = "not_question_author"


class UnknownStarterLanguageError(BadRequestError):
    code = "unknown_language"


class InvalidBundleError(BadRequestError):
    code = "invalid_bundle"


class InvalidQuestionError(BadRequestError):
    """An edit whose result breaks a rule that spans fields (two tests with one name, a prompt
    over its byte limit): the same code and sentence shape as a body that fails its schema."""

    code = "validation_error"


def _validation_text(exc: ValidationError) -> str:
    parts = []
    for item in exc.errors()[:5]:
        where = ".".join(str(p) for p in item.get("loc", ())) or "body"
        parts.append(f"{where}: {item.get('msg', 'invalid')}")
    return "Invalid request: " + "; ".join(parts)


@dataclass(frozen=True, slots=True)
class LoadedQuestion:
    question: Question
    content: QuestionContent


def _check_languages(content: QuestionContent, languages: Mapping[str, str]) -> None:
    unknown = sorted(set(content.starters) - set(languages))
    if unknown:
        raise UnknownStarterLanguageError(
            f"Starter code for {unknown[0]!r}, which is not a language of this server; "
            f"choose from: {', '.join(sorted(languages))}."
        )


def _search_text(content: QuestionContent) -> str:
    markers = [f"\x1ftag:{fold(t)}\x1f" for t in content.tags]
    markers += [f"\x1flang:{lang}\x1f" for lang in sorted(content.starters)]
    return fold("\n".join([content.title, " ".join(content.tags), content.prompt])) + "".join(
        markers
    )


def _apply(question: Question, content: QuestionContent) -> None:
    """Copy the searchable summary of ``content`` onto the question row."""
    question.title = content.title
    question.difficulty = content.difficulty.value
    question.tags = list(content.tags)
    question.languages = sorted(content.starters)
    question.test_count = len(content.tests)
    question.hidden_test_count = sum(1 for t in content.tests if t.hidden)
    question.search_text = _search_text(content)
    question.updated_at = utcnow()


def _content_json(content: QuestionContent) -> dict[str, Any]:
    return content.model_dump(mode="json")


def content_of(revision: QuestionRevision) -> QuestionContent:
    return QuestionContent.model_validate(revision.content)


async def _new_question(
    session: AsyncSession,
    owner_id: str | None,
    content: QuestionContent,
    visibility: Visibility,
) -> LoadedQuestion:
    question = Question(owner_id=owner_id, visibility=visibility.value, revision=1)
    _apply(question, content)
    revision = QuestionRevision(number=1, author_id=owner_id, content=_content_json(content))
    await repository.add(session, question, revision)
    return LoadedQuestion(question, content)


async def create_question(
    session: AsyncSession, owner_id: str, data: QuestionCreate, languages: Mapping[str, str]
) -> LoadedQuestion:
    content = QuestionContent.model_validate(data.model_dump(exclude={"visibility"}))
    _check_languages(content, languages)
    return await _new_question(session, owner_id, content, data.visibility)


async def get_question(session: AsyncSession, user_id: str, question_id: str) -> LoadedQuestion:
    question = await repository.get_visible(session, user_id, question_id)
    if question is None:
        raise QuestionNotFoundError("No such question.")
    revision = await repository.current_revision(session, question)
    return LoadedQuestion(question, content_of(revision))


async def _authored(session: AsyncSession, user_id: str, question_id: str) -> LoadedQuestion:
    loaded = await get_question(session, user_id, question_id)
    if loaded.question.owner_id != user_id:
        what = "a built-in question" if loaded.question.owner_id is None else "someone's question"
        raise NotQuestionAuthorError(
            f"This is {what}: only its author can change it. Copy it to make your own version."
        )
    return loaded


async def update_question(
    session: AsyncSession,
    user_id: str,
    question_id: str,
    data: QuestionUpdate,
    languages: Mapping[str, str],
) -> LoadedQuestion:
    loaded = await _authored(session, user_id, question_id)
    question = loaded.question
    changes = data.model_dump(exclude_unset=True, exclude={"visibility"})
    changes = {key: value for key, value in changes.items() if value is not None}
    if data.visibility is not None:
        question.visibility = data.visibility.value
    if not changes:
        question.updated_at = utcnow()
        return loaded
    merged = {**loaded.content.model_dump(mode="json"), **changes}
    try:
        content = QuestionContent.model_validate(merged)
    except ValidationError as exc:
        # The patch's own schema checks each key alone; the whole question is checked here.
        raise InvalidQuestionError(_validation_text(exc)) from None
    _check_languages(content, languages)
    question.revision += 1
    _apply(question, content)
    await repository.add_revision(
        session,
        QuestionRevision(
            question_id=question.id,
            number=question.revision,
            author_id=user_id,
            content=_content_json(content),
        ),
    )
    return LoadedQuestion(question, content)


async def delete_question(session: AsyncSession, user_id: str, question_id: str) -> None:
    """Out of the bank; its revisions stay, so interviews that used it keep what they showed."""
    loaded = await _authored(session, user_id, question_id)
    loaded.question.deleted_at = utcnow()


async def copy_question(session: AsyncSession, user_id: str, question_id: str) -> LoadedQuestion:
    loaded = await get_question(session, user_id, question_id)
    title = f"{loaded.content.title} (copy)"[: bundle.TITLE_MAX]
    content = loaded.content.model_copy(update={"title": title})
    return await _new_question(session, user_id, content, Visibility.PRIVATE)


async def list_questions(session: AsyncSession, user_id: str, query: QuestionListQuery) -> Page:
    filters = Filters(
        words=query.q,
        difficulty=query.difficulty.value if query.difficulty else None,
        tag=query.tag,
        language=query.language,
        scope=query.scope,
    )
    return await repository.list_visible(
        session, user_id, filters, page=query.page, per_page=query.per_page
    )


async def list_revisions(
    session: AsyncSession, user_id: str, question_id: str
) -> Sequence[QuestionRevision]:
    loaded = await get_question(session, user_id, question_id)
    return await repository.revisions(session, loaded.question.id)


async def revision_authors(
    session: AsyncSession, revisions: Sequence[QuestionRevision]
) -> dict[str, str]:
    """The name of each revision's author (for the history: who changed what, when). An author
    whose account is gone is simply missing; built-in revisions have no author."""
    names: dict[str, str] = {}
    for author_id in {r.author_id for r in revisions if r.author_id is not None}:
        user = await accounts.get_user(session, author_id)
        if user is not None:
            names[author_id] = user.name or user.email
    return names


async def get_revision(
    session: AsyncSession, user_id: str, question_id: str, number: int
) -> QuestionRevision:
    """What the question said at revision ``number``: what an interview that used it saw."""
    loaded = await get_question(session, user_id, question_id)
    revision = await repository.revision_of(session, loaded.question.id, number)
    if revision is None:
        raise QuestionNotFoundError(f"The question has no revision {number}.")
    return revision


# ---- files ------------------------------------------------------------------------------------


def content_from_files(files: bundle.QuestionFiles) -> QuestionContent:
    return QuestionContent(
        title=files.title,
        prompt=files.prompt,
        difficulty=files.difficulty,
        tags=list(files.tags),
        guide=files.guide,
        starters=dict(files.starters),
        tests=[
            QuestionTest(
                name=t.name,
                stdin=t.stdin,
                expected_stdout=t.expected_stdout,
                hidden=t.hidden,
                weight=t.weight,
                limits=dict(t.limits),
            )
            for t in files.tests
        ],
        comparison=Comparison(
            mode=files.comparison.mode,
            abs_tolerance=files.comparison.abs_tolerance,
            rel_tolerance=files.comparison.rel_tolerance,
        ),
    )


def files_from_content(content: QuestionContent) -> bundle.QuestionFiles:
    return bundle.QuestionFiles(
        title=content.title,
        prompt=content.prompt,
        difficulty=content.difficulty.value,
        tags=tuple(content.tags),
        guide=content.guide,
        starters=dict(content.starters),
        tests=tuple(
            bundle.BundleTest(
                name=t.name,
                stdin=t.stdin,
                expected_stdout=t.expected_stdout,
                hidden=t.hidden,
                weight=t.weight,
                limits=t.limits.model_dump(exclude_none=True),
            )
            for t in content.tests
        ),
        comparison=bundle.Comparison(
            content.comparison.mode.value,
            content.comparison.abs_tolerance,
            content.comparison.rel_tolerance,
        ),
    )


async def import_questions(
    session: AsyncSession,
    owner_id: str | None,
    questions: Sequence[bundle.QuestionFiles],
    languages: Mapping[str, str],
    *,
    visibility: Visibility = Visibility.PRIVATE,
) -> list[LoadedQuestion]:
    """All or nothing: every question is validated before the first is added (and the request
    boundary rolls back if adding one fails)."""
    contents = []
    for files in questions:
        try:
            content = content_from_files(files)
        except ValueError as exc:
            raise InvalidBundleError(f"{files.title}: {exc}") from None
        _check_languages(content, languages)
        contents.append(content)
    return [await _new_question(session, owner_id, c, visibility) for c in contents]


def read_bundle(data: bytes, languages: Mapping[str, str]) -> list[bundle.QuestionFiles]:
    try:
        return bundle.read_zip(data, languages)
    except bundle.BundleError as exc:
        raise InvalidBundleError(str(exc)) from None


async def export_questions(
    session: AsyncSession, user_id: str | None, question_ids: Sequence[str] = ()
) -> list[bundle.QuestionFiles]:
    if question_ids:
        if user_id is None:
            raise ValueError("exporting chosen questions needs the caller")
        loaded = [await get_question(session, user_id, qid) for qid in question_ids]
        return [files_from_content(item.content) for item in loaded]
    out = []
    for question in await repository.all_visible(session, user_id):
        revision = await repository.current_revision(session, question)
        out.append(files_from_content(content_of(revision)))
    return out


async def load_examples(
    session: AsyncSession, languages: Mapping[str, str], folder: Path = EXAMPLES_DIR
) -> int:
    """On the first start of an empty bank: the shipped examples, built-in and shared.
    Starters for languages this server does not have are left out, not refused."""
    if await repository.count_built_in(session) > 0:
        return 0
    found = await asyncio.to_thread(_read_examples, folder, languages)
    added = await import_questions(session, None, found, languages, visibility=Visibility.SHARED)
    return len(added)


def _read_examples(folder: Path, languages: Mapping[str, str]) -> list[bundle.QuestionFiles]:
    if not folder.is_dir():
        return []
    # Starter files of languages this server lacks must read without error, then are dropped.
    present = {p.stem: p.suffix for p in folder.glob("*/starter/*") if p.is_file()}
    found = bundle.read_folder(folder, {**present, **languages})
    return [
        dataclasses.replace(q, starters={k: v for k, v in q.starters.items() if k in languages})
        for q in found
    ]
