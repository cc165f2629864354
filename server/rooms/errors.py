"""The room's one refusal: ``RoomError(code, message)``; ``code`` is the wire error code.

Every refusal in the room travels the same way (an ``error`` event ``{code, message, event}``,
a failed ack, or a refused connect), so they share one base with one constructor. The
subclasses only say where a refusal came from, for the code that catches it.
"""

from __future__ import annotations


class RoomError(Exception):
    """A refused event: sent back to its sender as the ``error`` event, the room unharmed."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class PayloadError(RoomError):
    """A client event does not match its spec in ``config/protocol.json``."""


class UpdateRejectedError(RoomError):
    """A Yjs update or state vector the document refused."""


class RoomAuthError(RoomError):
    """A socket may not connect; ``code`` and ``message`` go back in the connect error."""


class RoomTokenError(RoomAuthError):
    """A candidate's join token is expired, forged or not a room token."""


class RoomMovedError(RoomError):
    """Another process owns the room: the client should connect again in a moment (through the
    proxy, which by then may send it to the owner). ``retry_after_ms`` travels with the code."""

    def __init__(self, message: str, retry_after_ms: int) -> None:
        super().__init__("room_moved", message)
        self.retry_after_ms = retry_after_ms
