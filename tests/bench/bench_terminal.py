"""Terminal benchmark: keystroke-to-echo latency through the room, and Enter-to-answer through a
real Python program in the sandbox.

Run alone: `.venv/bin/python tests/bench/bench_terminal.py [--keys 300] [--lines 40]`. Not
collected by pytest. The whole app is served in this process on loopback (uvicorn, as `onsite
serve` runs it; SQLite in a temp dir; the real Docker engine), with two python-socketio clients:
the candidate types, the interviewer watches. One keystroke at a time (the next after the echo
arrived, plus 20 ms), timed on one `perf_counter` clock from the candidate's send to the
interviewer's receipt of its echo (the server's line discipline echoes it). Then whole lines:
from Enter to the program's `Hello, …!` at the interviewer (the sandbox's round trip).
Target: keystroke-to-echo p50 <= 30 ms on loopback.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pycrdt import Text

from runners.engine import DockerEngine
from runners.settings import EngineSettings
from server.app import create_app
from server.settings import Settings
from tests.server.rooms.live import YClient, live_server

PROGRAM = 'while True:\n    name = input("Name: ")\n    print(f"Hello, {name}!")\n'
TARGET_P50_MS = 30.0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def row(name: str, values: list[float]) -> str:
    return (
        f"{name:<28} n={len(values):<4} p50={percentile(values, 50):6.1f} ms  "
        f"p90={percentile(values, 90):6.1f} ms  p99={percentile(values, 99):6.1f} ms  "
        f"mean={statistics.fmean(values):6.1f} ms"
    )


async def bench(keys: int, lines: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.for_tests(Path(tmp))
        engine = DockerEngine(EngineSettings.load(pool_sizes={"python": 1}))
        async with live_server(create_app(settings, engine), settings) as live:
            owner, access = await live.interviewer()
            interview = await live.interview(owner)
            ada = YClient(live.url, {"interview_id": interview.id, "access_token": access})
            grace = YClient(live.url, {"token": await live.candidate_token(interview)})
            await ada.connect()
            await grace.connect()
            stub = next(lang.stub for lang in engine.languages() if lang.id == "python")
            await ada.wait_text(stub)

            def rewrite(text: Text) -> None:
                text.clear()
                text.insert(0, PROGRAM)

            await ada.edit(rewrite)
            await grace.wait_text(PROGRAM)

            seen = bytearray()
            arrived = asyncio.Event()

            async def on_output(item: dict[str, Any]) -> None:
                seen.extend(bytes(item["data"]))
                arrived.set()

            ada.sio.on("terminal:output", on_output)

            async def until(text: bytes, after: int) -> None:
                while text not in seen[after:]:
                    arrived.clear()
                    await asyncio.wait_for(arrived.wait(), 30)

            await grace.call("terminal:start", {"mode": "program"})
            await until(b"Name: ", 0)
            echo_ms: list[float] = []
            for i in range(keys):
                key = "abcdefghijklmnopqrstuvwxyz"[i % 26]
                mark = len(seen)
                started = time.perf_counter()
                await grace.sio.emit("terminal:input", {"data": key})
                await until(key.encode(), mark)
                echo_ms.append((time.perf_counter() - started) * 1000)
                if i % 20 == 19:  # a line now and then, so the program's buffer stays small
                    await grace.sio.emit("terminal:input", {"data": "\r"})
                    await until(b"Name: ", mark)
                await asyncio.sleep(0.02)
            answer_ms: list[float] = []
            for i in range(lines):
                name = f"n{i}"
                await grace.sio.emit("terminal:input", {"data": name})
                await until(name.encode(), len(seen) - len(name) - 2)
                mark = len(seen)
                started = time.perf_counter()
                await grace.sio.emit("terminal:input", {"data": "\r"})
                await until(f"Hello, {name}!".encode(), mark)
                answer_ms.append((time.perf_counter() - started) * 1000)
                await asyncio.sleep(0.02)
            await grace.sio.emit("terminal:input", {"data": "\x03"})
            await ada.close()
            await grace.close()
            await engine.close()
    print(row("keystroke -> echo (room)", echo_ms))
    print(row("Enter -> answer (Python)", answer_ms))
    p50 = percentile(echo_ms, 50)
    verdict = "met" if p50 <= TARGET_P50_MS else "MISSED"
    print(f"target keystroke-to-echo p50 <= {TARGET_P50_MS:g} ms: {verdict} ({p50:.1f} ms)")
    return 0 if p50 <= TARGET_P50_MS else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keys", type=int, default=300)
    parser.add_argument("--lines", type=int, default=40)
    args = parser.parse_args()
    return asyncio.run(bench(args.keys, args.lines))


if __name__ == "__main__":
    raise SystemExit(main())
