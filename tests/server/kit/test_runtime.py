"""Process tuning for `onsite serve`: uvloop as the loop, start-up objects frozen out of the GC."""

from __future__ import annotations

import asyncio
import gc
import warnings
from collections.abc import Iterator

import pytest
import uvloop

from server.kit.runtime import event_loop_factory, tune_garbage_collector


@pytest.fixture
def restored_gc() -> Iterator[None]:
    # Garbage earlier tests left (an unclosed socket's ResourceWarning) is theirs, not this
    # test's: collect it quietly first, so the collection under test finds none of it.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_the_server_loop_is_uvloop() -> None:
    loop = event_loop_factory()()
    try:
        assert isinstance(loop, uvloop.Loop)
        assert loop.run_until_complete(asyncio.sleep(0, "ran")) == "ran"
    finally:
        loop.close()


@pytest.mark.usefixtures("restored_gc")
def test_start_up_objects_are_frozen_and_young_collections_spaced_out() -> None:
    tune_garbage_collector(50_000)
    assert gc.get_freeze_count() > 1000  # the modules and classes imported so far
    assert gc.get_threshold()[0] == 50_000


@pytest.mark.usefixtures("restored_gc")
def test_threshold_zero_keeps_pythons_own() -> None:
    before = gc.get_threshold()
    tune_garbage_collector(0)
    assert gc.get_threshold() == before
