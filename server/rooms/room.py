"""One live interview room: its documents, participants, chat, runs and their lifecycle.

A ``Room`` knows nothing about Socket.IO or SQL: it talks to sockets through an ``Emitter`` and to
the database through a ``RoomStore``, both injected, so its rules (who may see the notes, one run
at a time, read-only after the end) are testable on their own and enforced in one place
(``tests/server/rooms/test_room.py`` drives it with a fake emitter and an in-memory store).
Recipients are always computed here from the participant list, so a candidate can never be handed
the notes.

Its life is explicit: ``async with room:`` (or ``start()`` … ``close()``, as the registry does)
loads the documents and starts the log; every background task (grace timers, the debounced save,
runs) lives in one task set that ``close()`` cancels and awaits. Event and document names come
from the loaded protocol (``protocol.emits``, ``protocol.docs``), never typed here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from types import TracebackType
from typing import Any, Literal, Protocol, Self

from runners.contract import Engine, EngineError, RunRequest
from server.kit.ratelimit import TokenBucket
from server.rooms.awareness import AwarenessStates, checked_entry
from server.rooms.documents import SyncedDoc
from server.rooms.errors import RoomError, UpdateRejectedError
from server.rooms.ice import IceSource, no_ice
from server.rooms.protocol import Protocol as RoomProtocol
from server.rooms.questions import (
    RoomQuestionSpec,
    finished_view,
    full_result,
    question_view,
    redact_run_for_candidate,
    test_request,
)
from server.rooms.run import RoomRun, Starter
from server.rooms.update_log import LoggedUpdate, UpdateLog
from server.rooms.wire import (
    SYNC_STEP1,
    SYNC_STEP2,
    SYNC_UPDATE,
    AwarenessMessage,
    AwarenessQuery,
    SyncMessage,
    WireError,
    encode_awareness,
    encode_sync,
    parse_message,
)

log = logging.getLogger(__name__)

Role = Literal["interviewer", "candidate"]
COLOURS = ("#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#9a6324")


class RoomState(StrEnum):
    NEW = "new"
    OPEN = "open"
    CLOSED = "closed"


class Emitter(Protocol):
    async def emit(self, event: str, data: Any, to: Sequence[str]) -> None: ...

    async def disconnect(self, sid: str) -> None: ...


class RoomStore(Protocol):
    async def append_updates(self, rows: Sequence[LoggedUpdate]) -> None: ...

    async def append_chat(self, interview_id: str, message: dict[str, Any]) -> None: ...

    async def append_run(
        self,
        interview_id: str,
        started_by: str,
        language: str,
        stdin: str,
        result: dict[str, Any],
        *,
        source: str,
    ) -> None: ...

    async def save_state(self, interview_id: str, code: str, language: str, notes: str) -> None: ...

    async def complete(self, interview_id: str, code: str, language: str, notes: str) -> None: ...

    async def load_question(
        self, interview_id: str, user_id: str, question_id: str
    ) -> RoomQuestionSpec:
        """The question frozen for this interview (picked now at its current revision if it
        was not yet), marked as the room's current one; ``RoomError`` if the user cannot see it."""
        ...

    async def append_event(
        self, interview_id: str, identity: Identity, kind: str, detail: dict[str, Any]
    ) -> None: ...

    async def start(self, interview_id: str) -> None:
        """The interviewer entered: the record becomes in progress."""
        ...


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a socket is, decided at connect time from its token or session."""

    participant_id: str
    role: Role
    name: str


@dataclass(slots=True)
class RoomSeed:
    """What a room starts from: the record plus whatever the update log already holds."""

    interview_id: str
    title: str
    language: str
    stub: str
    ended: bool
    interviewer_name: str = ""
    admit_manually: bool = False
    """The owner's preference: candidates wait in the lobby until admitted, even when the
    interviewer is there (otherwise they enter as soon as an interviewer is)."""
    chat: list[dict[str, Any]] = field(default_factory=list)
    last_run: dict[str, Any] | None = None
    code_updates: list[bytes] = field(default_factory=list)
    notes_updates: list[bytes] = field(default_factory=list)
    questions: list[RoomQuestionSpec] = field(default_factory=list)
    current_question_id: str | None = None
    last_test_run: dict[str, Any] | None = None
    board_updates: list[bytes] = field(default_factory=list)

    @property
    def log_bytes(self) -> int:
        """Update-log bytes the interview already holds (what its bound is counted against)."""
        every = (self.code_updates, self.notes_updates, self.board_updates)
        return sum(len(update) for updates in every for update in updates)


@dataclass(slots=True)
class Participant:
    identity: Identity
    colour: str
    sid: str | None
    chat_bucket: TokenBucket
    grace_task: asyncio.Task[None] | None = None
    away_since: dict[str, datetime] = field(default_factory=dict)
    """``blur``/``hidden`` → when it happened, until the matching ``focus``/``visible``."""
    activity_reports: int = 0
    admitted: bool = False
    """Candidates only: let out of the lobby once; a reconnect comes straight back in."""

    @property
    def id(self) -> str:
        return self.identity.participant_id

    def public(self) -> dict[str, Any]:
        return {
            "participant_id": self.id,
            "role": self.identity.role,
            "name": self.identity.name,
            "colour": self.colour,
            "connected": self.sid is not None,
        }


@dataclass(frozen=True, slots=True)
class RoomSettings:
    grace_seconds: float = 30.0
    save_delay_s: float = 10.0
    """How long after an edit the room saves its code; each wait is 75–125% of it (see below)."""
    log_flush_interval_s: float = 0.02
    ice: IceSource = no_ice
    """ICE servers (with TURN credentials of its own) for one participant id."""
    max_activity_reports: int = 5000
    """Activity rows one participant may add to a room's record (a client looping on focus
    events would otherwise fill the table; 5000 is hours of real tab switching)."""
    max_participants: int = 8
    """Distinct people in the room; one more is refused with ``room_full``."""
    max_doc_bytes: int = 4 * 1024 * 1024
    """Encoded size of each document; an update past it is refused with ``document_too_large``."""
    max_log_bytes: int = 64 * 1024 * 1024
    """Update-log bytes of the interview; past it updates are refused with ``room_log_full``."""


class Room:
    def __init__(
        self,
        seed: RoomSeed,
        *,
        store: RoomStore,
        engine: Engine,
        emitter: Emitter,
        protocol: RoomProtocol,
        settings: RoomSettings,
    ) -> None:
        self.id = seed.interview_id
        self.title = seed.title
        self.default_language = seed.language
        self.ended = seed.ended
        self.store = store
        self.engine = engine
        self.emitter = emitter
        self.protocol = protocol
        self.events = protocol.emits
        self.limits = limits = protocol.limits
        self.settings = settings
        code_doc, notes_doc = protocol.docs["code"], protocol.docs["notes"]
        board_doc = protocol.docs["board"]
        self.code = SyncedDoc(code_doc.text, code_doc.meta_map, code_doc.stdin_text)
        self.notes = SyncedDoc(notes_doc.text, notes_doc.meta_map)
        self.board = SyncedDoc(board_doc.text, board_doc.meta_map, map_name=board_doc.map)
        self.board_locked = False
        """Candidates' whiteboard updates are refused while set (the interviewer's choice)."""
        self.relay_only = False
        """The room's own relay-only video (the installation's setting can only add to it)."""
        self.log_bytes = seed.log_bytes
        # One Yjs client per participant: a participant has one socket (a new one replaces the
        # old), so the cursor of a tab they closed or reloaded is dropped when the new tab speaks.
        self.awareness = AwarenessStates(max_clients_per_participant=1)
        self.participants: dict[str, Participant] = {}
        self.by_sid: dict[str, Participant] = {}
        self.waiting: dict[str, Participant] = {}
        """The lobby: candidates (by participant id) who may not enter yet. They get no
        document, chat or call, and do not count as being in the room."""
        self.waiting_by_sid: dict[str, Participant] = {}
        self.interviewer_name = seed.interviewer_name
        self.admit_manually = seed.admit_manually
        self._started = False
        self.chat: list[dict[str, Any]] = list(seed.chat)[-limits.chat_history :]
        self.candidate_can_run = True
        self.run_in_flight: RoomRun | None = None
        self.last_run: dict[str, Any] | None = seed.last_run
        self.questions: dict[str, RoomQuestionSpec] = {q.question_id: q for q in seed.questions}
        self.current_question: RoomQuestionSpec | None = self.questions.get(
            seed.current_question_id or ""
        )
        self.last_test_run: dict[str, Any] | None = seed.last_test_run
        """The last ``tests:finished`` payload in full (the interviewer's view)."""
        self.log = UpdateLog(store.append_updates, flush_interval_s=settings.log_flush_interval_s)
        self.state = RoomState.NEW
        self.moving = False
        """Set once another process takes the room over: updates are refused from then on."""
        self._tasks: set[asyncio.Task[Any]] = set()
        """Every background task of the room, so ``close()`` loses none."""
        self._save_task: asyncio.Task[None] | None = None
        self._colour_index = 0
        self._seed = seed
        self._saved: tuple[str, str, str] | None = None

    # ---- lifecycle -------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def start(self) -> None:
        """Loads the documents from the seed and starts the log; once only."""
        if self.state is not RoomState.NEW:
            raise RuntimeError(f"room {self.id} is already {self.state}")
        self.state = RoomState.OPEN
        self.code.load(self._seed.code_updates)
        self.notes.load(self._seed.notes_updates)
        self.board.load(self._seed.board_updates)
        self.log.start()
        if not self._seed.code_updates and not self.ended:
            for update in self.code.seed(self._seed.stub, {"language": self._seed.language}):
                self._log_update("code", None, update)

    async def close(self) -> None:
        """Stops background work, writes the log and the current state. Safe to call twice."""
        if self.state is RoomState.CLOSED:
            return
        self.state = RoomState.CLOSED
        for participant in self.participants.values():
            if participant.grace_task is not None:
                participant.grace_task.cancel()
        if self._save_task is not None:
            self._save_task.cancel()
            self._save_task = None
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.log.close()
        if not self.ended:
            await self.save_now()

    def _spawn(self, coro: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # ---- presence --------------------------------------------------------------------------

    @property
    def connected_sids(self) -> list[str]:
        return list(self.by_sid)

    @property
    def has_sockets(self) -> bool:
        """Someone is connected, in the room or in its lobby (the registry keeps it open)."""
        return bool(self.by_sid or self.waiting_by_sid)

    def participant(self, sid: str) -> Participant:
        participant = self.by_sid.get(sid)
        if participant is None:
            if sid in self.waiting_by_sid:
                raise RoomError(
                    "in_lobby", "you are in the lobby; the room opens when the interviewer is in"
                )
            raise RoomError("not_in_room", "this connection has not joined the room")
        return participant

    def _interviewer_sids(self) -> list[str]:
        return [s for s, p in self.by_sid.items() if p.identity.role == "interviewer"]

    async def join(self, identity: Identity, sid: str) -> None:
        """Interviewers enter; a candidate enters if admitted before, or if an interviewer is
        here and admits candidates automatically; otherwise the candidate waits in the lobby."""
        if self.ended and identity.role == "candidate":
            raise RoomError("interview_ended", "the interview has ended")
        if identity.role == "candidate":
            known = self.participants.get(identity.participant_id)
            admitted = known is not None and known.admitted
            if not admitted and (self.admit_manually or not self._interviewer_sids()):
                await self._wait_in_lobby(identity, sid)
                return
        await self._enter(identity, sid)

    async def _wait_in_lobby(self, identity: Identity, sid: str) -> None:
        waiting = self.waiting.get(identity.participant_id)
        replaced_sid: str | None = None
        if waiting is None:
            waiting = Participant(
                identity=identity,
                colour=COLOURS[self._colour_index % len(COLOURS)],
                sid=sid,
                chat_bucket=TokenBucket(self.limits.chat_per_second, self.limits.chat_burst),
            )
            self._colour_index += 1
            self.waiting[identity.participant_id] = waiting
        else:
            waiting.identity = identity
            replaced_sid = waiting.sid
            if replaced_sid is not None:
                self.waiting_by_sid.pop(replaced_sid, None)
            waiting.sid = sid
        self.waiting_by_sid[sid] = waiting
        if replaced_sid is not None:
            await self.emitter.disconnect(replaced_sid)
        await self._tell_waiting(waiting)
        await self._announce_lobby()

    async def _mark_started(self) -> None:
        try:
            await self.store.start(self.id)
        except Exception:
            self._started = False  # the next interviewer to enter tries again
            log.exception("room %s: the record could not be marked in progress", self.id)

    async def _tell_waiting(self, waiting: Participant) -> None:
        if waiting.sid is None:
            return
        here = bool(self._interviewer_sids())
        who = self.interviewer_name or "your interviewer"
        lobby = {
            "title": self.title,
            "reason": "not_admitted" if here else "no_interviewer",
            "interviewer_name": self.interviewer_name,
            "message": (
                f"{who} is here and will let you in in a moment."
                if here
                else f"The interview starts when {who} joins. You can check your camera "
                "and microphone meanwhile."
            ),
        }
        await self.emitter.emit(self.events.lobby, lobby, [waiting.sid])

    async def _announce_lobby(self, to: Sequence[str] | None = None) -> None:
        recipients = list(to) if to is not None else self._interviewer_sids()
        if recipients:
            waiting = [p.public() for p in self.waiting.values() if p.sid is not None]
            await self.emitter.emit(self.events.waiting, {"waiting": waiting}, recipients)

    async def admit(self, sid: str, participant_id: str) -> None:
        """The interviewer lets a waiting candidate in."""
        self._require_interviewer(sid)
        waiting = self.waiting.get(participant_id)
        if waiting is None or waiting.sid is None:
            raise RoomError("not_waiting", "that candidate is not waiting in the lobby")
        await self._admit(waiting)
        await self._announce_lobby()

    async def _admit(self, waiting: Participant) -> None:
        self.waiting.pop(waiting.id, None)
        candidate_sid = waiting.sid
        if candidate_sid is None:
            return
        self.waiting_by_sid.pop(candidate_sid, None)
        known = self.participants.get(waiting.id)
        if known is None:
            self.participants[waiting.id] = waiting
            waiting.sid = None
            known = waiting
        known.admitted = True
        await self._enter(waiting.identity, candidate_sid)

    async def _enter(self, identity: Identity, sid: str) -> None:
        participant = self.participants.get(identity.participant_id)
        replaced_sid: str | None = None
        if participant is None and len(self.participants) >= self.settings.max_participants:
            raise RoomError(
                "room_full",
                f"this room already has {self.settings.max_participants} people in it; "
                "no one else can join",
            )
        if participant is None:
            participant = Participant(
                identity=identity,
                colour=COLOURS[self._colour_index % len(COLOURS)],
                sid=sid,
                chat_bucket=TokenBucket(self.limits.chat_per_second, self.limits.chat_burst),
            )
            self._colour_index += 1
            self.participants[identity.participant_id] = participant
        else:
            # The same person again (a reload, a second tab, the link opened anew): one
            # participant, under the name they gave this time.
            participant.identity = identity
            if participant.grace_task is not None:
                participant.grace_task.cancel()
                participant.grace_task = None
            replaced_sid = participant.sid
            if replaced_sid is not None:
                self.by_sid.pop(replaced_sid, None)
            participant.sid = sid
        participant.admitted = True  # in once: a reconnect comes straight back in
        self.by_sid[sid] = participant
        if replaced_sid is not None:
            await self.emitter.disconnect(replaced_sid)

        await self.emitter.emit(self.events.welcome, self._welcome(participant), [sid])
        await self.emitter.emit(
            self.events.code, encode_sync(SYNC_STEP1, self.code.state_vector()), [sid]
        )
        snapshot = self.awareness.snapshot()
        if snapshot:
            await self.emitter.emit(self.events.code, encode_awareness(snapshot), [sid])
        await self.emitter.emit(
            self.events.board, encode_sync(SYNC_STEP1, self.board.state_vector()), [sid]
        )
        if identity.role == "interviewer":
            state = self.notes.state_vector()
            await self.emitter.emit(self.events.notes, encode_sync(SYNC_STEP1, state), [sid])
        others = [s for s in self.by_sid if s != sid]
        await self.emitter.emit(self.events.joined, {"participant": participant.public()}, others)
        if identity.role == "interviewer":
            await self._interviewer_entered(sid)

    async def _interviewer_entered(self, sid: str) -> None:
        """The interview starts when its interviewer arrives; the lobby opens or is shown."""
        if not self._started and not self.ended:
            # In the background: the join (and the first sync behind it) does not wait for
            # the record's write.
            self._started = True
            self._spawn(self._mark_started(), "room-started")
        if self.ended:
            return
        if self.admit_manually:
            for waiting in self.waiting.values():
                await self._tell_waiting(waiting)  # "… is here and will let you in"
            await self._announce_lobby([sid])
            return
        for waiting in list(self.waiting.values()):
            await self._admit(waiting)
        await self._announce_lobby()

    def _welcome(self, participant: Participant) -> dict[str, Any]:
        ice = self.settings.ice(participant.id, relay_only=self.relay_only)
        role = participant.identity.role
        return {
            "protocol_version": self.protocol.version,
            "interview_id": self.id,
            "title": self.title,
            "self": participant.public(),
            "participants": [p.public() for p in self.participants.values()],
            "chat": list(self.chat),
            "settings": self._room_settings(),
            "ice_servers": list(ice.servers),
            "ice_transport_policy": ice.transport_policy,
            "read_only": self.ended,
            "run_in_flight": self.run_in_flight.started_payload() if self.run_in_flight else None,
            "last_run": self.last_run
            if role == "interviewer"
            else redact_run_for_candidate(self.last_run),
            "question": question_view(self.current_question, role)
            if self.current_question
            else None,
            "questions": [q.summary() for q in self.questions.values()]
            if role == "interviewer"
            else [],
            "last_test_run": finished_view(self.last_test_run, role)
            if self.last_test_run
            else None,
        }

    async def disconnect(self, sid: str) -> None:
        """A socket went away: keep the participant for the grace period, then forget them."""
        waiting = self.waiting_by_sid.pop(sid, None)
        if waiting is not None:
            if waiting.sid == sid:
                self.waiting.pop(waiting.id, None)
                await self._announce_lobby()
            return
        participant = self.by_sid.pop(sid, None)
        if participant is None or participant.sid != sid:
            return
        participant.sid = None
        await self.emitter.emit(
            self.events.away, {"participant_id": participant.id}, self.connected_sids
        )
        participant.grace_task = self._spawn(self._expire(participant), f"grace-{participant.id}")
        if not self.by_sid:
            await self.log.flush()
            await self.save_now()

    async def _expire(self, participant: Participant) -> None:
        await asyncio.sleep(self.settings.grace_seconds)
        participant.grace_task = None
        if participant.sid is not None:
            return
        self.participants.pop(participant.id, None)
        removed = self.awareness.remove_owner(participant.id)
        if removed:
            await self.emitter.emit(
                self.events.code, encode_awareness(removed), self.connected_sids
            )
        await self.emitter.emit(
            self.events.left, {"participant_id": participant.id}, self.connected_sids
        )

    # ---- documents -------------------------------------------------------------------------

    async def handle_code(self, sid: str, data: bytes) -> int:
        """One y-protocols message on the code doc; returns the log position to await for an ack."""
        participant = self.participant(sid)
        try:
            message = parse_message(data)
        except WireError as exc:
            raise RoomError("invalid_sync_message", f"not a y-protocols message: {exc}") from None
        if isinstance(message, AwarenessQuery):
            snapshot = self.awareness.snapshot()
            await self.emitter.emit(self.events.code, encode_awareness(snapshot), [sid])
            return self.log.appended
        if isinstance(message, AwarenessMessage):
            entries = tuple(
                checked_entry(
                    entry,
                    participant_id=participant.id,
                    name=participant.identity.name,
                    colour=participant.colour,
                )
                for entry in message.entries
            )
            changed = self.awareness.apply(participant.id, entries)
            if changed:
                others = [s for s in self.by_sid if s != sid]
                await self.emitter.emit(self.events.code, encode_awareness(changed), others)
            return self.log.appended
        return await self._handle_sync(
            participant, sid, "code", self.code, message.kind, message.payload
        )

    async def handle_board(self, sid: str, data: bytes) -> int:
        """One y-protocols sync message on the whiteboard; a locked board takes only the
        interviewer's updates (a candidate may still ask for the scene with sync step 1)."""
        participant = self.participant(sid)
        try:
            message = parse_message(data)
        except WireError as exc:
            raise RoomError("invalid_sync_message", f"not a y-protocols message: {exc}") from None
        if not isinstance(message, SyncMessage):
            raise RoomError("invalid_sync_message", "the whiteboard carries no awareness")
        if (
            message.kind != SYNC_STEP1
            and self.board_locked
            and participant.identity.role == "candidate"
        ):
            raise RoomError("board_locked", "the interviewer has locked the whiteboard")
        return await self._handle_sync(
            participant, sid, "board", self.board, message.kind, message.payload
        )

    async def handle_notes(self, sid: str, data: bytes) -> int:
        participant = self.participant(sid)
        if participant.identity.role != "interviewer":
            raise RoomError("forbidden", "only the interviewer may use the notes")
        try:
            message = parse_message(data)
        except WireError as exc:
            raise RoomError("invalid_sync_message", f"not a y-protocols message: {exc}") from None
        if not isinstance(message, SyncMessage):
            raise RoomError("invalid_sync_message", "the notes document carries no awareness")
        return await self._handle_sync(
            participant, sid, "notes", self.notes, message.kind, message.payload
        )

    async def _handle_sync(
        self,
        participant: Participant,
        sid: str,
        doc_name: str,
        doc: SyncedDoc,
        kind: int,
        payload: bytes,
    ) -> int:
        event = self.protocol.docs[doc_name].event
        if kind == SYNC_STEP1:
            try:
                diff = doc.diff(payload)
            except UpdateRejectedError as exc:
                raise RoomError(exc.code, exc.message) from None
            await self.emitter.emit(event, encode_sync(SYNC_STEP2, diff), [sid])
            return self.log.appended
        if self.ended:
            raise RoomError("room_ended", "the interview has ended; the documents are read-only")
        if self.moving:
            raise RoomError("room_moved", "the room is moving to another server; reconnecting")
        self._check_bounds(doc_name, doc, len(payload))
        language_before = self.language() if doc is self.code else None
        try:
            produced = doc.apply(payload)
        except UpdateRejectedError as exc:
            if exc.code == "update_not_applied":
                # Ask for what is missing: a y-protocols client answers step 1 with step 2.
                await self.emitter.emit(event, encode_sync(SYNC_STEP1, doc.state_vector()), [sid])
            raise RoomError(exc.code, exc.message) from None
        if not produced:
            return self.log.appended
        private = self.protocol.docs[doc_name].interviewer_only
        recipients = [
            s
            for s, p in self.by_sid.items()
            if s != sid and (not private or p.identity.role == "interviewer")
        ]
        seq = 0
        # Log before relaying: the document already holds the update, so the log must too,
        # whatever happens to the sockets.
        for update in produced:
            seq = self._log_update(doc_name, participant, update)
        self._schedule_save()
        for update in produced:
            await self.emitter.emit(event, encode_sync(SYNC_UPDATE, update), recipients)
        if language_before is not None and self.language() != language_before:
            # Said by the room, from the socket's identity: an update cannot claim an author.
            changed = {
                "language": self.language(),
                "previous": language_before,
                "changed_by": {
                    "participant_id": participant.id,
                    "name": participant.identity.name,
                    "role": participant.identity.role,
                },
            }
            await self.emitter.emit(self.events.language, changed, self.connected_sids)
        return seq

    def _check_bounds(self, doc_name: str, doc: SyncedDoc, incoming: int) -> None:
        """Refuses an update that would take the document or the interview's log past its bound,
        before it is applied (a CRDT update cannot be taken back). The document's running size
        over-counts what merging dropped, so it is measured exactly before refusing."""
        limit = self.settings.max_doc_bytes
        if doc.size + incoming > limit and doc.measure() + incoming > limit:
            raise RoomError(
                "document_too_large",
                f"the {doc_name} document would grow past {limit // 1024} KiB; "
                "this change was not applied",
            )
        if self.log_bytes + incoming > self.settings.max_log_bytes:
            raise RoomError(
                "room_log_full",
                "this interview's history has reached its size limit; no more changes are kept",
            )

    def _log_update(self, doc_name: str, participant: Participant | None, update: bytes) -> int:
        self.log_bytes += len(update)
        return self.log.append(
            LoggedUpdate(
                interview_id=self.id,
                doc=doc_name,
                participant_id=participant.id if participant else "server",
                author_name=participant.identity.name if participant else "Onsite",
                author_role=participant.identity.role if participant else "server",
                created_at=datetime.now(UTC),
                update=update,
            )
        )

    def language(self) -> str:
        value = self.code.meta_value("language")
        return value if isinstance(value, str) and value else self.default_language

    def _schedule_save(self) -> None:
        if self._save_task is None:
            self._save_task = self._spawn(self._save_later(), "room-save")

    async def _save_later(self) -> None:
        # Jittered: rooms that start together (every room reconnects at once after a server
        # restart) would otherwise all save in the same instant every few seconds, and that
        # burst of ORM work was the whole p99.9 tail at 200 rooms (31-42 ms, 16-17 with jitter).
        await asyncio.sleep(self.settings.save_delay_s * random.uniform(0.75, 1.25))
        self._save_task = None
        try:
            await self.save_now()
        except Exception:
            log.exception("saving room %s failed", self.id)

    async def save_now(self) -> None:
        state = (self.code.content(), self.language(), self.notes.content())
        if state == self._saved:
            return
        await self.store.save_state(self.id, *state)
        self._saved = state

    # ---- chat ------------------------------------------------------------------------------

    async def send_chat(self, sid: str, text: str) -> None:
        participant = self.participant(sid)
        if self.ended:
            raise RoomError("room_ended", "the interview has ended")
        text = text.strip()
        if not text:
            raise RoomError("invalid_payload", "a chat message needs some text")
        if len(text) > self.limits.chat_max_chars:
            raise RoomError(
                "payload_too_large",
                f"chat messages are at most {self.limits.chat_max_chars} characters",
            )
        if not participant.chat_bucket.take():
            raise RoomError("rate_limited", "you are sending chat messages too fast; wait a moment")
        message = {
            "id": uuid.uuid4().hex,
            "participant_id": participant.id,
            "author_name": participant.identity.name,
            "author_role": participant.identity.role,
            "text": text,
            "sent_at": datetime.now(UTC).isoformat(),
        }
        await self.store.append_chat(self.id, message)
        self.chat.append(message)
        del self.chat[: -self.limits.chat_history]
        await self.emitter.emit(self.events.chat, message, self.connected_sids)

    # ---- runs ------------------------------------------------------------------------------

    async def start_run(self, sid: str, stdin: str | None = None) -> str:
        """Runs the shared code with the shared input (``stdin``, if given, stands in for it:
        API clients and tests that drive the room without a document of their own)."""
        participant = self.participant(sid)
        if self.ended:
            raise RoomError("room_ended", "the interview has ended")
        if participant.identity.role == "candidate" and not self.candidate_can_run:
            raise RoomError("run_disabled", "the interviewer has turned off running code for now")
        if self.run_in_flight is not None:
            who = self.run_in_flight.started_by.name
            raise RoomError("run_in_progress", f"a run started by {who} is still in progress")
        identity = participant.identity
        stdin = self.code.stdin_content() if stdin is None else stdin
        if len(stdin) > self.limits.stdin_max_chars:
            raise RoomError(
                "payload_too_large",
                f"the standard input is longer than {self.limits.stdin_max_chars} characters",
            )
        run = RoomRun(
            started_by=Starter(identity.participant_id, identity.name, identity.role),
            language=self.language(),
            stdin=stdin,
            source=self.code.content(),
        )
        self.run_in_flight = run
        self._spawn(self._run(run, sid), f"run-{run.run_id}")
        return run.run_id

    async def _run(self, run: RoomRun, sid: str) -> None:
        try:
            run.running()
            await self.emitter.emit(
                self.events.run_started, run.started_payload(), self.connected_sids
            )
            request = RunRequest(language=run.language, source=run.source, stdin=run.stdin)
            try:
                run.finish(result=(await self.engine.run(request)).to_dict())
            except EngineError as exc:
                run.finish(error={"code": exc.code, "message": exc.message})
            except Exception:
                log.exception("run %s in room %s failed", run.run_id, self.id)
                run.finish(
                    error={"code": "internal_error", "message": "the run failed on our side"}
                )
            if run.result is not None:
                try:
                    await self.store.append_run(
                        self.id,
                        run.started_by.name,
                        run.language,
                        run.stdin,
                        run.result,
                        source=run.source,
                    )
                except Exception:
                    log.exception("recording run %s failed", run.run_id)
        finally:
            self.run_in_flight = None
        finished = run.finished_payload()
        self.last_run = finished
        await self.emitter.emit(self.events.run_finished, finished, self.connected_sids)
        if run.error is not None and sid in self.by_sid:
            error = {**run.error, "event": self.protocol.handles.run}
            await self.emitter.emit(self.events.error, error, [sid])

    def _room_settings(self) -> dict[str, Any]:
        return {
            "candidate_can_run": self.candidate_can_run,
            "board_locked": self.board_locked,
            "relay_only": self.relay_only,
        }

    async def _announce_settings(self) -> None:
        await self.emitter.emit(self.events.settings, self._room_settings(), self.connected_sids)

    async def set_candidate_can_run(self, sid: str, allowed: bool) -> None:
        self._require_interviewer(sid)
        self.candidate_can_run = allowed
        await self._announce_settings()

    async def set_board_locked(self, sid: str, locked: bool) -> None:
        self._require_interviewer(sid)
        self.board_locked = locked
        await self._announce_settings()

    async def set_relay_only(self, sid: str, relay_only: bool) -> None:
        """Relay-only video for this room; refused when no TURN server could relay it (the
        clients would then never connect), and it cannot loosen the installation's setting."""
        participant = self._require_interviewer(sid)
        if relay_only and self.settings.ice(participant.id, relay_only=True).transport_policy != (
            "relay"
        ):
            raise RoomError(
                "relay_unavailable", "relay-only video needs the installation's TURN server"
            )
        if not relay_only and self.settings.ice(participant.id).transport_policy == "relay":
            raise RoomError(
                "relay_required", "this installation relays all video; it cannot be turned off"
            )
        self.relay_only = relay_only
        await self._announce_settings()

    # ---- questions and test runs -----------------------------------------------------------

    def _sids_by_role(self) -> tuple[list[str], list[str]]:
        interviewers = [s for s, p in self.by_sid.items() if p.identity.role == "interviewer"]
        candidates = [s for s, p in self.by_sid.items() if p.identity.role != "interviewer"]
        return interviewers, candidates

    async def _emit_by_role(self, event: str, make: Callable[[str], dict[str, Any]]) -> None:
        """One payload per role: the candidates' copy is computed apart, never filtered from
        the interviewers' after the fact."""
        interviewers, candidates = self._sids_by_role()
        if interviewers:
            await self.emitter.emit(event, make("interviewer"), interviewers)
        if candidates:
            await self.emitter.emit(event, make("candidate"), candidates)

    async def load_question(self, sid: str, question_id: str) -> RoomQuestionSpec:
        participant = self._require_interviewer(sid)
        if self.ended:
            raise RoomError("room_ended", "the interview has ended")
        user_id = participant.id.removeprefix("i")
        spec = await self.store.load_question(self.id, user_id, question_id)
        self.questions[spec.question_id] = spec
        self.current_question = spec
        loaded_by = {"participant_id": participant.id, "name": participant.identity.name}
        await self._emit_by_role(
            self.events.question_loaded,
            lambda role: {"question": question_view(spec, role), "loaded_by": loaded_by},
        )
        return spec

    async def run_tests(self, sid: str) -> str:
        participant = self.participant(sid)
        if self.ended:
            raise RoomError("room_ended", "the interview has ended")
        if participant.identity.role == "candidate" and not self.candidate_can_run:
            raise RoomError("run_disabled", "the interviewer has turned off running code for now")
        question = self.current_question
        if question is None:
            raise RoomError("no_question", "load a question before running its tests")
        if not question.tests:
            raise RoomError("no_tests", f"the question {question.title!r} has no tests")
        if self.run_in_flight is not None:
            who = self.run_in_flight.started_by.name
            raise RoomError("run_in_progress", f"a run started by {who} is still in progress")
        identity = participant.identity
        run = RoomRun(
            started_by=Starter(identity.participant_id, identity.name, identity.role),
            language=self.language(),
            stdin="",
        )
        self.run_in_flight = run
        source = self.code.content()
        self._spawn(self._run_tests(run, question, source, sid), f"tests-{run.run_id}")
        return run.run_id

    async def _run_tests(
        self, run: RoomRun, question: RoomQuestionSpec, source: str, sid: str
    ) -> None:
        try:
            run.running()
            started = {**run.started_payload(), "question_id": question.question_id}
            started.pop("stdin", None)
            await self.emitter.emit(self.events.tests_started, started, self.connected_sids)
            request = test_request(question, run.language, source)
            try:
                result = (await self.engine.run(request)).to_dict()
                run.finish(result=full_result(question, result))
            except EngineError as exc:
                run.finish(error={"code": exc.code, "message": exc.message})
            except Exception:
                log.exception("test run %s in room %s failed", run.run_id, self.id)
                run.finish(
                    error={"code": "internal_error", "message": "the test run failed on our side"}
                )
            if run.result is not None:
                try:
                    await self.store.append_run(
                        self.id, run.started_by.name, run.language, "", run.result, source=source
                    )
                except Exception:
                    log.exception("recording test run %s failed", run.run_id)
        finally:
            self.run_in_flight = None
        finished = {**run.finished_payload(), "question_id": question.question_id}
        self.last_test_run = finished
        await self._emit_by_role(
            self.events.tests_finished, lambda role: finished_view(finished, role)
        )
        if run.error is not None and sid in self.by_sid:
            error = {**run.error, "event": self.protocol.handles.tests}
            await self.emitter.emit(self.events.error, error, [sid])

    # ---- what the participants did ---------------------------------------------------------

    async def report_activity(self, sid: str, kind: str, chars: int | None) -> None:
        """Stores a client's report with the server's time and shows it to the interviewers.
        Leaving (``blur``, ``hidden``) starts a clock that returning (``focus``, ``visible``)
        reads, so "left the tab for 38 s" is measured here, not claimed by the client."""
        participant = self.participant(sid)
        if self.ended:
            raise RoomError("room_ended", "the interview has ended")
        if kind == "paste" and chars is None:
            raise RoomError("invalid_payload", "a paste report needs its size in chars")
        cap = self.settings.max_activity_reports
        if participant.activity_reports >= cap:
            raise RoomError(
                "rate_limited", f"at most {cap} activity reports per participant and room"
            )
        participant.activity_reports += 1
        now = datetime.now(UTC)
        away_ms: int | None = None
        if kind in ("blur", "hidden"):
            participant.away_since.setdefault(kind, now)
        elif kind in ("focus", "visible"):
            left = participant.away_since.pop("blur" if kind == "focus" else "hidden", None)
            if left is not None:
                away_ms = int((now - left).total_seconds() * 1000)
        detail: dict[str, Any] = {}
        if kind == "paste":
            detail["chars"] = chars
        if away_ms is not None:
            detail["away_ms"] = away_ms
        await self.store.append_event(self.id, participant.identity, kind, detail)
        interviewers, _ = self._sids_by_role()
        mark = {
            "participant_id": participant.id,
            "name": participant.identity.name,
            "role": participant.identity.role,
            "kind": kind,
            "chars": chars if kind == "paste" else None,
            "away_ms": away_ms,
            "at": now.isoformat(),
        }
        if interviewers:
            await self.emitter.emit(self.events.activity, mark, interviewers)

    # ---- signalling ------------------------------------------------------------------------

    async def relay_signal(self, sid: str, to: str, kind: str, data: Any) -> None:
        participant = self.participant(sid)
        peer = self.participants.get(to)
        if peer is None or peer.sid is None or peer.id == participant.id:
            raise RoomError("unknown_peer", "that participant is not connected to this room")
        await self.emitter.emit(
            self.events.signal, {"from": participant.id, "kind": kind, "data": data}, [peer.sid]
        )

    # ---- ending ----------------------------------------------------------------------------

    def _require_interviewer(self, sid: str) -> Participant:
        participant = self.participant(sid)
        if participant.identity.role != "interviewer":
            raise RoomError("forbidden", "only the interviewer may do that")
        return participant

    async def evict_everyone(self, code: str, message: str) -> None:
        """The record is going away (purged, its owner's account deleted): refuse every update
        from now on, tell everyone why, and disconnect them. The registry closes the room."""
        self.ended = True
        sids = self.connected_sids + list(self.waiting_by_sid)
        await self.emitter.emit(self.events.error, {"code": code, "message": message}, sids)
        for sid in sids:
            with contextlib.suppress(Exception):
                await self.emitter.disconnect(sid)

    async def move_away(self, message: str, retry_after_ms: int) -> None:
        """Another process takes the room over: refuse updates from now on, and tell every
        socket (room and lobby) to reconnect after ``retry_after_ms``; the registry then
        closes the room, which writes the log, before it lets go of the lock."""
        self.moving = True
        sids = self.connected_sids + list(self.waiting_by_sid)
        moved = {
            "code": "room_moved",
            "message": message,
            "event": None,
            "retry_after_ms": retry_after_ms,
        }
        await self.emitter.emit(self.events.error, moved, sids)
        for sid in sids:
            with contextlib.suppress(Exception):
                await self.emitter.disconnect(sid)

    async def send_candidates_away(self, code: str, message: str) -> None:
        """The join link was rotated: every candidate connected with a token of the old link is
        told why and disconnected (a new token from the new link lets them back in)."""
        candidates = [s for s, p in self.by_sid.items() if p.identity.role == "candidate"]
        await self.emitter.emit(self.events.error, {"code": code, "message": message}, candidates)
        for sid in candidates:
            with contextlib.suppress(Exception):
                await self.emitter.disconnect(sid)

    async def end(self, sid: str) -> None:
        self._require_interviewer(sid)
        await self.end_now()

    async def end_now(self) -> None:
        """Ends the interview (from the room's interviewer, or REST on the owning process)."""
        if self.ended:
            raise RoomError("room_ended", "the interview has already ended")
        self.ended = True  # from here on updates are refused, so the final code is final
        code, language, notes = self.code.content(), self.language(), self.notes.content()
        try:
            await self.log.flush()
            await self.store.complete(self.id, code, language, notes)
        except BaseException:
            self.ended = False  # nothing was completed; the interviewer can try again
            raise
        ended = {
            "final_code": code,
            "language": language,
            "ended_at": datetime.now(UTC).isoformat(),
        }
        lobby = list(self.waiting_by_sid)
        await self.emitter.emit(self.events.ended, ended, self.connected_sids + lobby)
        for lobby_sid in lobby:
            with contextlib.suppress(Exception):
                await self.emitter.disconnect(lobby_sid)
        for other_sid, participant in list(self.by_sid.items()):
            if participant.identity.role == "candidate":
                with contextlib.suppress(Exception):
                    await self.emitter.disconnect(other_sid)
