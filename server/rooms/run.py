"""A room's run as a small state machine: started → running → finished, never backwards.

The engine keeps a run's life the same way (queued → preparing → compiling → running →
finished); a room only sees its own side of it. One ``RoomRun`` exists per run: the room holds it
while it is in flight (``run_in_flight`` of the welcome), and its ``finished`` payload becomes the
room's ``last_run``. A transition out of order is a bug in the room, so it raises at once rather
than emitting a second ``run:finished``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class RunState(StrEnum):
    STARTED = "started"
    """Accepted by the room; the engine has not been asked yet."""
    RUNNING = "running"
    """``run:started`` is out and the engine has the request."""
    FINISHED = "finished"
    """A result or an error is known; ``run:finished`` carries it."""


NEXT_STATE = {RunState.STARTED: RunState.RUNNING, RunState.RUNNING: RunState.FINISHED}


@dataclass(frozen=True, slots=True)
class Starter:
    """Who pressed Run, as the room's events show it."""

    participant_id: str
    name: str
    role: str | None
    """None for a run reloaded from the record, which does not store the role."""

    def payload(self) -> dict[str, Any]:
        return {"participant_id": self.participant_id, "name": self.name, "role": self.role}


@dataclass(slots=True)
class RoomRun:
    started_by: Starter
    language: str
    stdin: str
    source: str = ""
    """The exact code the run ran, kept with it for the record."""
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    state: RunState = RunState.STARTED
    result: dict[str, Any] | None = None
    error: dict[str, str] | None = None
    finished_at: datetime | None = None

    def _advance(self, to: RunState) -> None:
        if NEXT_STATE.get(self.state) is not to:
            raise RuntimeError(f"run {self.run_id}: {self.state} cannot become {to}")
        self.state = to

    def running(self) -> None:
        self._advance(RunState.RUNNING)

    def finish(
        self, *, result: dict[str, Any] | None = None, error: dict[str, str] | None = None
    ) -> None:
        """Exactly one of ``result`` (a RunResult dict) and ``error`` (``{code, message}``)."""
        if (result is None) == (error is None):
            raise ValueError("a run finishes with a result or an error")
        self._advance(RunState.FINISHED)
        self.result, self.error = result, error
        self.finished_at = datetime.now(UTC)

    def started_payload(self) -> dict[str, Any]:
        """``run:started``, and ``run_in_flight`` in the welcome."""
        return {
            "run_id": self.run_id,
            "started_by": self.started_by.payload(),
            "language": self.language,
            "stdin": self.stdin,
            "started_at": self.started_at.isoformat(),
        }

    def finished_payload(self) -> dict[str, Any]:
        """``run:finished``, and ``last_run`` in the welcome."""
        if self.state is not RunState.FINISHED or self.finished_at is None:
            raise RuntimeError(f"run {self.run_id} is {self.state}, not finished")
        return {
            "run_id": self.run_id,
            "started_by": self.started_by.payload(),
            "language": self.language,
            "stdin": self.stdin,
            "result": self.result,
            "error": self.error,
            "finished_at": self.finished_at.isoformat(),
        }
