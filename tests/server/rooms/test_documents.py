"""SyncedDoc: what the server applies, relays and logs, and what it refuses."""

from __future__ import annotations

import pytest
from pycrdt import Doc, Text

from server.rooms.documents import SyncedDoc
from server.rooms.errors import UpdateRejectedError

# Made by yjs 13.6 (client/node_modules) for a Y.Doc with clientID 12345 after
# getText('code').insert(0, 'hi ✓'): Y.encodeStateAsUpdate and Y.encodeStateAsUpdateV2.
YJS_V1 = bytes.fromhex("0101b96000040104636f646506686920e29c9300")
YJS_V2 = bytes.fromhex("000003b9c001000001040d0a636f6465686920e29c9344000101000001010000")


def test_a_yjs_v1_update_applies_and_is_what_gets_relayed() -> None:
    doc = SyncedDoc("code", "meta")
    produced = doc.apply(YJS_V1)
    assert doc.content() == "hi ✓"
    assert len(produced) == 1
    replica: Doc[Text] = Doc()
    replica.apply_update(produced[0])
    assert str(replica.get("code", type=Text)) == "hi ✓"


def test_a_yjs_v2_update_is_refused_not_silently_ignored() -> None:
    doc = SyncedDoc("code")
    with pytest.raises(UpdateRejectedError) as info:
        doc.apply(YJS_V2)
    assert info.value.code == "update_not_applied"
    assert doc.content() == ""


def test_a_known_update_is_accepted_and_produces_nothing() -> None:
    doc = SyncedDoc("code")
    doc.apply(YJS_V1)
    assert doc.apply(YJS_V1) == []
    assert doc.apply(b"\x00\x00") == []


def test_an_update_with_missing_dependencies_is_refused() -> None:
    client: Doc[Text] = Doc()
    text = client.get("code", type=Text)
    text.insert(0, "ab")
    known_to_client_only = client.get_state()
    text.insert(2, "c")
    doc = SyncedDoc("code")
    with pytest.raises(UpdateRejectedError) as info:
        doc.apply(client.get_update(known_to_client_only))
    assert info.value.code == "update_not_applied"
    # Once the missing part arrives, both apply and the held-back part is relayed too.
    produced = doc.apply(client.get_update())
    assert doc.content() == "abc" and produced


@pytest.mark.parametrize("garbage", [b"", b"\xff", b"garbage", b"\x01\x01\xff\xff"])
def test_garbage_is_refused_as_invalid(garbage: bytes) -> None:
    with pytest.raises(UpdateRejectedError) as info:
        SyncedDoc("code").apply(garbage)
    assert info.value.code in ("invalid_update", "update_not_applied")


def test_a_bad_state_vector_is_refused() -> None:
    with pytest.raises(UpdateRejectedError) as info:
        SyncedDoc("code").diff(b"\x05\x01")
    assert info.value.code == "invalid_sync_message"


def test_seed_and_reload_from_the_log() -> None:
    doc = SyncedDoc("code", "meta")
    log = doc.seed("print(1)\n", {"language": "python"})
    again = SyncedDoc("code", "meta")
    again.load(log)
    assert again.content() == "print(1)\n" and again.meta_value("language") == "python"
