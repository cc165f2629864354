"""The room's shared terminal: one interactive run at a time, seen by everyone at once.

``RoomTerminal`` belongs to one room (``TerminalHub`` keeps one per live room, beside the
``Room``, so the room's own module stays as it is): it starts an interactive session on the
engine (``runners.interactive``), fans every output chunk out to everyone in the room, keeps a
bounded scrollback for late joiners, runs the line discipline (``line_discipline``) for
whoever has the keyboard (``Keyboard``; the interviewer sets it, the server enforces it), and
when the run ends broadcasts its verdict and appends it to the record: a run whose result
carries ``terminal`` = ``{mode, transcript: [[ms, stream, text], ...], omitted_bytes}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from runners.contract import EngineError, RunRequest, RunResult
from runners.interactive import InteractiveEngine, InteractiveSession, OutputChunk, SessionMode
from server.rooms.errors import RoomError
from server.rooms.line_discipline import Action, LineDiscipline
from server.rooms.protocol import ClientEvents
from server.rooms.room import Room
from server.rooms.run import Starter

log = logging.getLogger(__name__)

SCROLLBACK_BYTES = 256 * 1024
"""Output a late joiner is sent (the newest; older chunks are dropped whole)."""
TRANSCRIPT_BYTES = 512 * 1024
"""Of a run's transcript kept in the record; the rest is counted in ``omitted_bytes``."""


class Keyboard(StrEnum):
    EVERYONE = "everyone"
    CANDIDATE = "candidate"
    INTERVIEWER = "interviewer"

    def allows(self, role: str) -> bool:
        return self is Keyboard.EVERYONE or self.value == role


@dataclass(slots=True)
class Transcript:
    """``[ms since start, stream, text]`` entries, bounded."""

    started: float = field(default_factory=time.monotonic)
    entries: list[list[Any]] = field(default_factory=list)
    size: int = 0
    omitted_bytes: int = 0

    def add(self, stream: str, data: bytes) -> None:
        if self.size + len(data) > TRANSCRIPT_BYTES:
            self.omitted_bytes += len(data)
            return
        self.size += len(data)
        ms = int((time.monotonic() - self.started) * 1000)
        self.entries.append([ms, stream, data.decode("utf-8", "replace")])


@dataclass(slots=True)
class TerminalRun:
    session: InteractiveSession
    mode: SessionMode
    language: str
    started_by: Starter
    session_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    discipline: LineDiscipline = field(default_factory=LineDiscipline)
    transcript: Transcript = field(default_factory=Transcript)
    scrollback: deque[dict[str, Any]] = field(default_factory=deque)
    scrollback_bytes: int = 0
    seq: int = 0
    stdin: list[str] = field(default_factory=list)
    source: str = ""
    """The code it ran, as the record keeps for every run."""

    def started_payload(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id,
            "mode": self.mode.value,
            "language": self.language,
            "started_by": self.started_by.payload(),
            "started_at": self.started_at.isoformat(),
        }


class RoomTerminal:
    def __init__(self, room: Room, engine: InteractiveEngine | None) -> None:
        self.room = room
        self.engine = engine
        self.events = room.protocol.emits
        self.keyboard = Keyboard.EVERYONE
        self.run: TerminalRun | None = None
        self.last: dict[str, Any] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    # -- state -------------------------------------------------------------------------------

    def state_payload(self) -> dict[str, Any]:
        run = self.run
        return {
            "keyboard": self.keyboard.value,
            "repl_languages": list(self.engine.repl_languages()) if self.engine else [],
            "running": run.started_payload() if run else None,
            "scrollback": list(run.scrollback) if run else [],
            "last": self.last,
        }

    async def send_state(self, sids: list[str]) -> None:
        await self.room.emitter.emit(self.events.terminal_state, self.state_payload(), sids)

    # -- commands ----------------------------------------------------------------------------

    async def start(self, sid: str, mode: SessionMode) -> str:
        participant = self.room.participant(sid)
        identity = participant.identity
        if self.room.ended:
            raise RoomError("room_ended", "the interview has ended")
        if identity.role == "candidate" and not self.room.candidate_can_run:
            raise RoomError("run_disabled", "the interviewer has turned off running code for now")
        if self.engine is None:
            raise RoomError("terminal_unavailable", "this server's engine has no interactive runs")
        if self.run is not None:
            who = self.run.started_by.name
            raise RoomError("terminal_busy", f"an interactive run started by {who} is still going")
        language = self.room.language()
        source = self.room.code.content()
        request = RunRequest(language=language, source=source)
        starter = Starter(identity.participant_id, identity.name, identity.role)
        try:
            session = await self.engine.interactive(request, mode)
        except EngineError as exc:
            raise RoomError(exc.code, exc.message) from None
        if self.run is not None:  # another start won the race while the engine started ours
            await session.kill()
            raise RoomError("terminal_busy", "an interactive run is already going")
        run = TerminalRun(session, mode, language, starter, source=source)
        self.run = run
        await self.room.emitter.emit(
            self.events.terminal_started, run.started_payload(), self.room.connected_sids
        )
        task = asyncio.create_task(self._follow(run), name=f"terminal-{run.session_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return run.session_id

    def _typist(self, sid: str) -> TerminalRun:
        participant = self.room.participant(sid)
        if not self.keyboard.allows(participant.identity.role):
            raise RoomError(
                "keyboard_restricted", f"only the {self.keyboard.value} may type in the terminal"
            )
        if self.run is None:
            raise RoomError("terminal_idle", "no interactive run is going")
        return self.run

    async def type(self, sid: str, text: str) -> None:
        run = self._typist(sid)
        typed = run.discipline.feed(text)
        if typed.echo:
            await self._show(run, "echo", typed.echo.encode())
        for item in typed.to_program:
            if item is Action.INTERRUPT:
                await run.session.interrupt()
            elif item is Action.EOF:
                await run.session.close()
            else:
                await self._write(run, str(item))

    async def control(self, sid: str, action: str) -> None:
        run = self._typist(sid)
        if action == Action.INTERRUPT:
            await self._show(run, "echo", b"^C\r\n")
            await run.session.interrupt()
        else:
            await run.session.close()

    async def _write(self, run: TerminalRun, line: str) -> None:
        data = line.encode()
        try:
            await run.session.write(data)
        except EngineError as exc:
            await self._show(run, "notice", f"\r\n[{exc.message}]\r\n".encode())
            raise RoomError(exc.code, exc.message) from None
        run.stdin.append(line)
        run.transcript.add("stdin", data)

    async def set_keyboard(self, sid: str, holder: str) -> None:
        if self.room.participant(sid).identity.role != "interviewer":
            raise RoomError("forbidden", "only the interviewer may hand out the keyboard")
        self.keyboard = Keyboard(holder)
        await self.send_state(self.room.connected_sids)

    # -- the run -----------------------------------------------------------------------------

    async def _show(self, run: TerminalRun, stream: str, data: bytes, dropped: int = 0) -> None:
        run.seq += 1
        payload = {
            "session_id": run.session_id,
            "seq": run.seq,
            "stream": stream,
            "data": data,
            "dropped": dropped,
        }
        run.scrollback.append(payload)
        run.scrollback_bytes += len(data)
        while run.scrollback_bytes > SCROLLBACK_BYTES and len(run.scrollback) > 1:
            run.scrollback_bytes -= len(run.scrollback.popleft()["data"])
        if stream != "echo":
            run.transcript.add(stream, data)
        await self.room.emitter.emit(self.events.terminal_output, payload, self.room.connected_sids)

    async def _follow(self, run: TerminalRun) -> None:
        result: RunResult | None = None
        error: dict[str, str] | None = None
        try:
            chunk: OutputChunk
            async for chunk in run.session:
                if chunk.dropped:
                    note = f"\r\n[{chunk.dropped} bytes of output dropped: too fast to show]\r\n"
                    await self._show(run, "notice", note.encode())
                await self._show(run, chunk.stream, chunk.data, chunk.dropped)
            result = await run.session.result()
        except asyncio.CancelledError:
            await run.session.kill()
            raise
        except Exception:
            log.exception("terminal run %s in room %s failed", run.session_id, self.room.id)
            error = {"code": "internal_error", "message": "the interactive run failed on our side"}
        finally:
            if self.run is run:
                self.run = None
        finished = {
            "session_id": run.session_id,
            "result": result.to_dict() if result is not None else None,
            "error": error,
            "finished_at": datetime.now(UTC).isoformat(),
        }
        if result is not None:
            record = {
                **result.to_dict(),
                "terminal": {
                    "mode": run.mode.value,
                    "started_at": run.started_at.isoformat(),
                    "transcript": run.transcript.entries,
                    "omitted_bytes": run.transcript.omitted_bytes,
                },
            }
            try:
                await self.room.store.append_run(
                    self.room.id,
                    run.started_by.name,
                    run.language,
                    "".join(run.stdin),
                    record,
                    source=run.source,
                )
            except Exception:
                log.exception("recording terminal run %s failed", run.session_id)
        self.last = finished  # in the record first, so whoever sees it finished can read it
        await self.room.emitter.emit(
            self.events.terminal_finished, finished, self.room.connected_sids
        )

    async def close(self) -> None:
        """The room closes: the run (if any) is killed and its record still written."""
        if self.run is not None:
            await self.run.session.kill()
        if self._tasks:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait(self._tasks, timeout=10)


class TerminalHub:
    """One ``RoomTerminal`` per live room, created on first use."""

    def __init__(self, engine_of: Callable[[], object]) -> None:
        # Asked when a room first needs its terminal: `onsite serve` opens the engine in
        # before_serving, after the socket server (and this hub) was built.
        self._engine_of = engine_of
        self.terminals: dict[str, RoomTerminal] = {}

    @property
    def engine(self) -> InteractiveEngine | None:
        engine = self._engine_of()
        return engine if isinstance(engine, InteractiveEngine) else None

    def of(self, room: Room) -> RoomTerminal:
        terminal = self.terminals.get(room.id)
        if terminal is None or terminal.room is not room:
            terminal = self.terminals[room.id] = RoomTerminal(room, self.engine)
        return terminal

    async def joined(self, room: Room, sid: str) -> None:
        await self.of(room).send_state([sid])

    async def close(self, room_id: str) -> None:
        terminal = self.terminals.pop(room_id, None)
        if terminal is not None:
            await terminal.close()

    async def close_all(self) -> None:
        for room_id in list(self.terminals):
            await self.close(room_id)


def terminal_handlers(
    names: ClientEvents, hub: TerminalHub
) -> dict[str, Callable[[Room, str, Any], Awaitable[dict[str, Any] | None]]]:
    """The gateway's handlers for the terminal's client events (payloads already validated
    against ``config/protocol.json``)."""

    async def start(room: Room, sid: str, data: dict[str, Any]) -> dict[str, Any]:
        return {"session_id": await hub.of(room).start(sid, SessionMode(data["mode"]))}

    async def type_(room: Room, sid: str, data: dict[str, Any]) -> None:
        await hub.of(room).type(sid, data["data"])

    async def control(room: Room, sid: str, data: dict[str, Any]) -> None:
        await hub.of(room).control(sid, data["action"])

    async def keyboard(room: Room, sid: str, data: dict[str, Any]) -> None:
        await hub.of(room).set_keyboard(sid, data["holder"])

    return {
        names.terminal_start: start,
        names.terminal_input: type_,
        names.terminal_control: control,
        names.terminal_keyboard: keyboard,
    }
