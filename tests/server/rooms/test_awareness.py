"""Awareness bookkeeping: clocks win, ids belong to who announced them, reloads don't pile up."""

from __future__ import annotations

from server.rooms.awareness import AwarenessStates
from server.rooms.wire import AwarenessEntry


def test_newer_clocks_win_and_old_ones_are_ignored() -> None:
    states = AwarenessStates()
    assert states.apply("ada", (AwarenessEntry(1, 2, {"x": 1}),))
    assert states.apply("ada", (AwarenessEntry(1, 1, {"x": 0}),)) == []
    assert states.apply("ada", (AwarenessEntry(1, 3, {"x": 2}),))
    assert states.snapshot() == [AwarenessEntry(1, 3, {"x": 2})]


def test_a_client_id_cannot_be_taken_over_by_another_participant() -> None:
    states = AwarenessStates()
    states.apply("ada", (AwarenessEntry(1, 1, {"name": "Ada"}),))
    assert states.apply("eve", (AwarenessEntry(1, 9, {"name": "Eve"}),)) == []
    assert states.apply("eve", (AwarenessEntry(1, 9, None),)) == []
    assert states.snapshot() == [AwarenessEntry(1, 1, {"name": "Ada"})]


def test_reloads_replace_the_oldest_client_id() -> None:
    states = AwarenessStates(max_clients_per_participant=2)
    states.apply("ada", (AwarenessEntry(1, 1, {}),))
    states.apply("ada", (AwarenessEntry(2, 1, {}),))
    changed = states.apply("ada", (AwarenessEntry(3, 1, {"new": True}),))
    assert AwarenessEntry(1, 2, None) in changed and AwarenessEntry(3, 1, {"new": True}) in changed
    assert {e.client_id for e in states.snapshot()} == {2, 3}


def test_leaving_removes_every_client_id_of_the_participant() -> None:
    states = AwarenessStates()
    states.apply("ada", (AwarenessEntry(1, 4, {}), AwarenessEntry(2, 1, {})))
    states.apply("grace", (AwarenessEntry(3, 1, {}),))
    removed = states.remove_owner("ada")
    assert sorted(removed, key=lambda e: e.client_id) == [
        AwarenessEntry(1, 5, None),
        AwarenessEntry(2, 2, None),
    ]
    assert [e.client_id for e in states.snapshot()] == [3]
