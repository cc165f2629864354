"""The y-protocols wire format (y-protocols/sync and y-protocols/awareness), parsed strictly.

The browser's Yjs speaks these bytes; the server parses them itself instead of handing raw bytes to
pycrdt, because pycrdt silently ignores what it cannot use (Yjs v2 updates, held-back updates). A
message that does not parse exactly (wrong type, truncated, trailing bytes) raises ``WireError``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

MESSAGE_SYNC = 0
MESSAGE_AWARENESS = 1
MESSAGE_QUERY_AWARENESS = 3
SYNC_STEP1 = 0
SYNC_STEP2 = 1
SYNC_UPDATE = 2


class WireError(ValueError):
    """Bytes that are not a well-formed y-protocols message."""


class Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def var_uint(self) -> int:
        value = 0
        shift = 0
        while True:
            if self.pos >= len(self.data):
                raise WireError("message ends inside a number")
            byte = self.data[self.pos]
            self.pos += 1
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                return value
            shift += 7
            if shift > 63:
                raise WireError("number too long")

    def var_bytes(self) -> bytes:
        length = self.var_uint()
        end = self.pos + length
        if end > len(self.data):
            raise WireError("message ends inside a byte string")
        chunk = self.data[self.pos : end]
        self.pos = end
        return chunk

    def var_string(self) -> str:
        try:
            return self.var_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise WireError("string is not UTF-8") from None

    def done(self) -> bool:
        return self.pos == len(self.data)


def var_uint(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    out.append(value)
    return bytes(out)


def var_bytes(data: bytes) -> bytes:
    return var_uint(len(data)) + data


@dataclass(frozen=True, slots=True)
class SyncMessage:
    kind: int
    """SYNC_STEP1 (payload is a state vector), SYNC_STEP2 or SYNC_UPDATE (payload is an update)."""
    payload: bytes


@dataclass(frozen=True, slots=True)
class AwarenessMessage:
    entries: tuple[AwarenessEntry, ...]


@dataclass(frozen=True, slots=True)
class AwarenessQuery:
    """y-websocket's "send me everyone's awareness" (message type 3, no payload)."""


@dataclass(frozen=True, slots=True)
class AwarenessEntry:
    client_id: int
    clock: int
    state: dict[str, Any] | None


def parse_message(data: bytes) -> SyncMessage | AwarenessMessage | AwarenessQuery:
    reader = Reader(data)
    kind = reader.var_uint()
    if kind == MESSAGE_SYNC:
        sync_kind = reader.var_uint()
        if sync_kind not in (SYNC_STEP1, SYNC_STEP2, SYNC_UPDATE):
            raise WireError(f"unknown sync message type {sync_kind}")
        payload = reader.var_bytes()
        if not reader.done():
            raise WireError("trailing bytes after the sync message")
        return SyncMessage(sync_kind, payload)
    if kind == MESSAGE_AWARENESS:
        update = reader.var_bytes()
        if not reader.done():
            raise WireError("trailing bytes after the awareness message")
        return AwarenessMessage(parse_awareness_update(update))
    if kind == MESSAGE_QUERY_AWARENESS:
        if not reader.done():
            raise WireError("trailing bytes after the awareness query")
        return AwarenessQuery()
    raise WireError(f"unknown message type {kind}")


def parse_awareness_update(update: bytes) -> tuple[AwarenessEntry, ...]:
    reader = Reader(update)
    count = reader.var_uint()
    if count > 1024:
        raise WireError("too many awareness entries")
    entries = []
    for _ in range(count):
        client_id = reader.var_uint()
        clock = reader.var_uint()
        text = reader.var_string()
        try:
            state = json.loads(text) if text else None
        except ValueError:
            raise WireError("awareness state is not JSON") from None
        if state is not None and not isinstance(state, dict):
            raise WireError("awareness state must be an object or null")
        entries.append(AwarenessEntry(client_id, clock, state))
    if not reader.done():
        raise WireError("trailing bytes after the awareness update")
    return tuple(entries)


def encode_sync(kind: int, payload: bytes) -> bytes:
    return var_uint(MESSAGE_SYNC) + var_uint(kind) + var_bytes(payload)


def encode_awareness(entries: list[AwarenessEntry] | tuple[AwarenessEntry, ...]) -> bytes:
    body = bytearray(var_uint(len(entries)))
    for entry in entries:
        body += var_uint(entry.client_id)
        body += var_uint(entry.clock)
        state = "null" if entry.state is None else json.dumps(entry.state, separators=(",", ":"))
        body += var_bytes(state.encode())
    return var_uint(MESSAGE_AWARENESS) + var_bytes(bytes(body))


def parse_state_vector(data: bytes) -> dict[int, int]:
    """Decodes a Yjs state vector into {client: clock}; compare these, never the raw bytes."""
    reader = Reader(data)
    count = reader.var_uint()
    vector: dict[int, int] = {}
    for _ in range(count):
        client = reader.var_uint()
        vector[client] = reader.var_uint()
    if not reader.done():
        raise WireError("trailing bytes after the state vector")
    return vector
