"""Which sockets may ask a room's owner to let go: only those haproxy chose this process for,
for the very room their token opens (server/rooms/events.py ``routed_here``)."""

from __future__ import annotations

from server.rooms.events import routed_here

ROOM = "a" * 32


def test_a_socket_the_proxyrouted_here_for_its_room_may_ask() -> None:
    environ = {"HTTP_X_ONSITE_NODE": "node2", "QUERY_STRING": f"interview={ROOM}&EIO=4"}
    assert routed_here(environ, ROOM)


def test_a_socket_straight_to_the_port_only_retries() -> None:
    assert not routed_here({"QUERY_STRING": f"interview={ROOM}&EIO=4"}, ROOM)


def test_a_query_naming_another_room_cannot_pull_this_one() -> None:
    """A client could otherwise route itself by any id and move its room at will."""
    environ = {"HTTP_X_ONSITE_NODE": "node2", "QUERY_STRING": f"interview={'b' * 32}&EIO=4"}
    assert not routed_here(environ, ROOM)
    assert not routed_here({"HTTP_X_ONSITE_NODE": "node2", "QUERY_STRING": "EIO=4"}, ROOM)
