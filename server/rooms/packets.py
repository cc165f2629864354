"""The room's Socket.IO packet encoding: MessagePack, one WebSocket frame per event.

With Socket.IO's default JSON encoding a binary event (every Yjs keystroke) is two frames, a text
header with a placeholder and then the bytes, and each side pays for two frames, two receive
tasks and the bookkeeping that pairs them again. MessagePack carries the bytes inside the packet,
so an event is one frame whatever it holds; the bench measured about 15% less server CPU per
keystroke, and no header can ever be separated from its attachment.

python-socketio trusts that a frame decodes to a well-formed packet: garbage raised deep inside it
(a log line at best, no answer to the client), and a packet of the binary types, which this
encoding never sends, would make the server treat every later frame of that socket as an attachment.
``RoomPacket`` turns any frame that is not a packet this server accepts into a ``MALFORMED_EVENT``
event, which the room answers like any other bad event: an ``error`` event and a log line.
"""

from __future__ import annotations

from typing import Any

import msgpack  # type: ignore[import-untyped]
from socketio import packet
from socketio.msgpack_packet import MsgPackPacket

MALFORMED_EVENT = "packet:malformed"
"""The event a frame that is not a valid packet becomes; its one argument says what was wrong."""

NAMESPACE = "/"
ACCEPTED_TYPES = frozenset({packet.CONNECT, packet.DISCONNECT, packet.EVENT, packet.ACK})


class MalformedPacket(ValueError):
    pass


def _no_extensions(code: int, _data: bytes) -> Any:
    raise MalformedPacket(f"MessagePack extension type {code} is not part of the protocol")


class RoomPacket(MsgPackPacket):  # type: ignore[misc]  # python-socketio ships no type hints
    """A MessagePack Socket.IO packet whose decoding refuses what the room cannot handle."""

    def decode(self, encoded_packet: Any) -> None:
        try:
            self._decode_checked(encoded_packet)
        except (ValueError, TypeError, msgpack.UnpackException) as exc:  # MalformedPacket too
            reason = str(exc) or type(exc).__name__
            self._set(packet.EVENT, None, [MALFORMED_EVENT, reason[:200]])

    def _decode_checked(self, encoded_packet: Any) -> None:
        if not isinstance(encoded_packet, bytes | bytearray):
            raise MalformedPacket("a text frame; this protocol sends MessagePack binary frames")
        decoded = msgpack.unpackb(encoded_packet, ext_hook=_no_extensions)
        if not isinstance(decoded, dict):
            raise MalformedPacket("a packet is a MessagePack map")
        packet_type = decoded.get("type")
        if type(packet_type) is not int or packet_type not in ACCEPTED_TYPES:
            raise MalformedPacket(f"packet type {packet_type!r} is not accepted")
        namespace = decoded.get("nsp", NAMESPACE)
        if namespace != NAMESPACE:
            raise MalformedPacket(f"namespace {namespace!r} does not exist; use {NAMESPACE!r}")
        packet_id = decoded.get("id")
        if packet_id is not None and (type(packet_id) is not int or packet_id < 0):
            raise MalformedPacket("an ack id is a non-negative integer")
        data = decoded.get("data")
        if packet_type == packet.EVENT and not (
            isinstance(data, list) and data and isinstance(data[0], str)
        ):
            raise MalformedPacket("an event's data is a list that starts with its name")
        self._set(packet_type, packet_id, data)

    def _set(self, packet_type: int, packet_id: int | None, data: Any) -> None:
        self.packet_type = packet_type
        self.namespace = NAMESPACE
        self.id = packet_id
        self.data = data
