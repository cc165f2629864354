"""Room fan-out benchmark: edit latency p50/p99 and server CPU at 50, 200 and 500 rooms.

Each room has 3 real python-socketio clients (1 interviewer, 2 candidates) typing 5 keystrokes a
second each; every keystroke is a Yjs v1 update the server applies, logs and relays to the two
others. Latency is from the sender's emit to a receiver's handler, matched by the update's
(client, clock) header; the three clients of a room share one process, so one clock serves.

The server runs in its own process (uvicorn on uvloop with the GC tuned as `onsite serve` does,
SQLite in a temp dir, the fake engine since no run is made); the load comes from several client
processes, on uvloop too. Each level is bounded in time. Run:

    .venv/bin/python tests/bench/bench_rooms.py [--levels 50,200,500] [--seconds 10]

Prints a table; target on the 2-core machine: p99 <= 15 ms at 200 rooms.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
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

from tests.support.net import free_port

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

KEYSTROKES_PER_S = 5.0
CLIENTS_PER_ROOM = 3
SERVER_PREFIX: list[str] = [s for s in os.environ.get("BENCH_SERVER_PREFIX", "").split() if s]


# ---- server process ----------------------------------------------------------------------------


def schema_for(data_dir: Path) -> str:
    return data_dir.name.replace("-", "_").lower()


async def run_sql(url: str, statement: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


class GcPauses:
    """Counts the server's garbage collections by generation and keeps the longest pause.

    A full collection stops the loop for its whole duration, so it shows up in the latency tail;
    this says whether a slow p99.9 was the collector or the work.
    """

    def __init__(self) -> None:
        self.counts = [0, 0, 0]
        self.longest_ms = [0.0, 0.0, 0.0]
        self._began = 0.0
        self.stalls = 0
        self.worst_stall_ms = 0.0
        gc.callbacks.append(self._observe)

    def _observe(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
            return
        generation = info["generation"]
        self.counts[generation] += 1
        pause = (time.perf_counter() - self._began) * 1000
        self.longest_ms[generation] = max(self.longest_ms[generation], pause)

    def summary(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "longest_ms": self.longest_ms,
            "stalls": self.stalls,
            "worst_stall_ms": self.worst_stall_ms,
        }

    async def watch_loop(self) -> None:
        """Counts the times the server's loop was 10 ms or more late for a 5 ms timer."""
        while True:
            planned = time.perf_counter() + 0.005
            await asyncio.sleep(0.005)
            late = (time.perf_counter() - planned) * 1000
            self.worst_stall_ms = max(self.worst_stall_ms, late)
            if late >= 10:
                self.stalls += 1


async def start_server(kind: str, asgi: Any, port: int) -> None:
    """Serves until SIGTERM with the ASGI server `onsite serve` would use, or the other one."""
    if kind == "uvicorn":
        import logging

        import uvicorn

        from server.kit.runtime import uvicorn_config

        logging.basicConfig(level=logging.WARNING)
        uv_config = uvicorn_config(asgi, "127.0.0.1", port)
        await uvicorn.Server(uv_config).serve()  # handles SIGTERM itself
        return
    from hypercorn.asyncio import serve as hypercorn_serve
    from hypercorn.config import Config

    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.accesslog = None
    config.errorlog = None
    config.backlog = 4096
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await hypercorn_serve(asgi, config, shutdown_trigger=stop.wait)


async def serve(
    port: int, data_dir: Path, rooms: int, out: Path, server_kind: str, database_url: str
) -> None:

    from server.accounts.models import User
    from server.app import create_app
    from server.asgi import attach_socket_server
    from server.interviews import service as interviews
    from server.interviews.schemas import InterviewCreate
    from server.kit.db import unit_of_work
    from server.kit.runtime import tune_garbage_collector
    from server.kit.security import create_access_token
    from server.kit.state import get_state
    from server.rooms.tokens import create_candidate_token
    from server.settings import Settings
    from tests.support.fake_engine import FakeEngine

    schema = ""
    if database_url:  # PostgreSQL, the multi-node setting: a schema of its own per level
        schema = schema_for(data_dir)
        await run_sql(database_url, f'CREATE SCHEMA "{schema}"')
    settings = Settings.for_tests(
        data_dir,
        rooms={"reconnect_grace_seconds": 5},
        database_url=database_url,
        database_schema=schema,
    )
    app = create_app(settings, FakeEngine())
    asgi = attach_socket_server(app)
    tune_garbage_collector(settings.server.gc_gen0_threshold)  # as `onsite serve` does
    server = asyncio.create_task(start_server(server_kind, asgi, port))
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            break
        except OSError:
            await asyncio.sleep(0.05)
    plan: list[list[dict[str, Any]]] = []
    async with unit_of_work(get_state(app).sessions) as session:
        for index in range(rooms):
            user = User(email=f"bench{index}@example.com", name=f"Interviewer {index}")
            session.add(user)
            await session.flush()
            interview = await interviews.create_interview(
                session, user.id, InterviewCreate(title=f"Bench {index}", candidate_name="C")
            )
            access = create_access_token(user.id, settings)
            auths: list[dict[str, Any]] = [{"interview_id": interview.id, "access_token": access}]
            for c in range(CLIENTS_PER_ROOM - 1):
                token = create_candidate_token(
                    interview.id, f"c{index}x{c}", f"Cand {c}", interview.join_code, settings
                )
                auths.append({"token": token})
            plan.append(auths)
    await asyncio.to_thread(out.write_text, json.dumps(plan))
    pauses = GcPauses()

    async def report_collections() -> None:
        # Written as it goes: uvicorn re-raises SIGTERM once it has shut down, so nothing after
        # `await server` would run.
        while True:
            await asyncio.sleep(0.5)
            out.with_suffix(".gc").write_text(json.dumps(pauses.summary()))

    reporting = asyncio.create_task(report_collections())
    watching = asyncio.create_task(pauses.watch_loop())
    await server
    reporting.cancel()
    watching.cancel()


# ---- load process ------------------------------------------------------------------------------


async def loop_lag(until: float) -> float:
    """The worst lateness of a 10 ms timer: how far this generator's own loop fell behind.

    A saturated generator delays both its sends and its receive handlers, and that delay would
    otherwise show up as server latency.
    """
    worst = 0.0
    while time.perf_counter() < until:
        planned = time.perf_counter() + 0.01
        await asyncio.sleep(0.01)
        worst = max(worst, time.perf_counter() - planned)
    return worst * 1000


async def load(url: str, rooms: list[list[dict[str, Any]]], seconds: float, out: Path) -> None:
    import msgpack  # type: ignore[import-untyped]
    import socketio
    from pycrdt import Doc, Text

    from server.rooms.protocol import get_protocol
    from server.rooms.wire import SYNC_UPDATE, Reader, encode_sync, parse_message

    sent: dict[tuple[int, int], float] = {}
    latencies: list[float] = []
    errors: list[str] = []
    measuring = False

    def on_update(data: bytes) -> None:
        now = time.perf_counter()
        try:
            message = parse_message(data)
        except ValueError:
            return
        if getattr(message, "kind", None) != SYNC_UPDATE:
            return
        reader = Reader(message.payload)  # type: ignore[union-attr]
        if reader.var_uint() == 0:
            return
        reader.var_uint()
        key = (reader.var_uint(), reader.var_uint())
        start = sent.get(key)
        if start is not None and measuring:
            latencies.append((now - start) * 1000)

    clients: list[tuple[Any, Doc[Any], Text]] = []
    frame_faults: list[str] = []

    def watch_frames(sio: Any) -> None:
        """Checks the Engine.IO frames as they come off the socket, before python-socketio's
        per-message tasks: with the room's MessagePack encoding every message must be one binary
        frame holding a whole Socket.IO packet (no text frames, no separate attachments).
        """
        receive = sio.eio._receive_packet

        async def checked(pkt: Any) -> None:
            if pkt.packet_type == 4:  # an Engine.IO message
                if not isinstance(pkt.data, bytes):
                    frame_faults.append(f"a text frame: {pkt.data[:40]!r}")
                else:
                    try:
                        decoded = msgpack.unpackb(pkt.data)
                    except ValueError as exc:
                        frame_faults.append(f"not MessagePack: {exc}")
                    else:
                        if not isinstance(decoded, dict) or "type" not in decoded:
                            frame_faults.append(f"not a whole packet: {decoded!r:.40}")
            await receive(pkt)

        sio.eio._receive_packet = checked

    async def open_client(auth: dict[str, Any]) -> None:
        # A plan entry may name its interview under "route": it then goes in the connection
        # query, as the browser sends it, for a proxy that routes by it (bench_rooms_cluster.py).
        auth = dict(auth)
        route = auth.pop("route", None)
        target = f"{url}/?interview={route}" if route else url
        sio = socketio.AsyncClient(reconnection=False, serializer=get_protocol().serializer)
        sio.on("sync:message", on_update)
        sio.on("error", lambda data: errors.append(str(data)))
        welcomed = asyncio.Event()
        sio.on("room:welcome", lambda _data: welcomed.set())
        doc: Doc[Any] = Doc()
        text = doc.get("code", type=Text)
        watch_frames(sio)
        await sio.connect(target, auth=auth, transports=["websocket"], wait_timeout=30)
        await asyncio.wait_for(welcomed.wait(), 60)  # joined the room, not just connected
        clients.append((sio, doc, text))

    semaphore = asyncio.Semaphore(20)  # a join storm is not what this measures
    failures: list[str] = []

    async def guarded(auth: dict[str, Any]) -> None:
        async with semaphore:
            try:
                await open_client(auth)
            except Exception as exc:
                failures.append(f"connect: {exc!r}")

    # The generators get the server's collector settings too: a full collection in a load
    # process would stall its receive handlers and be measured as server latency.
    from server.kit.runtime import tune_garbage_collector
    from server.settings import ServerSettings

    tune_garbage_collector(ServerSettings().gc_gen0_threshold)
    joining = time.perf_counter()
    await asyncio.gather(*(guarded(a) for room in rooms for a in room))
    join_seconds = time.perf_counter() - joining
    errors.extend(failures[:3])
    # Tell the driver we are connected, then start typing when every loader is.
    ready = out.with_suffix(".ready")
    go = out.parent / "go"
    await asyncio.to_thread(ready.write_text, str(len(clients)))
    for _ in range(6000):  # polling a file: the driver is another process
        if await asyncio.to_thread(go.exists):
            break
        await asyncio.sleep(0.05)

    async def type_keys(sio: Any, doc: Doc[Any], text: Text, deadline: float) -> None:
        await asyncio.sleep(random.random() / KEYSTROKES_PER_S)
        period = 1 / KEYSTROKES_PER_S
        next_at = time.perf_counter()
        while time.perf_counter() < deadline:
            # Each keystroke appends one character, so our own clock is the text's length: no
            # state-vector parsing on the generator's hot path.
            clock = len(text)
            before = doc.get_state()
            text.insert(clock, "x")
            update = doc.get_update(before)
            sent[(doc.client_id, clock)] = time.perf_counter()
            await sio.emit("sync:message", encode_sync(SYNC_UPDATE, update))
            next_at += period
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))

    warmup = 2.0
    deadline = time.perf_counter() + warmup + seconds
    typing = [asyncio.create_task(type_keys(s, d, t, deadline)) for s, d, t in clients]
    await asyncio.sleep(warmup)
    measuring = True
    cpu_start, wall_start = time.process_time(), time.perf_counter()
    lag = asyncio.create_task(loop_lag(deadline))
    await asyncio.gather(*typing)
    cpu_used, wall_used = time.process_time() - cpu_start, time.perf_counter() - wall_start
    await asyncio.sleep(0.5)
    measuring = False
    result = {
        "latencies": latencies,
        "errors": errors[:5],
        "sent": len(sent),
        "connected": len(clients),
        "join_s": join_seconds,
        "cpu_percent": cpu_used / wall_used * 100,
        "loop_lag_ms": await lag,
    }
    # Disconnect while late updates may still be arriving, and keep checking the wire meanwhile:
    # python-socketio's client drops a half-received binary event on disconnect, so its errors
    # at this point ("attachment without a header") are not the server's doing if the wire check
    # stays clean.
    await asyncio.gather(*(s.disconnect() for s, _, _ in clients), return_exceptions=True)
    result["frame_faults"] = len(frame_faults)
    result["frame_fault_examples"] = frame_faults[:3]
    await asyncio.to_thread(out.write_text, json.dumps(result))


# ---- driver ------------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def runqueue_wait_seconds(pid: int) -> float:
    """Time the server's loop thread was runnable but not running: CPU taken by other processes."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[1]) / 1e9


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run_level(
    rooms: int, seconds: float, load_processes: int, server_kind: str, database_url: str
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-rooms-") as tmp:
        tmp_path = Path(tmp)
        port = free_port()
        plan_file = tmp_path / "plan.json"
        server = subprocess.Popen(
            [
                sys.executable,
                *SERVER_PREFIX,
                __file__,
                "--serve",
                str(port),
                str(tmp_path),
                str(rooms),
                str(plan_file),
                server_kind,
                database_url,
            ],
            cwd=ROOT,
        )
        loaders: list[subprocess.Popen[bytes]] = []
        try:
            for _ in range(600):
                if plan_file.exists() and plan_file.stat().st_size:
                    break
                if server.poll() is not None:
                    raise RuntimeError("the bench server died")
                time.sleep(0.1)
            plan = json.loads(plan_file.read_text())
            processes = min(load_processes, rooms)
            results = []
            for index in range(processes):
                part = plan[index::processes]
                part_file = tmp_path / f"load{index}.json"
                result_file = tmp_path / f"result{index}.json"
                part_file.write_text(json.dumps(part))
                results.append(result_file)
                loaders.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            __file__,
                            "--load",
                            f"http://127.0.0.1:{port}",
                            str(part_file),
                            str(seconds),
                            str(result_file),
                        ],
                        cwd=ROOT,
                    )
                )
            connect_deadline = time.monotonic() + 300
            while not all(r.with_suffix(".ready").exists() for r in results):
                if time.monotonic() > connect_deadline or any(
                    loader.poll() is not None for loader in loaders
                ):
                    break
                time.sleep(0.1)
            (tmp_path / "go").write_text("go")
            time.sleep(2.0)  # the loaders' warm-up
            cpu_before, wall_before = cpu_seconds(server.pid), time.perf_counter()
            wait_before = runqueue_wait_seconds(server.pid)
            time.sleep(seconds)
            cpu_after, wall_after = cpu_seconds(server.pid), time.perf_counter()
            wait_after = runqueue_wait_seconds(server.pid)
            for loader in loaders:
                loader.wait(timeout=seconds + 120)
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
            gc_file = plan_file.with_suffix(".gc")
            collections = json.loads(gc_file.read_text()) if gc_file.exists() else None
            latencies: list[float] = []
            errors: list[str] = []
            connected = 0
            join_s = 0.0
            gen_cpu: list[float] = []
            gen_lag: list[float] = []
            frame_faults = 0
            for result_file in results:
                if result_file.exists():
                    data = json.loads(result_file.read_text())
                    latencies += data["latencies"]
                    errors += data["errors"]
                    connected += data["connected"]
                    join_s = max(join_s, data["join_s"])
                    gen_cpu.append(data["cpu_percent"])
                    gen_lag.append(data["loop_lag_ms"])
                    frame_faults += data["frame_faults"]
                    errors += data["frame_fault_examples"]
                else:
                    errors.append(f"{result_file.name}: the load process wrote no result")
            expected = (
                rooms * CLIENTS_PER_ROOM * KEYSTROKES_PER_S * seconds * (CLIENTS_PER_ROOM - 1)
            )
            return {
                "rooms": rooms,
                "clients": rooms * CLIENTS_PER_ROOM,
                "connected": connected,
                "join_s": join_s,
                "deliveries": len(latencies),
                "expected": int(expected),
                "p50": percentile(latencies, 0.50),
                "p99": percentile(latencies, 0.99),
                "p999": percentile(latencies, 0.999),
                "max": max(latencies) if latencies else float("nan"),
                "mean": statistics.fmean(latencies) if latencies else float("nan"),
                "server_cpu": (cpu_after - cpu_before) / (wall_after - wall_before) * 100,
                "server_wait": (wait_after - wait_before) / (wall_after - wall_before) * 100,
                "gen_cpu": max(gen_cpu, default=float("nan")),
                "gen_lag": max(gen_lag, default=float("nan")),
                "frame_faults": frame_faults,
                "errors": errors[:3],
                "gc": collections,
            }
        finally:
            for loader in loaders:
                if loader.poll() is None:
                    loader.kill()
            if server.poll() is None:
                server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
            if database_url:
                schema = schema_for(tmp_path)
                asyncio.run(run_sql(database_url, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


def main() -> None:
    from server.kit.runtime import event_loop_factory

    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        port, data_dir, rooms, out, kind, database_url = sys.argv[2:8]
        with asyncio.Runner(loop_factory=event_loop_factory()) as runner:  # uvloop, as served
            runner.run(serve(int(port), Path(data_dir), int(rooms), Path(out), kind, database_url))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--load":
        url, part, seconds, out = sys.argv[2:6]
        rooms = json.loads(Path(part).read_text())
        with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
            runner.run(load(url, rooms, float(seconds), Path(out)))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="50,200,500")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--load-processes", type=int, default=2)
    parser.add_argument(
        "--database",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="the update log's database: SQLite (the embedded default) or PostgreSQL "
        "(ONSITE_TEST_POSTGRES_URL, as the tests use)",
    )
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="niceness for the server and load processes (negative needs root): measures our "
        "code rather than the other work on a shared machine",
    )
    parser.add_argument("--server", choices=("hypercorn", "uvicorn"), default="uvicorn")
    args = parser.parse_args()
    if args.nice:
        os.nice(args.nice)  # inherited by the server and load processes
    database_url = ""
    if args.database == "postgresql":
        database_url = os.environ.get(
            "ONSITE_TEST_POSTGRES_URL",
            "postgresql+asyncpg://onsite:onsite@127.0.0.1:5432/onsite_test",
        )
    print(f"load average before: {os.getloadavg()[0]:.2f} (other processes skew the numbers)")
    print(
        f"room fan-out: {CLIENTS_PER_ROOM} clients/room, {KEYSTROKES_PER_S:g} keystrokes/s each, "
        f"{args.seconds:g} s measured per level, {os.cpu_count()} CPUs, "
        f"{args.load_processes} load processes + 1 {args.server} server process, nice {args.nice}, "
        f"{args.database}"
    )
    columns = (
        "rooms",
        "clients",
        "joined",
        "join s",
        "deliv.",
        "expect",
        "p50 ms",
        "p99 ms",
        "p99.9 ms",
        "max ms",
        "srv CPU%",
        "srv wait%",
        "gen CPU%",
        "gen lag",
    )
    header = " ".join(f"{c:>8}" for c in columns)
    print(header)
    print("-" * len(header))
    for level in (int(v) for v in args.levels.split(",")):
        row = run_level(level, args.seconds, args.load_processes, args.server, database_url)
        print(
            f"{row['rooms']:>8} {row['clients']:>8} {row['connected']:>8} {row['join_s']:>8.1f} "
            f"{row['deliveries']:>8} {row['expected']:>8} {row['p50']:>8.1f} "
            f"{row['p99']:>8.1f} {row['p999']:>8.1f} {row['max']:>8.1f} "
            f"{row['server_cpu']:>8.0f} {row['server_wait']:>8.0f} "
            f"{row['gen_cpu']:>8.0f} {row['gen_lag']:>8.1f}",
            flush=True,
        )
        if row["gc"]:
            counts, longest = row["gc"]["counts"], row["gc"]["longest_ms"]
            print(
                f"       server GC over the whole level: {counts[2]} full collections "
                f"(longest {longest[2]:.1f} ms), {counts[1]} gen-1 (longest {longest[1]:.1f} ms); "
                f"loop stalls >= 10 ms: {row['gc']['stalls']} "
                f"(worst {row['gc']['worst_stall_ms']:.1f} ms)"
            )
        if row["frame_faults"]:
            print(f"       {row['frame_faults']} frames that were not one whole packet")
        if row["errors"]:
            print(f"       errors: {row['errors']}")
    print(
        "target: p99 <= 15 ms at 200 rooms; deliveries below 'expect' mean the load or the "
        "server could not keep up (events dropped or late beyond the window). 'gen CPU%' is the "
        "busiest load process (near 100 = the generator, not the server, is the bottleneck); "
        "'gen lag' its worst 10 ms timer lateness in ms; 'srv wait%' is the time the server was "
        "runnable but waiting for a CPU (other processes on the machine)."
    )


if __name__ == "__main__":
    main()
