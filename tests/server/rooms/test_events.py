"""The gateway against the protocol: every event the server handles or emits is in
``config/protocol.json``, every client event there has a handler, and no room module types an
event name of its own (they resolve through the loaded protocol)."""

from __future__ import annotations

import ast
from dataclasses import astuple
from pathlib import Path

from server.app import create_app
from server.kit.state import get_state
from server.rooms.events import RoomGateway
from server.rooms.protocol import PROTOCOL_PATH, get_protocol
from server.settings import Settings
from tests.support.fake_engine import FakeEngine

ROOMS = Path(__file__).resolve().parents[3] / "server" / "rooms"


def test_handlers_are_exactly_the_protocols_client_events(tmp_path: Path) -> None:
    protocol = get_protocol()
    app = create_app(Settings.for_tests(tmp_path), FakeEngine())
    gateway = RoomGateway(get_state(app), protocol)
    from_client = {name for name, spec in protocol.events.items() if spec.from_client}
    assert gateway.handled_events() == from_client
    assert set(astuple(protocol.handles)) == from_client


def test_what_the_server_emits_is_exactly_the_protocols_server_events() -> None:
    protocol = get_protocol()
    from_server = {
        name for name, spec in protocol.events.items() if spec.direction in ("server", "both")
    }
    assert set(astuple(protocol.emits)) == from_server


def test_no_room_module_types_an_event_name() -> None:
    """Names are written down once, in protocol.py's tables, and checked against the file.
    ("error" is left out: it is also an ordinary key of payloads and acks.)"""
    names = set(get_protocol().events) - {"error"}
    typed: list[str] = []
    for path in sorted(ROOMS.glob("*.py")):
        if path.name == "protocol.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in names:
                typed.append(f"{path.name}:{node.lineno} {node.value!r}")
    assert typed == [], f"event names typed outside {PROTOCOL_PATH.name}'s loader"
