"""How `onsite serve` runs: the ASGI server's settings, the event loop and the garbage collector.

The browser tests and the room bench serve through the same functions, so what they measure and
exercise is what production runs.

Both were measured on the room's hot path (tests/bench/bench_rooms.py, README-rooms.md): uvloop
cut the server's CPU per relayed keystroke by about a fifth, and the collector settings took the
p99 latency at 100 rooms from ~80 ms to ~4 ms. The collector found nothing to free in those runs
(the room makes no reference cycles on its hot path); its full collections were pure pause,
triggered by short-lived keystroke tasks being promoted to the old generation.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable
from typing import Any

import uvicorn


def uvicorn_config(app: Any, host: str, port: int, *, access_log: bool = False) -> uvicorn.Config:
    """uvicorn with the sans-I/O ``websockets`` protocol and the app's own lifespan.

    Chosen over hypercorn + wsproto because the room's WebSocket traffic is the server's hottest
    path: in tests/bench/bench_rooms.py the server spent about 20% less CPU per relayed keystroke
    under uvicorn (see tests/bench/README-rooms.md). Logging is left as the caller set it up.
    """
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        ws="websockets-sansio",
        lifespan="on",
        access_log=access_log,
        log_config=None,
        backlog=4096,
    )


def event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop]:
    """uvloop's loop where it is installed (a dependency on Linux), else asyncio's own."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency; other platforms lack it
        return asyncio.new_event_loop
    return uvloop.new_event_loop


def tune_garbage_collector(gen0_threshold: int) -> None:
    """Freezes what start-up allocated and spaces out young-generation collections.

    Called once the app is built: the modules, classes and settings allocated so far live as
    long as the process, so ``gc.freeze`` moves them out of every later full collection, which
    then only walks what the running server allocated. ``gen0_threshold`` 0 keeps Python's own.
    """
    gc.collect()
    gc.freeze()
    if gen0_threshold:
        _, gen1, gen2 = gc.get_threshold()
        gc.set_threshold(gen0_threshold, gen1, gen2)
