"""The realtime protocol, loaded once from ``config/protocol.json``.

The same file is imported by the TypeScript client, so event names and payload shapes are written
down exactly once. The file itself is checked at start-up (an unknown field type or a missing
``from`` stops the process with a clear message), and every client event is checked on arrival
against its field spec before a handler sees it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from server.rooms.errors import PayloadError

PROTOCOL_PATH = Path(__file__).resolve().parents[2] / "config" / "protocol.json"

SERIALIZERS = frozenset({"msgpack"})
"""Socket.IO packet encodings the server implements (see ``server/rooms/packets.py``)."""
FIELD_TYPES = frozenset({"string", "boolean", "integer", "object", "array", "any"})
FIELD_KEYS = frozenset({"type", "optional", "nullable", "min", "max", "max_bytes", "enum"})
EVENT_KEYS = frozenset({"from", "who", "payload", "description"})


class ProtocolFileError(Exception):
    """``config/protocol.json`` is itself malformed; raised at start-up, never per event."""


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    type: str
    optional: bool = False
    nullable: bool = False
    min: int | None = None
    max: int | None = None
    max_bytes: int | None = None
    enum: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class EventSpec:
    name: str
    direction: str
    who: str
    binary: bool
    fields: tuple[FieldSpec, ...]

    @property
    def from_client(self) -> bool:
        return self.direction in ("client", "both")

    @property
    def interviewer_only(self) -> bool:
        return self.who == "interviewer"


@dataclass(frozen=True, slots=True)
class Limits:
    max_binary_bytes: int
    max_json_bytes: int
    chat_max_chars: int
    chat_history: int
    chat_burst: int
    chat_per_second: float
    events_burst: int
    events_per_second: float
    stdin_max_chars: int
    name_max_chars: int
    signal_max_bytes: int


@dataclass(frozen=True, slots=True)
class DocSpec:
    """One shared document of the room (protocol.json's ``docs``): its Y.Text (or, for the
    whiteboard, its Y.Map of elements), its optional Y.Map of metadata, who may see it and the
    event that carries its y-protocols messages."""

    name: str
    text: str | None
    meta_map: str | None
    event: str
    interviewer_only: bool
    map: str | None = None
    stdin_text: str | None = None
    """The Y.Text holding the room's shared standard input (the code document only)."""


@dataclass(frozen=True, slots=True)
class ServerEvents:
    """The name of every event the server emits, each resolved through the loaded protocol:
    a name the protocol lacks, or one only a client may send, stops start-up. The room and its
    gateway emit through these fields and never type an event name themselves."""

    code: str
    notes: str
    board: str
    welcome: str
    joined: str
    away: str
    left: str
    chat: str
    run_started: str
    run_finished: str
    settings: str
    signal: str
    ended: str
    error: str
    terminal_started: str
    terminal_output: str
    terminal_finished: str
    terminal_state: str
    question_loaded: str
    tests_started: str
    tests_finished: str
    activity: str
    lobby: str
    waiting: str
    language: str


@dataclass(frozen=True, slots=True)
class ClientEvents:
    """The name of every event a client sends that the server handles, resolved the same way;
    the gateway registers one handler per field and refuses a protocol with a client event
    that no field names."""

    code: str
    notes: str
    board: str
    chat: str
    run: str
    permission: str
    board_lock: str
    relay: str
    signal: str
    end: str
    terminal_start: str
    terminal_input: str
    terminal_control: str
    terminal_keyboard: str
    question: str
    tests: str
    activity: str
    admit: str


SERVER_EVENT_NAMES = {
    "welcome": "room:welcome",
    "joined": "presence:joined",
    "away": "presence:away",
    "left": "presence:left",
    "chat": "chat:message",
    "run_started": "run:started",
    "run_finished": "run:finished",
    "settings": "room:settings",
    "signal": "signal:message",
    "ended": "room:ended",
    "error": "error",
    "terminal_started": "terminal:started",
    "terminal_output": "terminal:output",
    "terminal_finished": "terminal:finished",
    "terminal_state": "terminal:state",
    "question_loaded": "question:loaded",
    "tests_started": "tests:started",
    "tests_finished": "tests:finished",
    "activity": "activity:mark",
    "lobby": "room:lobby",
    "waiting": "lobby:waiting",
    "language": "language:changed",
}
"""``ServerEvents`` field → protocol.json name: the one place the server writes them down."""
CLIENT_EVENT_NAMES = {
    "chat": "chat:send",
    "run": "run:start",
    "permission": "run:permission",
    "board_lock": "board:lock",
    "relay": "video:relay",
    "signal": "signal:send",
    "end": "room:end",
    "terminal_start": "terminal:start",
    "terminal_input": "terminal:input",
    "terminal_control": "terminal:control",
    "terminal_keyboard": "terminal:keyboard",
    "question": "question:load",
    "tests": "tests:run",
    "activity": "activity:report",
    "admit": "lobby:admit",
}
"""``ClientEvents`` field → protocol.json name (the two documents' events come from ``docs``)."""


@dataclass(frozen=True, slots=True)
class Routing:
    """How a socket names its room to the proxy (``query``, the connection query parameter
    carrying the interview id) and the error code that sends it to reconnect elsewhere."""

    query: str = "interview"
    moved_code: str = "room_moved"


@dataclass(frozen=True, slots=True)
class Protocol:
    version: int
    serializer: str
    limits: Limits
    events: Mapping[str, EventSpec]
    docs: Mapping[str, DocSpec]
    emits: ServerEvents
    handles: ClientEvents
    routing: Routing = Routing()

    def client_event(self, name: str) -> EventSpec:
        spec = self.events.get(name)
        if spec is None or not spec.from_client:
            raise PayloadError("unknown_event", f"{name!r} is not an event a client may send")
        return spec

    def validate(self, name: str, payload: Any) -> Any:
        """Checks a client event; returns the payload (bytes or a dict) or raises PayloadError."""
        spec = self.client_event(name)
        if spec.binary:
            if not isinstance(payload, bytes | bytearray):
                raise PayloadError("invalid_payload", f"{name} expects a binary payload")
            if len(payload) > self.limits.max_binary_bytes:
                raise PayloadError(
                    "payload_too_large",
                    f"{name} payload is {len(payload)} bytes; the limit is "
                    f"{self.limits.max_binary_bytes}",
                )
            return bytes(payload)
        if payload is None and not spec.fields:
            return {}
        if not isinstance(payload, dict):
            raise PayloadError("invalid_payload", f"{name} expects a JSON object")
        size = _json_size(payload)
        if size > self.limits.max_json_bytes:
            raise PayloadError(
                "payload_too_large",
                f"{name} payload is {size} bytes; the limit is {self.limits.max_json_bytes}",
            )
        known = {f.name for f in spec.fields}
        extra = sorted(set(payload) - known)
        if extra:
            raise PayloadError(
                "invalid_payload", f"{name} has unknown field(s): {', '.join(extra)}"
            )
        for field in spec.fields:
            if field.name not in payload:
                if not field.optional:
                    raise PayloadError("invalid_payload", f"{name} needs the field {field.name!r}")
                continue
            _check_field(name, field, payload[field.name])
        return payload


def _json_size(value: Any) -> int:
    try:
        return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())
    except (TypeError, ValueError):
        raise PayloadError("invalid_payload", "payload is not plain JSON") from None


def _check_field(event: str, field: FieldSpec, value: Any) -> None:
    where = f"{event}.{field.name}"
    if value is None:
        if field.nullable:
            return
        raise PayloadError("invalid_payload", f"{where} may not be null")
    kind = field.type
    if kind == "string":
        if not isinstance(value, str):
            raise PayloadError("invalid_payload", f"{where} must be a string")
        if field.min is not None and len(value) < field.min:
            raise PayloadError("invalid_payload", f"{where} must have at least {field.min} chars")
        if field.max is not None and len(value) > field.max:
            raise PayloadError("payload_too_large", f"{where} is longer than {field.max} chars")
        if field.enum is not None and value not in field.enum:
            raise PayloadError("invalid_payload", f"{where} must be one of {', '.join(field.enum)}")
    elif kind == "boolean":
        if not isinstance(value, bool):
            raise PayloadError("invalid_payload", f"{where} must be true or false")
    elif kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise PayloadError("invalid_payload", f"{where} must be an integer")
        if field.min is not None and value < field.min:
            raise PayloadError("invalid_payload", f"{where} must be at least {field.min}")
        if field.max is not None and value > field.max:
            raise PayloadError("invalid_payload", f"{where} must be at most {field.max}")
    elif kind == "object":
        if not isinstance(value, dict):
            raise PayloadError("invalid_payload", f"{where} must be an object")
    elif kind == "array":
        if not isinstance(value, list):
            raise PayloadError("invalid_payload", f"{where} must be an array")
        if field.max is not None and len(value) > field.max:
            raise PayloadError("payload_too_large", f"{where} has more than {field.max} items")
    if field.max_bytes is not None and _json_size(value) > field.max_bytes:
        raise PayloadError("payload_too_large", f"{where} is larger than {field.max_bytes} bytes")


def parse_protocol(raw: Any) -> Protocol:
    """Builds a Protocol from the decoded JSON, refusing anything the validator can't enforce."""
    if not isinstance(raw, dict):
        raise ProtocolFileError("protocol.json must hold a JSON object")
    try:
        version = int(raw["version"])
        limits = Limits(**raw["limits"])
        events_raw = raw["events"]
    except (KeyError, TypeError, ValueError) as exc:
        raise ProtocolFileError(
            f"protocol.json: bad or missing version/limits/events: {exc}"
        ) from exc
    serializer = raw.get("serializer")
    if serializer not in SERIALIZERS:
        raise ProtocolFileError(
            f"protocol.json: serializer must be one of {sorted(SERIALIZERS)}, not {serializer!r}"
        )
    if not isinstance(events_raw, dict) or "error" not in events_raw:
        raise ProtocolFileError("protocol.json: events must be an object that defines 'error'")
    events: dict[str, EventSpec] = {}
    for name, spec in events_raw.items():
        events[name] = _parse_event(name, spec)
    docs = _parse_docs(raw.get("docs"), events)
    emits = ServerEvents(
        code=docs["code"].event,
        notes=docs["notes"].event,
        board=docs["board"].event,
        **{field: _resolve(events, name, "server") for field, name in SERVER_EVENT_NAMES.items()},
    )
    handles = ClientEvents(
        code=docs["code"].event,
        notes=docs["notes"].event,
        board=docs["board"].event,
        **{field: _resolve(events, name, "client") for field, name in CLIENT_EVENT_NAMES.items()},
    )
    unhandled = {n for n, e in events.items() if e.from_client} - set(_values(handles))
    if unhandled:
        raise ProtocolFileError(f"client events the server does not handle: {sorted(unhandled)}")
    return Protocol(
        version=version,
        serializer=serializer,
        limits=limits,
        events=events,
        docs=docs,
        emits=emits,
        handles=handles,
        routing=_parse_routing(raw.get("routing")),
    )


def _parse_routing(raw: Any) -> Routing:
    if raw is None:
        return Routing()
    if not isinstance(raw, dict) or set(raw) - {"query", "moved_code"}:
        raise ProtocolFileError("protocol.json: routing takes only {query, moved_code}")
    if not all(isinstance(value, str) and value for value in raw.values()):
        raise ProtocolFileError("protocol.json: routing values must be non-empty strings")
    return Routing(**raw)


def _values(names: ServerEvents | ClientEvents) -> list[str]:
    return [getattr(names, field) for field in names.__slots__]


def _resolve(events: Mapping[str, EventSpec], name: str, side: str) -> str:
    """``name`` if protocol.json has it, sent from ``side``; a ``ProtocolFileError`` otherwise."""
    spec = events.get(name)
    if spec is None:
        raise ProtocolFileError(f"the server uses the event {name!r}, which protocol.json lacks")
    sent_by_side = spec.from_client if side == "client" else spec.direction in ("server", "both")
    if not sent_by_side:
        raise ProtocolFileError(f"event {name!r}: protocol.json does not let the {side} send it")
    return name


def _parse_docs(raw: Any, events: Mapping[str, EventSpec]) -> dict[str, DocSpec]:
    if not isinstance(raw, dict) or set(raw) != {"code", "notes", "board"}:
        raise ProtocolFileError(
            "protocol.json: docs must define exactly 'code', 'notes' and 'board'"
        )
    docs: dict[str, DocSpec] = {}
    for name, spec in raw.items():
        if not isinstance(spec, dict):
            raise ProtocolFileError(f"doc {name!r}: must be an object")
        text, map_name = spec.get("text"), spec.get("map")
        if not (isinstance(text, str) or isinstance(map_name, str)) or (
            text is not None and map_name is not None
        ):
            raise ProtocolFileError(f"doc {name!r}: needs either a 'text' or a 'map' name")
        event = spec.get("event")
        spec_of_event = events.get(event) if isinstance(event, str) else None
        if spec_of_event is None or not spec_of_event.binary or spec_of_event.direction != "both":
            raise ProtocolFileError(f"doc {name!r}: 'event' must be a binary event sent both ways")
        meta = spec.get("meta_map")
        if meta is not None and not isinstance(meta, str):
            raise ProtocolFileError(f"doc {name!r}: 'meta_map' must be a name")
        stdin_text = spec.get("stdin_text")
        own_name = isinstance(stdin_text, str) and stdin_text != text
        if stdin_text is not None and not own_name:
            raise ProtocolFileError(f"doc {name!r}: 'stdin_text' must be a name of its own")
        who = spec.get("who", "any")
        if who not in ("any", "interviewer"):
            raise ProtocolFileError(f"doc {name!r}: 'who' must be any or interviewer")
        docs[name] = DocSpec(
            name,
            text,
            meta,
            spec_of_event.name,
            who == "interviewer",
            map=map_name,
            stdin_text=stdin_text,
        )
    return docs


def _parse_event(name: str, spec: Any) -> EventSpec:
    if name != "error" and (":" not in name or name.count(":") != 1):
        raise ProtocolFileError(f"event {name!r}: names are domain:action")
    if not isinstance(spec, dict) or set(spec) - EVENT_KEYS:
        raise ProtocolFileError(f"event {name!r}: unknown keys {sorted(set(spec) - EVENT_KEYS)}")
    direction = spec.get("from")
    if direction not in ("client", "server", "both"):
        raise ProtocolFileError(f"event {name!r}: 'from' must be client, server or both")
    who = spec.get("who", "any")
    if who not in ("any", "interviewer"):
        raise ProtocolFileError(f"event {name!r}: 'who' must be any or interviewer")
    payload = spec.get("payload")
    if payload == "binary":
        return EventSpec(name, direction, who, True, ())
    if not isinstance(payload, dict):
        raise ProtocolFileError(f"event {name!r}: payload must be 'binary' or a field spec")
    fields: list[FieldSpec] = []
    for field_name, field in payload.items():
        if not isinstance(field, dict) or set(field) - FIELD_KEYS:
            raise ProtocolFileError(f"event {name!r} field {field_name!r}: unknown keys")
        if field.get("type") not in FIELD_TYPES:
            raise ProtocolFileError(f"event {name!r} field {field_name!r}: unknown type")
        enum = field.get("enum")
        fields.append(
            FieldSpec(
                name=field_name,
                type=field["type"],
                optional=bool(field.get("optional", False)),
                nullable=bool(field.get("nullable", False)),
                min=field.get("min"),
                max=field.get("max"),
                max_bytes=field.get("max_bytes"),
                enum=tuple(enum) if enum is not None else None,
            )
        )
    return EventSpec(name, direction, who, False, tuple(fields))


def load_protocol(path: Path = PROTOCOL_PATH) -> Protocol:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ProtocolFileError(f"cannot read {path}: {exc}") from exc
    return parse_protocol(raw)


@lru_cache(maxsize=1)
def get_protocol() -> Protocol:
    """The protocol of this process, read once."""
    return load_protocol()
