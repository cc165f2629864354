"""REST for the question bank: list and search, create, read, change (a new revision each
time), delete, copy, revisions, and import/export as a ZIP of plain files.

Each handler authenticates, lets quart-schema validate, calls one service function and shapes
the answer; the request boundary commits.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import PurePosixPath

from quart import Blueprint, Response, current_app, request
from quart_schema import (
    document_response,
    validate_querystring,
    validate_request,
    validate_response,
)

from server.accounts.auth import require_user
from server.kit.db import current_session, unit_of_work
from server.kit.errors import BadRequestError, PayloadTooLargeError, documents_errors
from server.kit.openapi import NoContent, ZipFile
from server.kit.state import get_state
from server.questions import bundle, service
from server.questions.models import Question
from server.questions.schemas import (
    Difficulty,
    ImportResult,
    QuestionCreate,
    QuestionDetail,
    QuestionListQuery,
    QuestionPage,
    QuestionSummary,
    QuestionUpdate,
    RevisionDetail,
    RevisionList,
    RevisionSummary,
    Visibility,
)
from server.questions.service import LoadedQuestion

log = logging.getLogger(__name__)
blueprint = Blueprint("questions", __name__, url_prefix="/api/questions")


class UnsupportedBundleTypeError(BadRequestError):
    status = 415
    code = "unsupported_media_type"


ZIP_TYPES = ("application/zip", "application/x-zip-compressed", "application/octet-stream")


def catalogue_extensions() -> Mapping[str, str]:
    """Each language id of the engine's catalogue and its source file's extension."""
    return {
        info.id: PurePosixPath(info.source_file).suffix
        for info in get_state().run_engine.languages()
    }


@blueprint.before_app_serving
async def _load_examples() -> None:
    """The shipped examples go into an empty bank on first start (after the database opened:
    the app's own serving hook runs before any blueprint's)."""
    async with unit_of_work(get_state(current_app).sessions) as session:
        added = await service.load_examples(session, catalogue_extensions())
    if added:
        log.info("questions: loaded %d example questions", added)


def summary_of(question: Question, user_id: str) -> QuestionSummary:
    return QuestionSummary(
        id=question.id,
        title=question.title,
        difficulty=Difficulty(question.difficulty),
        tags=list(question.tags),
        languages=list(question.languages),
        test_count=question.test_count,
        hidden_test_count=question.hidden_test_count,
        visibility=Visibility(question.visibility),
        built_in=question.owner_id is None,
        owned=question.owner_id == user_id,
        revision=question.revision,
        updated_at=question.updated_at,
    )


def detail_of(loaded: LoadedQuestion, user_id: str) -> QuestionDetail:
    content = loaded.content
    return QuestionDetail(
        **summary_of(loaded.question, user_id).model_dump(),
        prompt=content.prompt,
        guide=content.guide,
        starters=dict(content.starters),
        tests=list(content.tests),
        comparison=content.comparison,
    )


@blueprint.get("")
@validate_querystring(QuestionListQuery)
@validate_response(QuestionPage, 200)
@documents_errors(400, 401, 403)
async def list_questions(query_args: QuestionListQuery) -> QuestionPage:
    """Yours, shared and built-in questions: search title, tags and prompt; filter by
    difficulty, tag, starter language and scope (``mine``, ``shared``, ``all``)."""
    user = await require_user()
    page = await service.list_questions(current_session(), user.id, query_args)
    return QuestionPage(
        items=[summary_of(q, user.id) for q in page.items],
        total=page.total,
        page=query_args.page,
        per_page=query_args.per_page,
    )


@blueprint.post("")
@validate_request(QuestionCreate)
@validate_response(QuestionDetail, 201)
@documents_errors(400, 401, 403)
async def create_question(data: QuestionCreate) -> tuple[QuestionDetail, int]:
    user = await require_user()
    loaded = await service.create_question(current_session(), user.id, data, catalogue_extensions())
    return detail_of(loaded, user.id), 201


@blueprint.get("/<question_id>")
@validate_response(QuestionDetail, 200)
@documents_errors(401, 403, 404)
async def get_question(question_id: str) -> QuestionDetail:
    user = await require_user()
    return detail_of(await service.get_question(current_session(), user.id, question_id), user.id)


@blueprint.patch("/<question_id>")
@validate_request(QuestionUpdate)
@validate_response(QuestionDetail, 200)
@documents_errors(400, 401, 403, 404)
async def update_question(question_id: str, data: QuestionUpdate) -> QuestionDetail:
    """Only the author may; each change is saved as the next revision, whole."""
    user = await require_user()
    loaded = await service.update_question(
        current_session(), user.id, question_id, data, catalogue_extensions()
    )
    return detail_of(loaded, user.id)


@blueprint.delete("/<question_id>")
@document_response(NoContent, 204)
@documents_errors(401, 403, 404)
async def delete_question(question_id: str) -> tuple[str, int]:
    """Only the author may. Interviews that used the question keep the revision they used."""
    user = await require_user()
    await service.delete_question(current_session(), user.id, question_id)
    return "", 204


@blueprint.post("/<question_id>/copy")
@validate_response(QuestionDetail, 201)
@documents_errors(401, 403, 404)
async def copy_question(question_id: str) -> tuple[QuestionDetail, int]:
    """A private copy of any question you can see (built-in ones included), yours to change."""
    user = await require_user()
    loaded = await service.copy_question(current_session(), user.id, question_id)
    return detail_of(loaded, user.id), 201


@blueprint.get("/<question_id>/revisions")
@validate_response(RevisionList, 200)
@documents_errors(401, 403, 404)
async def list_revisions(question_id: str) -> RevisionList:
    user = await require_user()
    session = current_session()
    revisions = await service.list_revisions(session, user.id, question_id)
    authors = await service.revision_authors(session, revisions)
    return RevisionList(
        items=[
            RevisionSummary(
                number=r.number,
                title=str(r.content.get("title", "")),
                created_at=r.created_at,
                author_name=authors.get(r.author_id) if r.author_id else None,
            )
            for r in revisions
        ]
    )


@blueprint.get("/<question_id>/revisions/<int:number>")
@validate_response(RevisionDetail, 200)
@documents_errors(401, 403, 404)
async def get_revision(question_id: str, number: int) -> RevisionDetail:
    user = await require_user()
    revision = await service.get_revision(current_session(), user.id, question_id, number)
    return RevisionDetail(
        **service.content_of(revision).model_dump(),
        number=revision.number,
        created_at=revision.created_at,
    )


def _zip_response(data: bytes, name: str) -> Response:
    return Response(
        data,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@blueprint.get("/export")
@document_response(ZipFile, 200)
@documents_errors(401, 403)
async def export_all() -> Response:
    """Every question you can see, as a ZIP of plain files (one folder each)."""
    user = await require_user()
    questions = await service.export_questions(current_session(), user.id)
    return _zip_response(bundle.write_zip(questions, catalogue_extensions()), "questions.zip")


@blueprint.get("/<question_id>/export")
@document_response(ZipFile, 200)
@documents_errors(401, 403, 404)
async def export_one(question_id: str) -> Response:
    user = await require_user()
    questions = await service.export_questions(current_session(), user.id, [question_id])
    name = f"{questions[0].slug()}.zip"
    return _zip_response(bundle.write_zip(questions, catalogue_extensions()), name)


@blueprint.post("/import")
@validate_response(ImportResult, 201)
@documents_errors(400, 401, 403, 413, 415)
async def import_bundle() -> tuple[ImportResult, int]:
    """A ZIP of question folders (``question.toml``, ``prompt.md``, ``starter/``,
    ``tests/``), imported as your private questions: all of them, or none and a 400 naming
    the file at fault."""
    user = await require_user()
    if request.mimetype not in ZIP_TYPES:
        raise UnsupportedBundleTypeError("Send the questions as a ZIP (application/zip).")
    if (request.content_length or 0) > bundle.BUNDLE_MAX_BYTES:
        raise PayloadTooLargeError(f"A bundle is at most {bundle.BUNDLE_MAX_BYTES} bytes.")
    data = await request.get_data(as_text=False)
    if not isinstance(data, bytes):
        raise UnsupportedBundleTypeError("Send the questions as a ZIP (application/zip).")
    languages = catalogue_extensions()
    questions = service.read_bundle(data, languages)
    loaded = await service.import_questions(current_session(), user.id, questions, languages)
    return ImportResult(imported=[summary_of(item.question, user.id) for item in loaded]), 201
