"""Whiteboard fan-out benchmark: drawing latency and server CPU at 50 rooms.

Each room has 3 real python-socketio clients (1 interviewer, 2 candidates) drawing freehand
strokes on the shared whiteboard, as Excalidraw through the room client does: every change
rewrites the stroke's element (its JSON, points growing by 4 per change, a new stroke every 40
changes) in the board's Y.Map, at DRAW_PER_S changes a second per client (the client's write
throttle allows at most 16). The server applies, bounds-checks, logs and relays each to the two
others. Latency is from the sender's emit to a receiver's handler, matched by the update's
(client, clock) header.

The server is bench_rooms.py's server process (uvicorn on uvloop, the GC tuned as `onsite
serve` does, SQLite in a temp dir); the clients run in --load-processes processes of their own,
on uvloop too (one Python process cannot keep up with 150 clients' receives). Run:

    .venv/bin/python tests/bench/bench_whiteboard.py [--rooms 50] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_rooms import cpu_seconds, percentile, runqueue_wait_seconds  # noqa: E402
from tests.support.net import free_port  # noqa: E402

DRAW_PER_S = 4.0
POINTS_PER_CHANGE = 4
CHANGES_PER_STROKE = 40


def stroke(element_id: str, version: int, points: list[list[float]]) -> str:
    return json.dumps(
        {
            "id": element_id,
            "type": "freedraw",
            "x": 100,
            "y": 100,
            "width": 200,
            "height": 200,
            "version": version,
            "versionNonce": random.randrange(1 << 31),
            "index": f"a{element_id}",
            "isDeleted": False,
            "strokeColor": "#1e1e1e",
            "strokeWidth": 2,
            "points": points,
            "pressures": [],
            "simulatePressure": True,
        },
        separators=(",", ":"),
    )


async def drive(url: str, plan: list[list[dict[str, Any]]], seconds: float) -> dict[str, Any]:
    import socketio
    from pycrdt import Doc, Map

    from server.rooms.protocol import get_protocol
    from server.rooms.wire import SYNC_UPDATE, Reader, encode_sync, parse_message

    sent: dict[tuple[int, int], float] = {}
    latencies: list[float] = []
    errors: list[str] = []
    sizes: list[int] = []
    measuring = False

    def on_board(data: bytes) -> None:
        now = time.perf_counter()
        message = parse_message(data)
        if getattr(message, "kind", None) != SYNC_UPDATE:
            return
        reader = Reader(message.payload)  # type: ignore[union-attr]
        if reader.var_uint() == 0:
            return
        reader.var_uint()
        start = sent.get((reader.var_uint(), reader.var_uint()))
        if start is not None and measuring:
            latencies.append((now - start) * 1000)

    clients: list[tuple[Any, Doc[Any], Map[Any]]] = []

    async def open_client(auth: dict[str, Any]) -> None:
        sio = socketio.AsyncClient(reconnection=False, serializer=get_protocol().serializer)
        sio.on("board:message", on_board)
        sio.on("error", lambda data: errors.append(str(data)))
        welcomed = asyncio.Event()
        sio.on("room:welcome", lambda _data: welcomed.set())
        doc: Doc[Any] = Doc()
        elements = doc.get("elements", type=Map)
        await sio.connect(url, auth=auth, transports=["websocket"], wait_timeout=30)
        await asyncio.wait_for(welcomed.wait(), 60)
        clients.append((sio, doc, elements))

    semaphore = asyncio.Semaphore(20)

    async def guarded(auth: dict[str, Any]) -> None:
        async with semaphore:
            try:
                await open_client(auth)
            except Exception as exc:
                errors.append(f"connect: {exc!r}")

    await asyncio.gather(*(guarded(a) for room in plan for a in room))

    async def draw(sio: Any, doc: Doc[Any], elements: Map[Any], deadline: float) -> None:
        await asyncio.sleep(random.random() / DRAW_PER_S)
        period = 1 / DRAW_PER_S
        next_at = time.perf_counter()
        change = 0
        while time.perf_counter() < deadline:
            n = change % CHANGES_PER_STROKE
            element_id = f"{doc.client_id}-{change // CHANGES_PER_STROKE}"
            points = [[i * 1.5, (i * 7) % 50 * 1.0] for i in range((n + 1) * POINTS_PER_CHANGE)]
            before = doc.get_state()
            elements[element_id] = stroke(element_id, n + 1, points)
            update = doc.get_update(before)
            reader = Reader(update)
            reader.var_uint()
            reader.var_uint()
            key = (reader.var_uint(), reader.var_uint())
            sent[key] = time.perf_counter()
            if measuring:
                sizes.append(len(update))
            await sio.emit("board:message", encode_sync(SYNC_UPDATE, update))
            change += 1
            next_at += period
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))

    ready, go = Path(os.environ["BENCH_READY"]), Path(os.environ["BENCH_GO"])
    await asyncio.to_thread(ready.write_text, str(len(clients)))
    for _ in range(6000):  # every loader is connected before anyone draws
        if await asyncio.to_thread(go.exists):
            break
        await asyncio.sleep(0.05)
    warmup = 2.0
    deadline = time.perf_counter() + warmup + seconds
    drawing = [asyncio.create_task(draw(s, d, e, deadline)) for s, d, e in clients]
    await asyncio.sleep(warmup)
    measuring = True
    sent_before = len(sent)
    cpu_start, wall_start = time.process_time(), time.perf_counter()
    await asyncio.gather(*drawing)
    loader_cpu = (time.process_time() - cpu_start) / (time.perf_counter() - wall_start) * 100
    await asyncio.sleep(0.5)
    measuring = False
    await asyncio.gather(*(s.disconnect() for s, _, _ in clients), return_exceptions=True)
    return {
        "connected": len(clients),
        "sent": len(sent) - sent_before,
        "latencies": latencies,
        "sizes": sizes,
        "errors": errors[:5],
        "loader_cpu": loader_cpu,
    }


def run(rooms: int, seconds: float, processes: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-board-") as tmp:
        tmp_path = Path(tmp)
        port = free_port()
        plan_file = tmp_path / "plan.json"
        server = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "bench" / "bench_rooms.py"), "--serve",
             str(port), str(tmp_path), str(rooms), str(plan_file), "uvicorn", ""],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        try:
            for _ in range(600):
                if plan_file.exists() and plan_file.stat().st_size:
                    break
                if server.poll() is not None:
                    raise RuntimeError("the bench server died")
                time.sleep(0.1)
            plan = json.loads(plan_file.read_text())
            go = tmp_path / "go"
            loaders, parts = [], []
            for index in range(processes):
                part = tmp_path / f"part{index}.json"
                part.write_text(json.dumps(plan[index::processes]))
                parts.append(part)
                env = {
                    **os.environ,
                    "PYTHONPATH": str(ROOT),
                    "BENCH_READY": str(part.with_suffix(".ready")),
                    "BENCH_GO": str(go),
                }
                loaders.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            __file__,
                            "--load",
                            f"http://127.0.0.1:{port}",
                            str(part),
                            str(seconds),
                            str(part.with_suffix(".out")),
                        ],
                        cwd=ROOT,
                        env=env,
                    )
                )
            deadline = time.monotonic() + 300
            while not all(p.with_suffix(".ready").exists() for p in parts):
                if time.monotonic() > deadline or any(lo.poll() is not None for lo in loaders):
                    break
                time.sleep(0.1)
            go.write_text("go")
            time.sleep(2.0)  # the loaders' warm-up
            cpu_before, wall_before = cpu_seconds(server.pid), time.perf_counter()
            wait_before = runqueue_wait_seconds(server.pid)
            time.sleep(seconds)
            cpu_used = cpu_seconds(server.pid) - cpu_before
            waited = runqueue_wait_seconds(server.pid) - wait_before
            wall = time.perf_counter() - wall_before
            for loader in loaders:
                loader.wait(timeout=seconds + 120)
            results = [
                json.loads(p.with_suffix(".out").read_text())
                for p in parts
                if p.with_suffix(".out").exists()
            ]
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
    merged: dict[str, Any] = {"connected": 0, "sent": 0, "latencies": [], "sizes": []}
    merged["errors"], merged["loader_cpu"] = [], []
    for result in results:
        for key in ("connected", "sent", "latencies", "sizes", "errors"):
            merged[key] += result[key]
        merged["loader_cpu"].append(result["loader_cpu"])
    merged["server_cpu"] = cpu_used / wall * 100
    merged["server_wait"] = waited / wall * 100
    return merged


def main() -> None:
    from server.kit.runtime import event_loop_factory

    if len(sys.argv) > 1 and sys.argv[1] == "--load":
        url, part, seconds, out = sys.argv[2:6]
        plan = json.loads(Path(part).read_text())
        with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
            result = runner.run(drive(url, plan, float(seconds)))
        Path(out).write_text(json.dumps(result))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--load-processes", type=int, default=2)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} (other processes skew the numbers)")
    print(
        f"whiteboard fan-out: {args.rooms} rooms x 3 clients, {DRAW_PER_S:g} changes/s each, "
        f"{args.seconds:g} s measured, {os.cpu_count()} CPUs"
    )
    row = run(args.rooms, args.seconds, args.load_processes)
    lat = sorted(row["latencies"])
    expected = row["sent"] * 2
    print(
        f"joined {row['connected']}, changes sent {row['sent']}, delivered {len(lat)} / {expected}"
    )
    if lat:
        print(
            f"latency ms: p50 {percentile(lat, 0.5):.1f}  p99 {percentile(lat, 0.99):.1f}  "
            f"p99.9 {percentile(lat, 0.999):.1f}  max {lat[-1]:.1f}"
        )
    if row["sizes"]:
        print(
            f"update bytes: median {statistics.median(row['sizes']):.0f}, max {max(row['sizes'])}"
        )
    loaders = ", ".join(f"{c:.0f}%" for c in row["loader_cpu"])
    print(
        f"server CPU {row['server_cpu']:.0f}% of one core, waiting for a CPU "
        f"{row['server_wait']:.0f}% of the time; load processes {loaders}"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    if row["errors"]:
        print("errors:", row["errors"])


if __name__ == "__main__":
    main()
