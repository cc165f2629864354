"""Awareness states (cursor, selection, name, colour) of a room, as y-protocols keeps them.

The server keeps the latest state of every Yjs client so a newcomer gets them all at once, and
remembers which participant announced which Yjs client id, so that when a participant leaves for
good their cursors are removed for everyone (a null state with a higher clock, as y-protocols does).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from server.rooms.wire import AwarenessEntry

COLOUR = re.compile(
    r"^(#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?"
    r"|rgba\((25[0-5]|2[0-4]\d|1?\d?\d), (25[0-5]|2[0-4]\d|1?\d?\d), "
    r"(25[0-5]|2[0-4]\d|1?\d?\d), (0|1|0?\.\d{1,3})\))$"
)
"""A hex colour or a plain ``rgba(r, g, b, a)`` (the client's light shade): nothing else can
reach the CSS the other side's editor builds from it."""
MEDIA_FIELD = "media"
"""The client's camera/screen flags (``{pid, camera, screen}``), relayed with the cursor."""


def checked_entry(
    entry: AwarenessEntry, *, participant_id: str, name: str, colour: str
) -> AwarenessEntry:
    """The entry as the server relays it: what others' editors render about this participant
    comes from the room, not from the sender. The name is the one in the participant's token
    (nobody can show up as "Interviewer"), colours are plain colours (the other side's
    editor puts them into CSS: ``red;position:fixed;…`` would restyle its page), and the media
    flags are booleans of the sender's own participant id."""
    state = entry.state
    if state is None:
        return entry
    checked = dict(state)
    user = state.get("user")
    user = dict(user) if isinstance(user, dict) else {}
    user["name"] = name
    for key in ("color", "colorLight"):
        value = user.get(key)
        if not (isinstance(value, str) and COLOUR.match(value)):
            user[key] = colour if key == "color" else colour + "40"
    checked["user"] = {k: user[k] for k in ("name", "color", "colorLight")}
    media = state.get(MEDIA_FIELD)
    if media is not None:
        flags = media if isinstance(media, dict) else {}
        checked[MEDIA_FIELD] = {
            "pid": participant_id,
            "camera": flags.get("camera") is True,
            "screen": flags.get("screen") is True,
        }
    return replace(entry, state=checked)


@dataclass(slots=True)
class _Known:
    clock: int
    state: dict[str, Any] | None
    owner: str


class AwarenessStates:
    def __init__(self, max_clients_per_participant: int = 8) -> None:
        self._known: dict[int, _Known] = {}
        self._max_per_owner = max_clients_per_participant

    def apply(self, owner: str, entries: tuple[AwarenessEntry, ...]) -> list[AwarenessEntry]:
        """Applies entries announced by ``owner``; returns those that changed anything."""
        changed: list[AwarenessEntry] = []
        for entry in entries:
            known = self._known.get(entry.client_id)
            if known is not None and known.owner != owner:
                continue  # a client id belongs to whoever announced it first
            if known is None:
                if entry.state is None:
                    continue
                owned = [cid for cid, k in self._known.items() if k.owner == owner]
                if len(owned) >= self._max_per_owner:
                    # A reloaded tab gets a new Yjs client id; its oldest one is stale.
                    oldest = owned[0]
                    stale = self._known.pop(oldest)
                    changed.append(AwarenessEntry(oldest, stale.clock + 1, None))
            elif entry.clock < known.clock or (
                entry.clock == known.clock and not (entry.state is None and known.state is not None)
            ):
                continue
            self._known[entry.client_id] = _Known(entry.clock, entry.state, owner)
            changed.append(entry)
        return changed

    def snapshot(self) -> list[AwarenessEntry]:
        return [
            AwarenessEntry(client_id, known.clock, known.state)
            for client_id, known in self._known.items()
            if known.state is not None
        ]

    def remove_owner(self, owner: str) -> list[AwarenessEntry]:
        """Forgets every client id of ``owner``; returns the null entries to broadcast."""
        removed = []
        for client_id, known in list(self._known.items()):
            if known.owner == owner:
                del self._known[client_id]
                removed.append(AwarenessEntry(client_id, known.clock + 1, None))
        return removed
