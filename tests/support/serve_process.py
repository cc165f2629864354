"""A real ``onsite serve`` child process, for the tests that start one with asyncio: its output
collected line by line (to show when it fails) and a stop that never leaves it running."""

from __future__ import annotations

import asyncio
import signal


async def collect_lines(stream: asyncio.StreamReader, into: list[str]) -> None:
    while line := await stream.readline():
        into.append(line.decode(errors="replace"))


async def stop(process: asyncio.subprocess.Process, drain: asyncio.Task[None] | None) -> None:
    """Ctrl+C as an operator would (a clean shutdown), a kill after 20 s, then the rest of its
    output."""
    if process.returncode is None:
        process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(process.wait(), timeout=20)
        except TimeoutError:
            process.kill()
            await process.wait()
    if drain is not None:
        await asyncio.wait_for(drain, timeout=10)
