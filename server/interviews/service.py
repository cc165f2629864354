"""What can be done to an interview record, for its owner (REST) and for the room.

Each function takes the request's or event's ``AsyncSession`` first and only flushes; the
boundary commits. Owner-facing functions raise ``InterviewNotFoundError`` (404) for a record that
does not exist *or* belongs to someone else, so ids cannot be probed.

The room's functions (``get_interview_by_join_code`` … ``complete_interview``) are not scoped to
an owner — the room authorises its participants itself. Lookups answer ``None`` for nothing
found; mutations raise ``InterviewNotFoundError``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from runners.contract import LanguageInfo
from server.accounts import service as accounts
from server.interviews import repository
from server.interviews.models import (
    Interview,
    InterviewMessage,
    InterviewPanelist,
    InterviewRun,
    new_join_code,
)
from server.interviews.schemas import (
    InterviewCreate,
    InterviewListQuery,
    InterviewStatus,
    InterviewUpdate,
)
from server.kit.db import BinFilter, utcnow
from server.kit.errors import BadRequestError, ConflictError, NotFoundError

SEARCHABLE = frozenset(
    {"title", "candidate_name", "candidate_email", "position", "tags", "notes", "final_code"}
)
NAME_MAX = 200
LANGUAGE_MAX = 40
AUTHOR_ROLES = frozenset({"interviewer", "candidate"})


class InterviewNotFoundError(NotFoundError):
    code = "interview_not_found"

    def __init__(self, message: str = "No such interview.") -> None:
        super().__init__(message)


class InterviewInBinError(ConflictError):
    code = "interview_in_bin"


class InterviewNotInBinError(ConflictError):
    code = "interview_not_in_bin"


class InterviewEndedError(ConflictError):
    code = "interview_ended"


class UnknownLanguageError(BadRequestError):
    code = "unknown_language"


def join_url(public_url: str, join_code: str) -> str:
    """The link a candidate opens (also what the QR code and the invitation carry); the one
    place it is built."""
    return f"{public_url.rstrip('/')}/join/{join_code}"


def room_url(public_url: str, interview_id: str) -> str:
    """The interviewer's way into the room (never the join link: that joins as a candidate)."""
    return f"{public_url.rstrip('/')}/rooms/{interview_id}"


def record_url(public_url: str, interview_id: str) -> str:
    return f"{public_url.rstrip('/')}/interviews/{interview_id}"


def check_language(language: str | None, languages: Sequence[LanguageInfo]) -> None:
    """A record's language must be one the engine can run (see ``GET /api/languages``); with no
    catalogue to ask (an engine that lists nothing) any well-formed id is kept."""
    if language is None:
        return
    known = {info.id for info in languages}
    if known and language not in known:
        raise UnknownLanguageError(
            f"Unknown language {language!r}; choose one of: {', '.join(sorted(known))}."
        )


@dataclass(frozen=True, slots=True)
class InterviewRecord:
    """A record with its transcript and runs, loaded explicitly (relationships raise)."""

    interview: Interview
    chat: Sequence[InterviewMessage]
    runs: Sequence[InterviewRun]


def storable(text: str) -> str:
    """Room text comes from browsers and programs, not validated schemas: NUL (which
    PostgreSQL cannot store in text) becomes U+FFFD instead of failing the save."""
    return text.replace("\x00", "\ufffd")


def _clean_tags(tags: Sequence[str]) -> list[str]:
    """Order kept, duplicates (case-insensitively) dropped."""
    seen: set[str] = set()
    out: list[str] = []
    for tag in tags:
        key = tag.casefold()
        if key not in seen:
            seen.add(key)
            out.append(tag)
    return out


# ---- the owner's side (REST) -------------------------------------------------------------------


async def create_interview(
    session: AsyncSession, owner_id: str, data: InterviewCreate
) -> Interview:
    interview = Interview(
        owner_id=owner_id,
        title=data.title,
        candidate_name=data.candidate_name,
        candidate_email=str(data.candidate_email) if data.candidate_email else None,
        position=data.position or None,
        status=InterviewStatus.SCHEDULED.value,
        scheduled_at=data.scheduled_at,
        language=data.language,
        tags=_clean_tags(data.tags),
        final_code="",
        notes="",
    )
    interview.refresh_search_text()
    await repository.add(session, interview)
    return interview


async def add_interview(
    session: AsyncSession,
    owner_id: str,
    *,
    title: str,
    candidate_name: str,
    candidate_email: str,
    position: str | None,
    language: str | None,
) -> Interview:
    """A new ``scheduled`` record for a slot being booked (``schedules.schedule_interview``)."""
    interview = Interview(
        owner_id=owner_id,
        title=title,
        candidate_name=candidate_name,
        candidate_email=candidate_email,
        position=position,
        language=language,
        status=InterviewStatus.SCHEDULED.value,
        tags=[],
        final_code="",
        notes="",
    )
    interview.refresh_search_text()
    await repository.add(session, interview)
    return interview


async def list_interviews(
    session: AsyncSession, owner_id: str, query: InterviewListQuery
) -> repository.Page:
    """The records ``owner_id`` owns or is a co-interviewer of (``query.role`` narrows it)."""
    return await repository.list_owned(
        session,
        owner_id,
        role=query.role,
        status=query.status.value if query.status else None,
        search=query.q.strip() if query.q else None,
        recommendation=query.recommendation.value if query.recommendation else None,
        sort=query.sort,
        descending=query.order == "desc",
        offset=(query.page - 1) * query.per_page,
        limit=query.per_page,
    )


async def owned_interview(
    session: AsyncSession, owner_id: str, interview_id: str, which: BinFilter = "any"
) -> Interview:
    """``owner_id``'s record (``which``: live, binned or any), else ``InterviewNotFoundError``."""
    interview = await repository.get_owned(session, owner_id, interview_id, which=which)
    if interview is None:
        raise InterviewNotFoundError()
    return interview


async def get_interview(session: AsyncSession, owner_id: str, interview_id: str) -> InterviewRecord:
    """The full record; a binned record can still be read (its ``deleted_at`` says so). A
    co-interviewer of the panel may read it too (only the owner changes it)."""
    interview = await member_interview(session, owner_id, interview_id)
    return InterviewRecord(
        interview=interview,
        chat=await repository.chat_of(session, interview.id),
        runs=await repository.runs_of(session, interview.id),
    )


async def update_interview(
    session: AsyncSession, owner_id: str, interview_id: str, update: InterviewUpdate
) -> Interview:
    interview = await owned_interview(session, owner_id, interview_id)
    if interview.deleted_at is not None:
        raise InterviewInBinError("Restore the interview from the bin before changing it.")
    was_over = interview.status in _OVER
    changes: dict[str, Any] = update.changes()
    for name, value in changes.items():
        if name == "tags":
            value = _clean_tags(value)
        elif name == "candidate_email" and value is not None:
            value = str(value)
        elif name in ("status", "recommendation") and value is not None:
            value = value.value
        elif name == "position" and value == "":
            value = None
        setattr(interview, name, value)
    if "status" in changes:
        _stamp_status_times(interview)
        if was_over and interview.status not in _OVER:
            # Reopened: a fresh join link, so the tokens of the finished interview (each
            # names the join code it came from) do not come back to life with it.
            interview.join_code = new_join_code()
    if SEARCHABLE & changes.keys():
        interview.refresh_search_text()
    interview.updated_at = utcnow()
    await session.flush()
    return interview


_OVER = frozenset({InterviewStatus.COMPLETED.value, InterviewStatus.CANCELLED.value})


async def rotate_join_code(session: AsyncSession, owner_id: str, interview_id: str) -> Interview:
    """A new join link for one of the owner's interviews; the old link and every candidate
    token issued from it stop working (the room checks a token's join code at each connect)."""
    interview = await owned_interview(session, owner_id, interview_id)
    if interview.deleted_at is not None:
        raise InterviewInBinError("Restore the interview from the bin before changing it.")
    interview.join_code = new_join_code()
    interview.updated_at = utcnow()
    await session.flush()
    return interview


def _stamp_status_times(interview: Interview) -> None:
    now = utcnow()
    if interview.status == InterviewStatus.IN_PROGRESS.value and interview.started_at is None:
        interview.started_at = now
    if interview.status == InterviewStatus.COMPLETED.value and interview.ended_at is None:
        interview.ended_at = now


async def move_to_bin(session: AsyncSession, owner_id: str, interview_id: str) -> Interview:
    interview = await owned_interview(session, owner_id, interview_id)
    if interview.deleted_at is not None:
        raise InterviewInBinError("The interview is already in the bin.")
    interview.deleted_at = utcnow()
    await session.flush()
    return interview


async def list_bin(
    session: AsyncSession, owner_id: str, *, page: int, per_page: int
) -> repository.Page:
    return await repository.list_bin(
        session, owner_id, offset=(page - 1) * per_page, limit=per_page
    )


async def restore_interview(session: AsyncSession, owner_id: str, interview_id: str) -> Interview:
    interview = await owned_interview(session, owner_id, interview_id)
    if interview.deleted_at is None:
        raise InterviewNotInBinError("The interview is not in the bin.")
    interview.deleted_at = None
    interview.updated_at = utcnow()
    await session.flush()
    return interview


async def purge_interview(
    session: AsyncSession,
    owner_id: str,
    interview_id: str,
    before_delete: Callable[[str], Awaitable[None]] | None = None,
) -> None:
    """Deletes for good, and only from the bin: one mis-click cannot destroy a record.
    ``before_delete`` runs once the caller is known to own it (the API closes its live room)."""
    interview = await owned_interview(session, owner_id, interview_id)
    if interview.deleted_at is None:
        raise InterviewNotInBinError("Move the interview to the bin before deleting it for good.")
    if before_delete is not None:
        await before_delete(interview.id)
    await repository.delete(session, interview)


async def ids_of_owner(session: AsyncSession, owner_id: str) -> list[str]:
    """Every record of an owner, binned ones included."""
    return await repository.ids_of_owner(session, owner_id)


# ---- the room's side ---------------------------------------------------------------------------


async def existing_ids(session: AsyncSession, interview_ids: Collection[str]) -> set[str]:
    """Which of these records still exist (binned or not)."""
    return await repository.existing_ids(session, interview_ids)


async def get_interview_by_join_code(session: AsyncSession, code: str) -> Interview | None:
    """The record a join link points at, or ``None`` (unknown code, or the record is binned)."""
    return await repository.get_by_join_code(session, code)


async def get_interview_for_room(session: AsyncSession, interview_id: str) -> Interview | None:
    """Unscoped by owner; ``None`` for an unknown, malformed or binned id."""
    return await repository.get_by_id(session, interview_id)


async def chat_of(session: AsyncSession, interview_id: str) -> Sequence[InterviewMessage]:
    """The transcript, oldest first, which a reloaded room replays."""
    return await repository.chat_of(session, interview_id)


async def last_run(session: AsyncSession, interview_id: str) -> InterviewRun | None:
    """The newest recorded run, which a reloaded room shows in its welcome."""
    return await repository.last_run(session, interview_id)


async def _for_room(session: AsyncSession, interview_id: str) -> Interview:
    interview = await repository.get_by_id(session, interview_id)
    if interview is None:
        raise InterviewNotFoundError()
    return interview


async def mark_in_progress(session: AsyncSession, interview_id: str) -> Interview:
    """The room opened: ``scheduled`` → ``in_progress`` (idempotent while in progress).

    A completed or cancelled interview is not reopened: raises ``InterviewEndedError`` (409).
    """
    interview = await _for_room(session, interview_id)
    if interview.status in (InterviewStatus.COMPLETED.value, InterviewStatus.CANCELLED.value):
        raise InterviewEndedError(f"The interview is {interview.status}.")
    if interview.status != InterviewStatus.IN_PROGRESS.value:
        interview.status = InterviewStatus.IN_PROGRESS.value
        interview.started_at = interview.started_at or utcnow()
        interview.updated_at = utcnow()
        await session.flush()
    return interview


def _require_aware(moment: datetime, what: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware")


async def append_chat_message(
    session: AsyncSession,
    interview_id: str,
    author_name: str,
    author_role: str,
    text: str,
    sent_at: datetime,
) -> InterviewMessage:
    """Appends one line of the transcript; ``author_role`` is ``interviewer`` or ``candidate``."""
    if author_role not in AUTHOR_ROLES:
        raise ValueError(f"author_role must be one of {sorted(AUTHOR_ROLES)}")
    _require_aware(sent_at, "sent_at")
    interview = await _for_room(session, interview_id)
    message = InterviewMessage(
        interview_id=interview.id,
        author_name=storable(author_name)[:NAME_MAX],
        author_role=author_role,
        text=storable(text),
        sent_at=sent_at,
    )
    await repository.add(session, message)
    return message


async def append_run(
    session: AsyncSession,
    interview_id: str,
    started_by: str,
    language: str,
    stdin: str,
    result: dict[str, Any],
    *,
    source: str = "",
) -> InterviewRun:
    """Appends a run with its RunResult JSON (``RunResult.to_dict()``), stored as given, and
    the exact source and input it ran with."""
    interview = await _for_room(session, interview_id)
    run = InterviewRun(
        interview_id=interview.id,
        started_by=storable(started_by)[:NAME_MAX],
        language=storable(language)[:LANGUAGE_MAX],
        stdin=storable(stdin),
        source=storable(source),
        result=result,
        created_at=utcnow(),
    )
    await repository.add(session, run)
    return run


def _apply_room_state(
    interview: Interview, code: str, language: str | None, notes: str | None
) -> None:
    interview.final_code = storable(code)
    if language is not None:
        interview.language = storable(language)[:LANGUAGE_MAX]
    if notes is not None:
        interview.notes = storable(notes)
    interview.refresh_search_text()
    interview.updated_at = utcnow()


async def save_room_state(
    session: AsyncSession,
    interview_id: str,
    code: str,
    language: str | None,
    notes: str | None,
) -> Interview:
    """The room's periodic save. ``None`` for ``language`` or ``notes`` leaves them unchanged."""
    interview = await _for_room(session, interview_id)
    _apply_room_state(interview, code, language, notes)
    await session.flush()
    return interview


async def complete_interview(
    session: AsyncSession,
    interview_id: str,
    final_code: str,
    language: str | None,
    notes: str | None,
) -> Interview:
    """The interviewer ended the room: final state saved, status ``completed``, ``ended_at`` set.

    Calling it again (a retry) saves the state again and keeps the first ``ended_at``.
    """
    interview = await _for_room(session, interview_id)
    _apply_room_state(interview, final_code, language, notes)
    interview.status = InterviewStatus.COMPLETED.value
    interview.ended_at = interview.ended_at or utcnow()
    await session.flush()
    return interview


# ---- panel interviews: co-interviewers ---------------------------------------------------------

PANEL_MAX = 8
"""Co-interviewers one interview may have (the room's video is a mesh of 2-4 people)."""


class NotAnInterviewerError(NotFoundError):
    code = "interviewer_not_found"


async def is_member(session: AsyncSession, user_id: str, interview: Interview) -> bool:
    """The owner or a co-interviewer of ``interview``."""
    if interview.owner_id == user_id:
        return True
    return await repository.panelist(session, interview.id, user_id) is not None


async def member_interview(session: AsyncSession, user_id: str, interview_id: str) -> Interview:
    """A live or binned record ``user_id`` owns or is a co-interviewer of; else 404."""
    interview = await repository.get_by_id(session, interview_id, which="any")
    if interview is None or not await is_member(session, user_id, interview):
        raise InterviewNotFoundError()
    return interview


async def co_interviewers(
    session: AsyncSession, owner_id: str, interview_id: str
) -> Sequence[InterviewPanelist]:
    interview = await member_interview(session, owner_id, interview_id)
    return await repository.panelists_of(session, interview.id)


async def add_co_interviewer(
    session: AsyncSession, owner_id: str, interview_id: str, user_id: str
) -> tuple[Interview, InterviewPanelist]:
    """Adds the interviewer ``user_id`` to the panel (the caller looked them up by e-mail);
    adding someone twice is a no-op that answers the same row."""
    interview = await owned_interview(session, owner_id, interview_id, "live")
    if user_id == owner_id:
        raise BadRequestError("You own this interview already.", code="already_owner")
    existing = await repository.panelist(session, interview.id, user_id)
    if existing is not None:
        return interview, existing
    if len(await repository.panelists_of(session, interview.id)) >= PANEL_MAX:
        raise BadRequestError(
            f"A panel has at most {PANEL_MAX} co-interviewers.", code="panel_full"
        )
    row = InterviewPanelist(interview_id=interview.id, user_id=user_id)
    await repository.add(session, row)
    return interview, row


async def remove_co_interviewer(
    session: AsyncSession, owner_id: str, interview_id: str, user_id: str
) -> None:
    interview = await owned_interview(session, owner_id, interview_id)
    row = await repository.panelist(session, interview.id, user_id)
    if row is None:
        raise NotAnInterviewerError("That interviewer is not on this panel.")
    await repository.remove_panelist(session, row)


async def add_co_interviewer_by_email(
    session: AsyncSession, owner_id: str, interview_id: str, email: str
) -> tuple[Interview, InterviewPanelist, str, str]:
    """``add_co_interviewer`` for the account with this e-mail: (record, row, name, email)."""
    user = await accounts.user_by_email(session, email)
    if user is None:
        raise NotAnInterviewerError(
            "Nobody on this server has that e-mail address; invite them to sign up first."
        )
    interview, row = await add_co_interviewer(session, owner_id, interview_id, user.id)
    return interview, row, user.name, user.email


async def panel_of(
    session: AsyncSession, user_id: str, interview_id: str
) -> list[tuple[InterviewPanelist, str, str]]:
    """The co-interviewers with their names and e-mails (for the owner and the panel)."""
    rows = await co_interviewers(session, user_id, interview_id)
    people = []
    for row in rows:
        user = await accounts.get_user(session, row.user_id)
        if user is not None:
            people.append((row, user.name, user.email))
    return people


async def record_recommendation(
    session: AsyncSession, user_id: str, interview_id: str, recommendation: str
) -> None:
    """The owner's submitted scorecard becomes the record's verdict (what the dashboard filters
    and sorts on); a co-interviewer's does not change the record."""
    interview = await member_interview(session, user_id, interview_id)
    if interview.owner_id == user_id:
        interview.recommendation = recommendation
