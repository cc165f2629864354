"""What the room does with the database: load a room, persist it, join it, play it back.

Each function takes an ``AsyncSession`` and only flushes; the boundary (a REST handler or the
socket layer's ``unit_of_work``) commits. ``SqlRoomStore`` is the ``RoomStore`` a live ``Room``
writes through: one short unit of work per write, so a slow write never holds a room lock.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable, Collection, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from runners.contract import LanguageInfo
from server.accounts import service as accounts
from server.interviews import service as interviews
from server.interviews.models import Interview, InterviewRun
from server.kit.db import utcnow
from server.kit.errors import AppError, BadRequestError, NotFoundError
from server.kit.security import decode_access_claims
from server.kit.state import AppState
from server.questions import service as questions
from server.rooms import repository
from server.rooms.errors import RoomAuthError, RoomError, RoomTokenError
from server.rooms.models import RoomEvent, RoomQuestion
from server.rooms.questions import RoomQuestionSpec
from server.rooms.room import Identity, RoomSeed
from server.rooms.tokens import create_candidate_token, decode_candidate_token, join_code_hash
from server.rooms.update_log import CoalescingWriter, LoggedUpdate
from server.settings import Settings

log = logging.getLogger(__name__)
ENDED_STATUSES = frozenset({"completed", "cancelled"})
OpenSession = Callable[[], AbstractAsyncContextManager[AsyncSession]]


class JoinRefusedError(AppError):
    status = 409
    code = "interview_ended"


class JoinLimitError(AppError):
    """Not a rate: waiting does not help, a new link (rotation) does."""

    status = 429
    code = "join_limit_reached"


# ---- closing live rooms from elsewhere ---------------------------------------------------------

ROOM_CLOSER_KEY = "rooms.close"
ROOM_CANDIDATES_KEY = "rooms.send_candidates_away"
"""Where the gateway leaves its ``send_candidates_away(room_id, code, message)``."""
"""Where the gateway leaves its ``close(room_ids, code, message)`` in the app state's extras."""
RoomCloser = Callable[[Collection[str], str, str], Awaitable[None]]


async def close_live_rooms(
    state: AppState, interview_ids: Collection[str], code: str, message: str
) -> None:
    """Closes the live rooms of these interviews before their records go (a purge, an account
    deletion), so no room keeps writing rows for an interview that no longer exists."""
    closer: RoomCloser | None = state.extras.get(ROOM_CLOSER_KEY)
    if closer is not None and interview_ids:
        await closer(interview_ids, code, message)


ROOM_ENDER_KEY = "rooms.end"
"""Where the gateway leaves its ``end_room(room_id) -> bool`` (True: a live room was ended)."""


async def end_live_room(state: AppState, interview_id: str) -> bool:
    """Ends the interview in its live room, on whichever process owns it; False if no room is
    live (the caller then completes the record itself)."""
    ender: Callable[[str], Awaitable[bool]] | None = state.extras.get(ROOM_ENDER_KEY)
    return ender is not None and await ender(interview_id)


USER_SOCKETS_KEY = "rooms.disconnect_user"
"""Where the gateway leaves its ``disconnect_user(user_id, session_id, code, message)``."""
UserSocketsCloser = Callable[[str, str | None, str, str], Awaitable[int]]


async def end_user_sockets(
    state: AppState,
    user_id: str,
    *,
    session_id: str | None = None,
    code: str = "session_ended",
    message: str = "You were signed out.",
) -> int:
    """Ends the account's open room sockets (of one session, if given): they were authorised
    at connect, so logout, reset, deactivation and deletion must end them too."""
    closer: UserSocketsCloser | None = state.extras.get(USER_SOCKETS_KEY)
    if closer is None:
        return 0
    return await closer(user_id, session_id, code, message)


# ---- the live room's store ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RoomState:
    interview_id: str
    code: str
    language: str
    notes: str


class SqlRoomStore:
    """Shared by every room of the process, so their log rows share transactions."""

    def __init__(self, open_session: OpenSession) -> None:
        self._open = open_session
        self._log_writer = CoalescingWriter[LoggedUpdate](self._write_updates)
        self._saver = CoalescingWriter[RoomState](self._write_states, window_s=0.2)

    async def _write_updates(self, rows: Sequence[LoggedUpdate]) -> None:
        """Every room's rows in one transaction; if that fails on a foreign key (a record
        purged or an account deleted while its room was live), the rows of interviews that
        are gone are dropped and the others written again, so one tenant's purge never keeps
        another interviewer's keystrokes from being committed and acknowledged."""
        try:
            async with self._open() as session:
                await repository.add_updates(session, rows)
            return
        except IntegrityError:
            pass
        async with self._open() as session:
            alive = await interviews.existing_ids(session, {row.interview_id for row in rows})
            kept = [row for row in rows if row.interview_id in alive]
            await repository.add_updates(session, kept)
        gone = sorted({row.interview_id for row in rows} - alive)
        log.warning(
            "room log: %d update(s) of interview(s) no longer there dropped: %s",
            len(rows) - len(kept),
            ", ".join(gone),
        )

    async def append_updates(self, rows: Sequence[LoggedUpdate]) -> None:
        await self._log_writer(rows)

    async def append_chat(self, interview_id: str, message: dict[str, Any]) -> None:
        async with self._open() as session:
            await interviews.append_chat_message(
                session,
                interview_id,
                message["author_name"],
                message["author_role"],
                message["text"],
                datetime.fromisoformat(message["sent_at"]),
            )

    async def append_run(
        self,
        interview_id: str,
        started_by: str,
        language: str,
        stdin: str,
        result: dict[str, Any],
        *,
        source: str,
    ) -> None:
        async with self._open() as session:
            await interviews.append_run(
                session, interview_id, started_by, language, stdin, result, source=source
            )

    async def save_state(self, interview_id: str, code: str, language: str, notes: str) -> None:
        await self._saver([RoomState(interview_id, code, language, notes)])

    async def _write_states(self, states: Sequence[RoomState]) -> None:
        latest = {state.interview_id: state for state in states}
        async with self._open() as session:
            # Always in id order, so two transactions never take the same row locks crosswise.
            for _, state in sorted(latest.items()):
                try:
                    await interviews.save_room_state(
                        session, state.interview_id, state.code, state.language, state.notes
                    )
                except interviews.InterviewNotFoundError:
                    log.warning("room %s: its record is gone; state not saved", state.interview_id)

    async def start(self, interview_id: str) -> None:
        async with self._open() as session:
            await open_room_record(session, interview_id)

    async def complete(self, interview_id: str, code: str, language: str, notes: str) -> None:
        async with self._open() as session:
            await interviews.complete_interview(session, interview_id, code, language, notes)

    async def load_question(
        self, interview_id: str, user_id: str, question_id: str
    ) -> RoomQuestionSpec:
        async with self._open() as session:
            try:
                row = await pick_question(session, interview_id, user_id, question_id)
            except AppError as exc:  # not visible to this interviewer, too many questions
                raise RoomError(exc.code, exc.message) from None
            row.loaded_at = utcnow()
            return spec_of(row)

    async def append_event(
        self, interview_id: str, identity: Identity, kind: str, detail: dict[str, Any]
    ) -> None:
        async with self._open() as session:
            await repository.add_event(
                session,
                RoomEvent(
                    interview_id=interview_id,
                    participant_id=identity.participant_id,
                    author_name=identity.name,
                    author_role=identity.role,
                    kind=kind,
                    detail=detail,
                ),
            )


# ---- the interview's questions -----------------------------------------------------------------

MAX_QUESTIONS = 10
"""Questions one interview may carry."""


class TooManyQuestionsError(BadRequestError):
    code = "too_many_questions"


def spec_of(row: RoomQuestion) -> RoomQuestionSpec:
    return RoomQuestionSpec(row.question_id, row.revision, dict(row.content))


async def pick_question(
    session: AsyncSession, interview_id: str, user_id: str, question_id: str
) -> RoomQuestion:
    """The interview's frozen copy of the question, made now from its current revision if the
    interview did not have it yet (``QuestionNotFoundError`` if ``user_id`` cannot see it)."""
    row = await repository.question_of(session, interview_id, question_id)
    if row is not None:
        return row
    loaded = await questions.get_question(session, user_id, question_id)
    existing = await repository.questions_of(session, interview_id)
    if len(existing) >= MAX_QUESTIONS:
        raise TooManyQuestionsError(f"An interview has at most {MAX_QUESTIONS} questions.")
    row = RoomQuestion(
        interview_id=interview_id,
        question_id=loaded.question.id,
        revision=loaded.question.revision,
        content=loaded.content.model_dump(mode="json"),
        position=len(existing),
    )
    await repository.add_question(session, row)
    return row


async def set_interview_questions(
    session: AsyncSession, owner_id: str, interview_id: str, question_ids: Sequence[str]
) -> Sequence[RoomQuestion]:
    """The interview's questions become ``question_ids``, in that order; one already picked
    keeps the revision it was frozen at, a new one is frozen at its current revision."""
    interview = await owned_interview(session, owner_id, interview_id)
    if len(question_ids) > MAX_QUESTIONS:
        raise TooManyQuestionsError(f"An interview has at most {MAX_QUESTIONS} questions.")
    if len(set(question_ids)) != len(question_ids):
        raise BadRequestError("A question is listed twice.", code="duplicate_question")
    wanted = list(question_ids)
    for row in await repository.questions_of(session, interview.id):
        if row.question_id not in wanted:
            await repository.remove_question(session, row)
    rows = [await pick_question(session, interview.id, owner_id, qid) for qid in wanted]
    for position, row in enumerate(rows):
        row.position = position
    return rows


async def interview_questions(
    session: AsyncSession, owner_id: str, interview_id: str
) -> Sequence[RoomQuestion]:
    interview = await owned_interview(session, owner_id, interview_id)
    return await repository.questions_of(session, interview.id)


async def activity(session: AsyncSession, owner_id: str, interview_id: str) -> Sequence[RoomEvent]:
    interview = await owned_interview(session, owner_id, interview_id)
    return await repository.events_of(session, interview.id)


def _default_language(
    interview: Interview, languages: Sequence[LanguageInfo]
) -> LanguageInfo | None:
    """The record's language, else the catalogue's ``default`` one, else its first."""
    for language in languages:
        if language.id == interview.language:
            return language
    return next((lang for lang in languages if lang.default), languages[0] if languages else None)


async def load_seed(
    session: AsyncSession, interview_id: str, languages: Sequence[LanguageInfo]
) -> RoomSeed | None:
    """Everything a room starts from, or ``None`` for an unknown (or binned) interview."""
    interview = await interviews.get_interview_for_room(session, interview_id)
    if interview is None:
        return None
    language = _default_language(interview, languages)
    owner = await accounts.get_user(session, interview.owner_id)
    chat = await interviews.chat_of(session, interview.id)
    last_run = await interviews.last_run(session, interview.id)
    picked = await repository.questions_of(session, interview.id)
    loaded = [row for row in picked if row.loaded_at is not None]
    current = max(loaded, key=lambda row: row.loaded_at or row.added_at) if loaded else None
    test_run = last_run is not None and "tests" in (last_run.result or {})
    return RoomSeed(
        interview_id=interview.id,
        title=interview.title,
        language=language.id if language else (interview.language or ""),
        stub=language.stub if language else "",
        ended=interview.status in ENDED_STATUSES,
        interviewer_name=owner.name if owner else "",
        admit_manually=owner is not None and owner.admit_candidates == "manual",
        chat=[
            {
                "id": f"m{message.id}",
                "participant_id": "",
                "author_name": message.author_name,
                "author_role": message.author_role,
                "text": message.text,
                "sent_at": message.sent_at.isoformat(),
            }
            for message in chat
        ],
        last_run=_finished_run(last_run) if last_run and not test_run else None,
        last_test_run=_finished_tests(_finished_run(last_run)) if last_run and test_run else None,
        questions=[spec_of(row) for row in picked],
        current_question_id=current.question_id if current else None,
        code_updates=await repository.update_bytes(session, interview.id, "code"),
        notes_updates=await repository.update_bytes(session, interview.id, "notes"),
        board_updates=await repository.update_bytes(session, interview.id, "board"),
    )


def _finished_run(run: InterviewRun) -> dict[str, Any]:
    """A recorded run in the shape of ``run:finished``, so a room reloaded from the database
    still shows the last result. Only runs with a result are recorded, hence ``error`` None;
    the starter's participant id and role are not stored."""
    return {
        "run_id": f"r{run.id}",
        "started_by": {"participant_id": "", "name": run.started_by, "role": None},
        "language": run.language,
        "stdin": run.stdin,
        "result": run.result,
        "error": None,
        "finished_at": run.created_at.isoformat(),
    }


def _finished_tests(finished: dict[str, Any]) -> dict[str, Any]:
    return {**finished, "question_id": str((finished["result"] or {}).get("question_id", ""))}


# ---- joining -----------------------------------------------------------------------------------


class JoinCodeNotFoundError(NotFoundError):
    code = "join_code_not_found"


async def _by_code(session: AsyncSession, code: str) -> Interview:
    interview = None
    if len(code) <= 64:
        interview = await interviews.get_interview_by_join_code(session, code)
    if interview is None:
        raise JoinCodeNotFoundError(
            "This join link is not valid. Ask your interviewer for a new one."
        )
    return interview


async def describe_join(session: AsyncSession, code: str) -> dict[str, Any]:
    interview = await _by_code(session, code)
    owner = await accounts.get_user(session, interview.owner_id)
    return {
        "interview_id": interview.id,
        "title": interview.title,
        "interviewer_name": owner.name if owner else "",
        "status": interview.status,
        "can_join": interview.status not in ENDED_STATUSES,
    }


@dataclass(frozen=True, slots=True)
class CandidatePass:
    token: str
    interview_id: str
    participant_id: str


def candidate_participant_id(
    interview_id: str, name: str, previous_token: str | None, settings: Settings
) -> str:
    """One person, one participant: the same browser (its previous token for this interview)
    keeps its participant id; otherwise the id follows from the name, so a candidate who closes
    the tab and types their name again through the same link is the same participant, not a
    second one (issue 11, "ghost participants"). Keyed with the installation's secret, so an id
    says nothing about the name and cannot be computed from outside."""
    if previous_token:
        try:
            claims = decode_candidate_token(previous_token, settings)
        except RoomTokenError:
            claims = None
        if claims is not None and claims.interview_id == interview_id:
            return claims.participant_id
    folded = " ".join(name.split()).casefold()
    key = settings.auth.jwt_secret.encode()
    digest = hmac.new(key, f"participant:{interview_id}:{folded}".encode(), hashlib.sha256)
    return "c" + digest.hexdigest()[:30]


async def join_as_candidate(
    session: AsyncSession,
    code: str,
    name: str,
    settings: Settings,
    previous_token: str | None = None,
) -> CandidatePass:
    interview = await _by_code(session, code)
    if interview.status in ENDED_STATUSES:
        raise JoinRefusedError(f"This interview is {interview.status}; it can no longer be joined.")
    participant_id = candidate_participant_id(interview.id, name, previous_token, settings)
    code_hash = join_code_hash(interview.join_code)
    bound = settings.rooms.max_candidate_tokens
    if await repository.count_join_passes(session, interview.id, code_hash) >= bound:
        raise JoinLimitError(
            f"This join link has been used {bound} times, its limit. "
            "Ask your interviewer for a new link."
        )
    await repository.add_join_pass(session, interview.id, code_hash, participant_id)
    token = create_candidate_token(
        interview.id, participant_id, name, interview.join_code, settings
    )
    return CandidatePass(token, interview.id, participant_id)


async def authorise_socket(
    session: AsyncSession,
    auth: dict[str, Any],
    access_cookie: str | None,
    settings: Settings,
) -> tuple[str, Identity]:
    """Who a connecting socket is and which room it may enter, or ``RoomAuthError``."""
    candidate_token = auth.get("token")
    if isinstance(candidate_token, str) and candidate_token:
        try:
            claims = decode_candidate_token(candidate_token, settings)
        except RoomTokenError as exc:
            raise RoomAuthError(exc.code, exc.message) from None
        interview = await interviews.get_interview_for_room(session, claims.interview_id)
        if interview is None:
            raise RoomAuthError("room_not_found", "this interview no longer exists")
        if interview.status in ENDED_STATUSES:
            raise RoomAuthError("interview_ended", f"the interview is {interview.status}")
        if claims.code_hash != join_code_hash(interview.join_code):
            raise RoomAuthError(
                "link_rotated", "this join link was replaced; ask your interviewer for the new one"
            )
        return interview.id, Identity(claims.participant_id, "candidate", claims.name)

    interview_id = auth.get("interview_id")
    if not isinstance(interview_id, str):
        raise RoomAuthError("unauthorized", "send auth {token} or {interview_id} to join a room")
    access = auth.get("access_token") or access_cookie
    if not isinstance(access, str) or not access:
        raise RoomAuthError("unauthorized", "sign in first")
    try:
        user = await accounts.user_of_live_session(session, decode_access_claims(access, settings))
    except AppError as exc:
        raise RoomAuthError(exc.code, exc.message) from None
    interview = await interviews.get_interview_for_room(session, interview_id)
    if (
        user is None
        or interview is None
        or not await interviews.is_member(session, user.id, interview)
    ):
        raise RoomAuthError("room_not_found", "no such interview")
    return interview.id, Identity("i" + user.id, "interviewer", user.name)


async def open_room_record(session: AsyncSession, interview_id: str) -> None:
    """The interviewer entered the room: ``scheduled`` becomes ``in_progress`` (a candidate
    waiting in the lobby does not start the interview)."""
    interview = await interviews.get_interview_for_room(session, interview_id)
    if interview is not None and interview.status not in ENDED_STATUSES:
        await interviews.mark_in_progress(session, interview_id)


# ---- owner-only views --------------------------------------------------------------------------


async def owned_interview(session: AsyncSession, owner_id: str, interview_id: str) -> Interview:
    interview = await interviews.get_interview_for_room(session, interview_id)
    if interview is None or interview.owner_id != owner_id:
        raise interviews.InterviewNotFoundError()
    return interview


async def rotate_join_link(
    session: AsyncSession, owner_id: str, interview_id: str, public_url: str
) -> str:
    """A new join link; the old one and every token it issued stop working."""
    interview = await interviews.rotate_join_code(session, owner_id, interview_id)
    return interviews.join_url(public_url, interview.join_code)


class InterviewAlreadyEndedError(AppError):
    status = 409
    code = "interview_ended"


async def check_can_end(session: AsyncSession, owner_id: str, interview_id: str) -> Interview:
    """The owner's interview, not ended and not in the bin (else 404 / 409)."""
    interview = await owned_interview(session, owner_id, interview_id)
    if interview.status in ENDED_STATUSES:
        raise InterviewAlreadyEndedError(f"This interview is already {interview.status}.")
    return interview


async def complete_without_room(session: AsyncSession, owner_id: str, interview_id: str) -> None:
    """No room is live: the record ends with the state its room last saved."""
    interview = await check_can_end(session, owner_id, interview_id)
    await interviews.complete_interview(
        session, interview.id, interview.final_code, interview.language, interview.notes
    )


async def send_candidates_away(state: AppState, interview_id: str, code: str, message: str) -> None:
    """Disconnects the candidates of a live room (their tokens no longer open it)."""
    sender: Callable[[str, str, str], Awaitable[None]] | None = state.extras.get(
        ROOM_CANDIDATES_KEY
    )
    if sender is not None:
        await sender(interview_id, code, message)


async def owned_join_url(
    session: AsyncSession, owner_id: str, interview_id: str, public_url: str
) -> str:
    """The join link of one of ``owner_id``'s interviews (for its QR codes)."""
    interview = await owned_interview(session, owner_id, interview_id)
    return interviews.join_url(public_url, interview.join_code)


async def playback(
    session: AsyncSession,
    owner_id: str,
    interview_id: str,
    doc: str,
    after: int,
    limit: int,
    max_bytes: int,
) -> dict[str, Any]:
    """A page of the update log, bounded in rows and in bytes (``[rooms] playback_page_bytes``);
    ``next_after`` continues it."""
    interview = await owned_interview(session, owner_id, interview_id)
    rows, more = await repository.list_updates(
        session, interview.id, doc, after=after, limit=limit, max_bytes=max_bytes
    )
    return {
        "interview_id": interview.id,
        "doc": doc,
        "updates": [
            {
                "seq": row.id,
                "participant_id": row.participant_id,
                "author_name": row.author_name,
                "author_role": row.author_role,
                "created_at": row.created_at.isoformat(),
                "update": row.update,
            }
            for row in rows
        ],
        "next_after": rows[-1].id if more and rows else None,
    }
