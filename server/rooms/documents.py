"""A server-owned Yjs document that applies client updates strictly and reports what changed.

What is relayed to the other clients and written to the update log is the update pycrdt itself
emits for the transaction, not the bytes the client sent: bytes pycrdt ignored (Yjs v2) or held
back (missing dependencies) therefore never reach anyone else, and are reported as an error.
"""

from __future__ import annotations

from typing import Any

from pycrdt import Doc, Map, Text, TransactionEvent

from server.rooms.errors import UpdateRejectedError
from server.rooms.wire import Reader, WireError, parse_state_vector


class SyncedDoc:
    """A pycrdt ``Doc`` with a text (and maybe a meta map) bound by name, as the client binds.

    The whiteboard binds no text: its one root is a map (``map_name``) of element id to the
    element's JSON, read back with ``entries()`` only for playback and tests."""

    def __init__(
        self,
        text_name: str | None,
        meta_name: str | None = None,
        stdin_name: str | None = None,
        *,
        map_name: str | None = None,
    ) -> None:
        self.doc: Doc[Any] = Doc()
        self.text: Text | None = (
            self.doc.get(text_name, type=Text) if text_name is not None else None
        )
        self.stdin: Text | None = (
            self.doc.get(stdin_name, type=Text) if stdin_name is not None else None
        )
        """The shared standard input: part of the document, so everyone runs with the same."""
        self.meta: Map[object] | None = (
            self.doc.get(meta_name, type=Map) if meta_name is not None else None
        )
        self.map: Map[object] | None = (
            self.doc.get(map_name, type=Map) if map_name is not None else None
        )
        self.size = 0
        """Bytes of the document as one encoded update, measured at load and kept current by
        adding what each applied update produced (an upper bound: merged or deleted content is
        counted until the next ``measure()``)."""
        self._emitted: list[bytes] = []
        self._subscription = self.doc.observe(self._on_transaction)

    def _on_transaction(self, event: TransactionEvent) -> None:
        update: bytes = event.update
        if update != b"\x00\x00":
            self._emitted.append(update)

    def state_vector(self) -> bytes:
        state: bytes = self.doc.get_state()
        return state

    def diff(self, remote_state_vector: bytes) -> bytes:
        """The sync step 2 answer: everything the remote lacks."""
        try:
            parse_state_vector(remote_state_vector)
            update: bytes = self.doc.get_update(remote_state_vector)
        except (WireError, ValueError) as exc:
            raise UpdateRejectedError("invalid_sync_message", f"bad state vector: {exc}") from None
        return update

    def apply(self, update: bytes) -> list[bytes]:
        """Applies a v1 update; returns the updates it produced (empty if already known)."""
        self._emitted.clear()
        try:
            self.doc.apply_update(update)
        except ValueError as exc:
            raise UpdateRejectedError("invalid_update", f"update does not decode: {exc}") from None
        produced = list(self._emitted)
        self._emitted.clear()
        self.size += sum(len(u) for u in produced)
        if not produced and self._is_news(update):
            raise UpdateRejectedError(
                "update_not_applied",
                "the update was not applied yet: its dependencies have not arrived (it is held "
                "until they do) or it is not Yjs v1 encoded; send sync step 1 to resynchronise",
            )
        return produced

    def _is_news(self, update: bytes) -> bool:
        """True if an update that changed nothing was not simply already known.

        pycrdt can't say whether it held an update back, so read the v1 header: the first
        client group's starting clock beyond ours is a gap. An update with no groups must be a
        well-formed delete set, which Yjs v2 bytes (feature flag 0, then byte arrays) are not.
        """
        reader = Reader(update)
        try:
            groups = reader.var_uint()
            if groups == 0:
                for _ in range(reader.var_uint()):
                    reader.var_uint()
                    for _ in range(reader.var_uint()):
                        reader.var_uint()
                        reader.var_uint()
                return not reader.done()
            reader.var_uint()  # number of structs in the group
            client = reader.var_uint()
            clock = reader.var_uint()
        except WireError:
            return True
        ours = parse_state_vector(self.state_vector())
        return clock > ours.get(client, 0)

    def seed(self, text: str, meta: dict[str, object] | None = None) -> list[bytes]:
        """Writes the starting content of a fresh room; returns the updates for the log."""
        self._emitted.clear()
        with self.doc.transaction():
            if text and self.text is not None:
                self.text += text
            if meta and self.meta is not None:
                for key, value in meta.items():
                    self.meta[key] = value
        produced = list(self._emitted)
        self._emitted.clear()
        self.size += sum(len(u) for u in produced)
        return produced

    def load(self, updates: list[bytes]) -> None:
        """Rebuilds the document from its logged updates (after a restart)."""
        with self.doc.transaction():
            for update in updates:
                self.doc.apply_update(update)
        self._emitted.clear()
        self.measure()

    def measure(self) -> int:
        """The exact encoded size now (an O(document) encode, so only when the running bound
        says the document may be near its limit)."""
        self.size = len(self.full_update())
        return self.size

    def full_update(self) -> bytes:
        update: bytes = self.doc.get_update()
        return update

    def content(self) -> str:
        return str(self.text) if self.text is not None else ""

    def entries(self) -> dict[str, object]:
        """The bound map's items (the whiteboard's elements), as plain values."""
        return dict(self.map.items()) if self.map is not None else {}

    def stdin_content(self) -> str:
        return str(self.stdin) if self.stdin is not None else ""

    def meta_value(self, key: str) -> object | None:
        if self.meta is None:
            return None
        return self.meta.get(key)
