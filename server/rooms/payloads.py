"""The client events' payloads, typed: what the gateway hands the room after validation.

``Protocol.validate`` checks a payload against ``config/protocol.json`` (types, sizes, unknown
fields); these dataclasses are the shape that check guarantees, so a handler reads attributes
instead of indexing a ``dict[str, Any]``. Binary events (the documents) stay ``bytes``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class ChatSend:
    text: str

    @classmethod
    def of(cls, data: dict[str, Any]) -> ChatSend:
        return cls(text=data["text"])


@dataclass(frozen=True, slots=True)
class RunStart:
    stdin: str | None = None
    """None: run with the room's shared input (the document's stdin text)."""

    @classmethod
    def of(cls, data: dict[str, Any]) -> RunStart:
        return cls(stdin=data.get("stdin"))


@dataclass(frozen=True, slots=True)
class RunPermission:
    candidate_can_run: bool

    @classmethod
    def of(cls, data: dict[str, Any]) -> RunPermission:
        return cls(candidate_can_run=data["candidate_can_run"])


@dataclass(frozen=True, slots=True)
class SignalSend:
    to: str
    """The peer's participant id."""
    kind: str
    data: Any = None
    """Relayed untouched (an SDP or an ICE candidate); its size is capped by the protocol."""

    @classmethod
    def of(cls, data: dict[str, Any]) -> SignalSend:
        return cls(to=data["to"], kind=data["kind"], data=data.get("data"))


@dataclass(frozen=True, slots=True)
class QuestionLoad:
    question_id: str

    @classmethod
    def of(cls, data: dict[str, Any]) -> QuestionLoad:
        return cls(question_id=data["question_id"])


@dataclass(frozen=True, slots=True)
class ActivityReport:
    kind: str
    """paste | blur | focus | hidden | visible (the protocol's enum)."""
    chars: int | None = None

    @classmethod
    def of(cls, data: dict[str, Any]) -> ActivityReport:
        return cls(kind=data["kind"], chars=data.get("chars"))


@dataclass(frozen=True, slots=True)
class BoardLock:
    locked: bool

    @classmethod
    def of(cls, data: dict[str, Any]) -> BoardLock:
        return cls(locked=data["locked"])


@dataclass(frozen=True, slots=True)
class VideoRelay:
    relay_only: bool

    @classmethod
    def of(cls, data: dict[str, Any]) -> VideoRelay:
        return cls(relay_only=data["relay_only"])


@dataclass(frozen=True, slots=True)
class LobbyAdmit:
    participant_id: str

    @classmethod
    def of(cls, data: dict[str, Any]) -> LobbyAdmit:
        return cls(participant_id=data["participant_id"])
