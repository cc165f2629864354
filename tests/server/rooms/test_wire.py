"""The y-protocols codec against pycrdt's own encoder, and its refusal of malformed bytes."""

from __future__ import annotations

import pytest
from pycrdt import Doc, Text, create_sync_message, create_update_message

from server.rooms.wire import (
    SYNC_STEP1,
    SYNC_UPDATE,
    AwarenessEntry,
    AwarenessMessage,
    AwarenessQuery,
    SyncMessage,
    WireError,
    encode_awareness,
    encode_sync,
    parse_message,
    parse_state_vector,
)


def test_sync_messages_match_pycrdt_encoding() -> None:
    doc: Doc[Text] = Doc()
    doc.get("code", type=Text).insert(0, "hello ✓ 🎉")
    step1 = create_sync_message(doc)
    assert step1 == encode_sync(SYNC_STEP1, doc.get_state())
    assert parse_message(step1) == SyncMessage(SYNC_STEP1, doc.get_state())
    update = doc.get_update()
    assert parse_message(create_update_message(update)) == SyncMessage(SYNC_UPDATE, update)


def test_awareness_round_trip_and_null_state() -> None:
    entries = [
        AwarenessEntry(12345678, 3, {"user": {"name": "Ada", "color": "#fff"}, "cursor": None}),
        AwarenessEntry(7, 4, None),
    ]
    message = parse_message(encode_awareness(entries))
    assert isinstance(message, AwarenessMessage)
    assert list(message.entries) == entries


def test_awareness_query_is_understood() -> None:
    assert parse_message(b"\x03") == AwarenessQuery()
    with pytest.raises(WireError):
        parse_message(b"\x03\x00")


def test_state_vector_decodes_to_clocks() -> None:
    doc: Doc[Text] = Doc()
    doc.get("code", type=Text).insert(0, "abc")
    assert parse_state_vector(doc.get_state()) == {doc.client_id: 3}


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x05",
        b"\x00\x07\x00",
        b"\x00\x00\x05ab",
        b"\x00\x00\x01a\xff",
        b"\x01\x03\x01\x01",
        b"\x01" + bytes([12, 1, 1, 1, 8]) + b"not json",
        b"\x01" + bytes([9, 1, 1, 1, 5]) + b"[1,2]",
        b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff",
    ],
)
def test_malformed_messages_raise_wire_error(data: bytes) -> None:
    with pytest.raises(WireError):
        parse_message(data)
