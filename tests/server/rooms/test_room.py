"""``Room`` driven directly: a fake emitter, an in-memory store, the fake engine; no server.

Each test takes milliseconds: join, sync, notes access, chat, a run from start to finish, the
end. The live-server tests (``test_events_live.py`` and friends) keep covering the wire.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from pycrdt import Doc, Text

from server.rooms.errors import RoomError
from server.rooms.protocol import get_protocol
from server.rooms.questions import RoomQuestionSpec
from server.rooms.room import Identity, Room, RoomSeed, RoomSettings, RoomState
from server.rooms.run import RoomRun, RunState, Starter
from server.rooms.update_log import LoggedUpdate
from server.rooms.wire import (
    SYNC_STEP1,
    SYNC_STEP2,
    SYNC_UPDATE,
    AwarenessEntry,
    AwarenessMessage,
    encode_awareness,
    encode_sync,
    parse_message,
)
from tests.support.fake_engine import FakeEngine

PROTOCOL = get_protocol()
EVENTS = PROTOCOL.emits
ADA = Identity("iada", "interviewer", "Ada")
GRACE = Identity("cgrace", "candidate", "Grace")


@dataclass
class Sent:
    event: str
    data: Any
    to: tuple[str, ...]


@dataclass
class FakeEmitter:
    sent: list[Sent] = field(default_factory=list)
    disconnected: list[str] = field(default_factory=list)
    seen: defaultdict[str, asyncio.Event] = field(
        default_factory=lambda: defaultdict(asyncio.Event)
    )

    async def emit(self, event: str, data: Any, to: Sequence[str]) -> None:
        self.sent.append(Sent(event, data, tuple(to)))
        self.seen[event].set()

    async def emitted(self, event: str) -> None:
        """Returns once ``event`` has been emitted (at once if it already was)."""
        async with asyncio.timeout(5):
            await self.seen[event].wait()

    async def disconnect(self, sid: str) -> None:
        self.disconnected.append(sid)

    def to(self, sid: str, event: str) -> list[Any]:
        """What ``sid`` received of ``event``, oldest first."""
        return [s.data for s in self.sent if s.event == event and sid in s.to]


@dataclass
class MemoryStore:
    updates: list[LoggedUpdate] = field(default_factory=list)
    chat: list[dict[str, Any]] = field(default_factory=list)
    runs: list[tuple[str, str, str, dict[str, Any]]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    started: int = 0
    started_event: asyncio.Event = field(default_factory=asyncio.Event)
    saved: list[tuple[str, str, str]] = field(default_factory=list)
    completed: list[tuple[str, str, str]] = field(default_factory=list)
    bank: dict[str, RoomQuestionSpec] = field(default_factory=dict)
    """The questions ``load_question`` finds (any user sees them all)."""
    events: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    async def append_updates(self, rows: Sequence[LoggedUpdate]) -> None:
        self.updates.extend(rows)

    async def append_chat(self, interview_id: str, message: dict[str, Any]) -> None:
        self.chat.append(message)

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
        self.runs.append((started_by, language, stdin, result))
        self.sources.append(source)

    async def save_state(self, interview_id: str, code: str, language: str, notes: str) -> None:
        self.saved.append((code, language, notes))

    async def complete(self, interview_id: str, code: str, language: str, notes: str) -> None:
        self.completed.append((code, language, notes))

    async def load_question(
        self, interview_id: str, user_id: str, question_id: str
    ) -> RoomQuestionSpec:
        if question_id not in self.bank:
            raise RoomError("question_not_found", "no such question in your bank")
        return self.bank[question_id]

    async def append_event(
        self, interview_id: str, identity: Identity, kind: str, detail: dict[str, Any]
    ) -> None:
        self.events.append((identity.participant_id, kind, detail))

    async def start(self, interview_id: str) -> None:
        self.started += 1
        self.started_event.set()


@dataclass
class Harness:
    room: Room
    emitter: FakeEmitter
    store: MemoryStore
    engine: FakeEngine


def state_of(room: Room) -> RoomState:
    """Read afresh, so mypy does not narrow it across the awaits that change it."""
    return room.state


def seed(**changes: Any) -> RoomSeed:
    fields: dict[str, Any] = {
        "interview_id": "a" * 32,
        "title": "Pairing",
        "language": "python",
        "stub": "print('hi')\n",
        "ended": False,
    }
    fields.update(changes)
    return RoomSeed(**fields)


@pytest.fixture
async def harness() -> AsyncIterator[Harness]:
    emitter, store, engine = FakeEmitter(), MemoryStore(), FakeEngine()
    room = Room(
        seed(),
        store=store,
        engine=engine,
        emitter=emitter,
        protocol=PROTOCOL,
        settings=RoomSettings(grace_seconds=0.01, save_delay_s=0.01, log_flush_interval_s=0.001),
    )
    async with room:
        yield Harness(room, emitter, store, engine)
    assert room.state is RoomState.CLOSED


async def test_a_room_opens_once_and_closes_twice_safely(harness: Harness) -> None:
    room = harness.room
    assert room.state == RoomState.OPEN
    with pytest.raises(RuntimeError, match="already open"):
        await room.start()
    await room.close()
    await room.close()
    assert state_of(room) == RoomState.CLOSED


async def test_join_welcomes_and_announces(harness: Harness) -> None:
    room, emitter = harness.room, harness.emitter
    await room.join(ADA, "s-ada")
    await room.join(GRACE, "s-grace")
    [welcome] = emitter.to("s-grace", EVENTS.welcome)
    assert welcome["self"]["name"] == "Grace" and welcome["read_only"] is False
    assert {p["name"] for p in welcome["participants"]} == {"Ada", "Grace"}
    assert welcome["protocol_version"] == PROTOCOL.version
    [joined] = emitter.to("s-ada", EVENTS.joined)
    assert joined["participant"]["role"] == "candidate"
    # Both get sync step 1 of the code; only the interviewer gets the notes'.
    assert parse_message(emitter.to("s-grace", EVENTS.code)[0]).kind == SYNC_STEP1  # type: ignore[union-attr]
    assert emitter.to("s-ada", EVENTS.notes) and not emitter.to("s-grace", EVENTS.notes)


async def test_sync_gives_the_seeded_code_and_relays_edits(harness: Harness) -> None:
    room, emitter = harness.room, harness.emitter
    await room.join(ADA, "s-ada")
    await room.join(GRACE, "s-grace")
    client: Doc[Any] = Doc()
    client["code"] = text = Text()
    await room.handle_code("s-grace", encode_sync(SYNC_STEP1, client.get_state()))
    step2 = parse_message(emitter.to("s-grace", EVENTS.code)[-1])
    assert step2.kind == SYNC_STEP2  # type: ignore[union-attr]
    client.apply_update(step2.payload)  # type: ignore[union-attr]
    assert str(text) == "print('hi')\n"

    before = client.get_state()
    text += "# more\n"
    update = client.get_update(before)
    seq = await room.handle_code("s-grace", encode_sync(SYNC_UPDATE, update))
    await room.log.wait_flushed(seq)
    assert room.code.content() == "print('hi')\n# more\n"
    relayed = emitter.to("s-ada", EVENTS.code)[-1]
    assert parse_message(relayed).kind == SYNC_UPDATE  # type: ignore[union-attr]
    kinds_to_sender = [parse_message(m) for m in emitter.to("s-grace", EVENTS.code)]
    assert SYNC_UPDATE not in [getattr(m, "kind", None) for m in kinds_to_sender]  # no echo
    assert [u.doc for u in harness.store.updates][-1] == "code"


async def test_candidates_never_touch_the_notes(harness: Harness) -> None:
    room = harness.room
    await room.join(ADA, "s-ada")
    await room.join(GRACE, "s-grace")
    with pytest.raises(RoomError) as info:
        await room.handle_notes("s-grace", encode_sync(SYNC_STEP1, Doc().get_state()))
    assert info.value.code == "forbidden"


async def test_chat_is_stored_and_broadcast(harness: Harness) -> None:
    room, emitter = harness.room, harness.emitter
    await room.join(ADA, "s-ada")
    await room.join(GRACE, "s-grace")
    await room.send_chat("s-grace", "  hello  ")
    [message] = emitter.to("s-ada", EVENTS.chat)
    assert message["text"] == "hello" and message["author_role"] == "candidate"
    assert harness.store.chat == [message] and emitter.to("s-grace", EVENTS.chat) == [message]
    with pytest.raises(RoomError) as info:
        await room.send_chat("s-grace", "   ")
    assert info.value.code == "invalid_payload"


async def test_a_run_starts_finishes_and_is_recorded(harness: Harness) -> None:
    room, emitter = harness.room, harness.emitter
    await room.join(ADA, "s-ada")
    await room.join(GRACE, "s-grace")
    harness.engine.delay_s = 0.01
    run_id = await room.start_run("s-grace", "42\n")
    with pytest.raises(RoomError) as info:
        await room.start_run("s-ada", "again")
    assert info.value.code == "run_in_progress"
    await emitter.emitted(EVENTS.run_finished)
    [started] = emitter.to("s-ada", EVENTS.run_started)
    [finished] = emitter.to("s-ada", EVENTS.run_finished)
    assert started["run_id"] == finished["run_id"] == run_id
    assert finished["result"]["run"]["stdout"] == "42\n" and finished["error"] is None
    assert room.last_run == finished
    assert harness.store.runs[0][:3] == ("Grace", "python", "42\n")


async def test_a_run_uses_the_shared_input_and_keeps_its_source(harness: Harness) -> None:
    """The input box is part of the code document: whoever presses Run, the run gets what the
    room's box holds, and run:finished says which input it was (issue 11: 'Standard input is
    private to each person')."""
    room, emitter = harness.room, harness.emitter
    await room.join(ADA, "s-ada")
    await room.join(GRACE, "s-grace")
    ada: Doc[Any] = Doc()
    ada["code"] = Text()
    ada["stdin"] = stdin = Text()
    await room.handle_code("s-ada", encode_sync(SYNC_STEP1, ada.get_state()))
    ada.apply_update(parse_message(emitter.to("s-ada", EVENTS.code)[-1]).payload)  # type: ignore[union-attr]
    before = ada.get_state()
    stdin += "3 4\n"
    await room.handle_code("s-ada", encode_sync(SYNC_UPDATE, ada.get_update(before)))
    # Grace runs without sending any input of her own: the room's box is used.
    await room.start_run("s-grace")
    await emitter.emitted(EVENTS.run_finished)
    [started] = emitter.to("s-ada", EVENTS.run_started)
    [finished] = emitter.to("s-grace", EVENTS.run_finished)
    assert started["stdin"] == finished["stdin"] == "3 4\n"
    assert finished["result"]["run"]["stdout"] == "3 4\n"
    assert harness.store.runs[0][2] == "3 4\n"
    assert harness.store.sources == ["print('hi')\n"]


async def test_the_interviewer_can_stop_candidate_runs(harness: Harness) -> None:
    room, emitter = harness.room, harness.emitter
    await room.join(ADA, "s-ada")
    await room.join(GRACE, "s-grace")
    with pytest.raises(RoomError):
        await room.set_candidate_can_run("s-grace", False)
    await room.set_candidate_can_run("s-ada", False)
    assert emitter.to("s-grace", EVENTS.settings) == [
        {"candidate_can_run": False, "board_locked": False, "relay_only": False}
    ]
    with pytest.raises(RoomError) as info:
        await room.start_run("s-grace", "")
    assert info.value.code == "run_disabled"


async def test_an_engine_error_finishes_the_run_with_it(harness: Harness) -> None:
    room, emitter = harness.room, harness.emitter
    await room.join(ADA, "s-ada")
    harness.engine.busy = True
    await room.start_run("s-ada", "")
    await emitter.emitted(EVENTS.run_finished)
    [finished] = emitter.to("s-ada", EVENTS.run_finished)
    assert finished["result"] is None and finished["error"]["code"] == "busy"
    [error] = emitter.to("s-ada", EVENTS.error)
    assert error["event"] == PROTOCOL.handles.run
    assert harness.store.runs == []


async def test_end_completes_the_record_and_sends_candidates_away(harness: Harness) -> None:
    room, emitter = harness.room, harness.emitter
    await room.join(ADA, "s-ada")
    await room.join(GRACE, "s-grace")
    with pytest.raises(RoomError):
        await room.end("s-grace")
    await room.end("s-ada")
    [ended] = emitter.to("s-grace", EVENTS.ended)
    assert ended["final_code"] == "print('hi')\n" and ended["language"] == "python"
    assert harness.store.completed == [("print('hi')\n", "python", "")]
    assert emitter.disconnected == ["s-grace"]
    with pytest.raises(RoomError) as info:
        await room.send_chat("s-ada", "after")
    assert info.value.code == "room_ended"


async def test_a_dropped_participant_is_away_then_gone(harness: Harness) -> None:
    room, emitter = harness.room, harness.emitter
    await room.join(ADA, "s-ada")
    await room.join(GRACE, "s-grace")
    await room.disconnect("s-grace")
    assert emitter.to("s-ada", EVENTS.away) == [{"participant_id": GRACE.participant_id}]
    await asyncio.sleep(0.05)  # grace_seconds is 0.01
    assert emitter.to("s-ada", EVENTS.left) == [{"participant_id": GRACE.participant_id}]
    assert GRACE.participant_id not in room.participants


def test_a_run_only_moves_forward() -> None:
    run = RoomRun(Starter("iada", "Ada", "interviewer"), "python", "")
    with pytest.raises(RuntimeError):
        run.finished_payload()
    with pytest.raises(RuntimeError):
        run.finish(result={})
    run.running()
    run.finish(error={"code": "engine_busy", "message": "busy"})
    assert (
        run.state is RunState.FINISHED and run.finished_payload()["error"]["code"] == "engine_busy"
    )
    with pytest.raises(RuntimeError):
        run.running()


async def test_awareness_is_relayed_as_the_room_knows_the_sender(harness: Harness) -> None:
    """A candidate cannot restyle the interviewer's page through its cursor colour, nor show up
    under another name or claim another participant's camera."""
    room, emitter = harness.room, harness.emitter
    await room.join(ADA, "s-ada")
    await room.join(GRACE, "s-grace")
    forged = {
        "user": {
            "name": "Interviewer",
            "color": "red;position:fixed;inset:0;background:url(//x/p)",
            "colorLight": "rgba(1, 2, 3, 0.25);}*{display:none",
        },
        "media": {"pid": "iada", "camera": "yes", "screen": True},
        "cursor": {"anchor": 1, "head": 2},
    }
    await room.handle_code("s-grace", encode_awareness([AwarenessEntry(7, 1, forged)]))
    relayed = parse_message(emitter.to("s-ada", EVENTS.code)[-1])
    assert isinstance(relayed, AwarenessMessage)
    [entry] = relayed.entries
    assert entry.state is not None
    grace = next(p for p in room.participants.values() if p.identity.name == "Grace")
    assert entry.state["user"] == {
        "name": "Grace",
        "color": grace.colour,
        "colorLight": grace.colour + "40",
    }
    assert entry.state["media"] == {"pid": grace.id, "camera": False, "screen": True}
    assert entry.state["cursor"] == {"anchor": 1, "head": 2}
    # what a newcomer gets is the checked state too
    assert room.awareness.snapshot()[0].state == entry.state
    # an honest state passes unchanged
    honest = {
        "user": {"name": "Grace", "color": "#3cb44b", "colorLight": "rgba(60, 180, 75, 0.25)"}
    }
    await room.handle_code("s-grace", encode_awareness([AwarenessEntry(7, 2, honest)]))
    again = parse_message(emitter.to("s-ada", EVENTS.code)[-1])
    assert isinstance(again, AwarenessMessage)
    assert again.entries[0].state == honest


# ---- the lobby -----------------------------------------------------------------------------


async def started_once(store: MemoryStore) -> None:
    """The record is marked in progress in the background: wait for it."""
    async with asyncio.timeout(5):
        await store.started_event.wait()
    assert store.started == 1


async def test_a_candidate_waits_in_the_lobby_until_the_interviewer_arrives(
    harness: Harness,
) -> None:
    """Early, alone: no document, no edits, no runs, the record not started (issue 11, 'No
    waiting room'); the interviewer's arrival lets them in and starts the interview."""
    room, emitter = harness.room, harness.emitter
    await room.join(GRACE, "s-grace")
    [lobby] = emitter.to("s-grace", EVENTS.lobby)
    assert lobby["reason"] == "no_interviewer" and "starts when" in lobby["message"]
    assert not emitter.to("s-grace", EVENTS.welcome) and not emitter.to("s-grace", EVENTS.code)
    assert harness.store.started == 0 and room.has_sockets and not room.connected_sids
    for attempt in (
        room.handle_code("s-grace", encode_sync(SYNC_STEP1, Doc().get_state())),
        room.send_chat("s-grace", "hello?"),
        room.start_run("s-grace"),
    ):
        with pytest.raises(RoomError) as info:
            await attempt
        assert info.value.code == "in_lobby"

    await room.join(ADA, "s-ada")
    await started_once(harness.store)
    [welcome] = emitter.to("s-grace", EVENTS.welcome)
    assert {p["name"] for p in welcome["participants"]} == {"Ada", "Grace"}
    assert emitter.to("s-ada", EVENTS.waiting)[-1] == {"waiting": []}
    # In once, in for good: a reconnect while the interviewer steps out comes straight back.
    await room.disconnect("s-ada")
    await room.disconnect("s-grace")
    await room.join(GRACE, "s-grace-2")
    assert emitter.to("s-grace-2", EVENTS.welcome)
    await room.join(ADA, "s-ada-2")
    await asyncio.sleep(0.01)
    assert harness.store.started == 1  # started once


async def test_an_interviewer_who_admits_candidates_lets_them_in(harness: Harness) -> None:
    room, emitter = harness.room, harness.emitter
    room.admit_manually = True
    await room.join(ADA, "s-ada")
    await room.join(GRACE, "s-grace")
    [lobby] = emitter.to("s-grace", EVENTS.lobby)
    assert lobby["reason"] == "not_admitted"
    [waiting] = emitter.to("s-ada", EVENTS.waiting)[-1]["waiting"]
    assert waiting["name"] == "Grace" and waiting["participant_id"] == GRACE.participant_id
    with pytest.raises(RoomError) as info:
        await room.admit("s-grace", GRACE.participant_id)  # nobody lets themselves in
    assert info.value.code == "in_lobby"
    with pytest.raises(RoomError) as info:
        await room.admit("s-ada", "cnobody")
    assert info.value.code == "not_waiting"
    await room.admit("s-ada", GRACE.participant_id)
    assert emitter.to("s-grace", EVENTS.welcome)
    assert emitter.to("s-ada", EVENTS.waiting)[-1] == {"waiting": []}
    assert emitter.to("s-ada", EVENTS.joined)[-1]["participant"]["name"] == "Grace"


async def test_leaving_the_lobby_tells_the_interviewer(harness: Harness) -> None:
    room, emitter = harness.room, harness.emitter
    room.admit_manually = True
    await room.join(ADA, "s-ada")
    await room.join(GRACE, "s-grace")
    await room.disconnect("s-grace")
    assert emitter.to("s-ada", EVENTS.waiting)[-1] == {"waiting": []}
    assert not room.participants.get(GRACE.participant_id)
