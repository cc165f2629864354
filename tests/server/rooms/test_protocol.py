"""config/protocol.json: the file itself, and validation of client events on arrival."""

from __future__ import annotations

import json
from typing import Any

import pytest

from server.rooms.errors import PayloadError
from server.rooms.protocol import PROTOCOL_PATH, ProtocolFileError, get_protocol, parse_protocol


def raw_protocol() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(PROTOCOL_PATH.read_text())
    return data


def test_every_event_is_domain_action_and_has_a_direction() -> None:
    protocol = get_protocol()
    for name, spec in protocol.events.items():
        assert name == "error" or name.count(":") == 1
        assert spec.direction in ("client", "server", "both")
    assert protocol.client_event("run:start").fields[0].name == "stdin"
    assert protocol.events["notes:message"].interviewer_only
    assert protocol.events["room:end"].interviewer_only
    assert not protocol.events["chat:send"].interviewer_only


def test_server_only_events_cannot_be_sent_by_clients() -> None:
    with pytest.raises(PayloadError) as info:
        get_protocol().validate("run:finished", {})
    assert info.value.code == "unknown_event"


@pytest.mark.parametrize(
    ("event", "payload", "code"),
    [
        ("chat:send", {"text": ""}, "invalid_payload"),
        ("chat:send", {"text": 5}, "invalid_payload"),
        ("chat:send", {"text": "x" * 2001}, "payload_too_large"),
        ("chat:send", {}, "invalid_payload"),
        ("chat:send", {"text": "hi", "extra": 1}, "invalid_payload"),
        ("chat:send", "hi", "invalid_payload"),
        ("chat:send", [1, 2], "invalid_payload"),
        ("run:start", {"stdin": None}, "invalid_payload"),
        ("run:start", {"stdin": "x" * 70000}, "payload_too_large"),
        ("run:permission", {"candidate_can_run": "yes"}, "invalid_payload"),
        ("signal:send", {"to": "p", "kind": "hello", "data": {}}, "invalid_payload"),
        (
            "signal:send",
            {"to": "p", "kind": "offer", "data": {"sdp": "x" * 20000}},
            "payload_too_large",
        ),
        ("sync:message", {"not": "bytes"}, "invalid_payload"),
        ("sync:message", b"\x00" * 300_000, "payload_too_large"),
        ("chat:send", {"text": "x" * 1000, "pad": "y" * 70000}, "payload_too_large"),
        ("nope:nope", {}, "unknown_event"),
    ],
)
def test_bad_payloads_are_refused_with_a_code(event: str, payload: Any, code: str) -> None:
    with pytest.raises(PayloadError) as info:
        get_protocol().validate(event, payload)
    assert info.value.code == code
    assert info.value.message


def test_good_payloads_pass() -> None:
    protocol = get_protocol()
    assert protocol.validate("chat:send", {"text": "hello"}) == {"text": "hello"}
    assert protocol.validate("run:start", {}) == {}
    assert protocol.validate("room:end", None) == {}
    assert protocol.validate("sync:message", bytearray(b"\x00\x00\x01\x00")) == b"\x00\x00\x01\x00"
    signal = {"to": "abc", "kind": "candidate", "data": {"candidate": "x", "sdpMid": "0"}}
    assert protocol.validate("signal:send", signal) == signal


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.pop("limits"),
        lambda d: d["events"].pop("error"),
        lambda d: d["events"].__setitem__("chatsend", {"from": "client", "payload": {}}),
        lambda d: d["events"]["chat:send"].__setitem__("from", "nobody"),
        lambda d: d["events"]["chat:send"]["payload"]["text"].__setitem__("type", "str"),
        lambda d: d["events"]["chat:send"]["payload"]["text"].__setitem__("maxlen", 3),
        lambda d: d["events"]["chat:send"].__setitem__("who", "admin"),
        lambda d: d["limits"].__setitem__("unknown_limit", 1),
        lambda d: d.pop("serializer"),
        lambda d: d.__setitem__("serializer", "cbor"),
        lambda d: d["routing"].__setitem__("header", "x"),
        lambda d: d["routing"].__setitem__("query", ""),
    ],
)
def test_a_broken_protocol_file_stops_start_up(mutate: Any) -> None:
    data = raw_protocol()
    mutate(data)
    with pytest.raises(ProtocolFileError):
        parse_protocol(data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda raw: raw["events"].pop("room:ended"), "lacks"),
        (lambda raw: raw["events"]["room:welcome"].update({"from": "client"}), "server send"),
        (
            lambda raw: raw["events"].update({"chat:typing": dict(raw["events"]["chat:send"])}),
            "does not handle",
        ),
        (lambda raw: raw["docs"]["notes"].update({"event": "chat:send"}), "binary event"),
        (lambda raw: raw.pop("docs"), "docs"),
    ],
)
def test_a_name_the_server_cannot_resolve_stops_start_up(change: Any, message: str) -> None:
    raw = raw_protocol()
    change(raw)
    with pytest.raises(ProtocolFileError, match=message):
        parse_protocol(raw)


def test_routing_names_the_query_and_the_moved_code() -> None:
    routing = get_protocol().routing
    assert (routing.query, routing.moved_code) == ("interview", "room_moved")
    error = get_protocol().events["error"]
    assert any(f.name == "retry_after_ms" and f.optional for f in error.fields)
