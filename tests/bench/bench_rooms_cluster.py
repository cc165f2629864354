"""Rooms per process behind haproxy: keystroke fan-out p50/p99 with N server processes.

The load of tests/bench/bench_rooms.py (3 real python-socketio clients per room typing 5
keystrokes a second each; latency from a sender's emit to a receiver's handler on one clock),
sent through a real haproxy rendered from deploy/haproxy/haproxy.cfg, which routes every socket
by the interview id in its query to one of N server processes (tests/server/cluster/node.py:
``onsite serve`` with the fake engine) on PostgreSQL, each room owned under its advisory lock.
Each level gets a fresh cluster. Run:

    .venv/bin/python tests/bench/bench_rooms_cluster.py [--nodes 2] [--levels 100,200,300]
        [--seconds 10] [--load-processes 2]

Prints, per level, the rooms each process owned (from pg_locks), the latency percentiles and
each process's CPU; target: p99 <= 15 ms, and the answer is rooms per process at that p99.

``--acks N`` measures instead what a durable acknowledgement costs: one room through the proxy,
N keystrokes one after another, each sent with an ack (answered once its update is committed
to the update log) while a second client measures the relay of the same keystroke (which does
not wait for the commit).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench import bench_rooms  # noqa: E402
from tests.bench.bench_rooms import CLIENTS_PER_ROOM, KEYSTROKES_PER_S, percentile  # noqa: E402
from tests.support.cluster import Cluster, open_cluster, run_async  # noqa: E402


async def make_plan(cluster: Cluster, rooms: int) -> list[list[dict[str, Any]]]:
    from server.accounts.models import User
    from server.interviews import service as interviews
    from server.interviews.schemas import InterviewCreate
    from server.kit.security import create_access_token
    from server.rooms.tokens import create_candidate_token

    plan: list[list[dict[str, Any]]] = []
    async with cluster.sessions().begin() as session:
        for index in range(rooms):
            user = User(email=f"bench{index}-{uuid.uuid4().hex}@example.com", name=f"I {index}")
            session.add(user)
            await session.flush()
            interview = await interviews.create_interview(
                session, user.id, InterviewCreate(title=f"Bench {index}", candidate_name="C")
            )
            access = create_access_token(user.id, cluster.settings)
            auths: list[dict[str, Any]] = [
                {"interview_id": interview.id, "access_token": access, "route": interview.id}
            ]
            for c in range(CLIENTS_PER_ROOM - 1):
                token = create_candidate_token(
                    interview.id,
                    f"c{index}x{c}",
                    f"Cand {c}",
                    interview.join_code,
                    cluster.settings,
                )
                auths.append({"token": token, "route": interview.id})
            plan.append(auths)
    return plan


def owned_per_node(cluster: Cluster, plan: list[list[dict[str, Any]]]) -> dict[str, int]:
    room_ids = [room[0]["route"] for room in plan]
    owners = run_async(cluster.owners(room_ids))
    counts: dict[str, int] = {}
    for holders in owners.values():
        for holder in holders or ["(none)"]:
            counts[holder] = counts.get(holder, 0) + 1
    return dict(sorted(counts.items()))


def run_level(rooms: int, nodes: int, seconds: float, load_processes: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        tmp_path = Path(tmp)
        names = [f"node{i + 1}" for i in range(nodes)]
        with open_cluster(tmp_path, names, rooms={"reconnect_grace_seconds": 5}) as cluster:
            plan = run_async(make_plan(cluster, rooms))
            processes = min(load_processes, rooms)
            results: list[Path] = []
            loaders: list[subprocess.Popen[bytes]] = []
            try:
                for index in range(processes):
                    part_file = tmp_path / f"load{index}.json"
                    result_file = tmp_path / f"result{index}.json"
                    part_file.write_text(json.dumps(plan[index::processes]))
                    results.append(result_file)
                    loaders.append(
                        subprocess.Popen(
                            [
                                sys.executable,
                                bench_rooms.__file__,
                                "--load",
                                cluster.url,
                                str(part_file),
                                str(seconds),
                                str(result_file),
                            ],
                            cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)},
                        )
                    )
                deadline = time.monotonic() + 300
                while not all(r.with_suffix(".ready").exists() for r in results):
                    if time.monotonic() > deadline or any(p.poll() is not None for p in loaders):
                        break
                    time.sleep(0.1)
                owned = owned_per_node(cluster, plan)
                (tmp_path / "go").write_text("go")
                time.sleep(2.0)  # the loaders' warm-up
                pids = {n.name: n.process.pid for n in cluster.live_nodes()}
                before = {name: bench_rooms.cpu_seconds(pid) for name, pid in pids.items()}
                began = time.perf_counter()
                time.sleep(seconds)
                wall = time.perf_counter() - began
                cpu = {
                    name: (bench_rooms.cpu_seconds(pid) - before[name]) / wall * 100
                    for name, pid in pids.items()
                }
                for loader in loaders:
                    loader.wait(timeout=seconds + 120)
            finally:
                for loader in loaders:
                    if loader.poll() is None:
                        loader.kill()
        latencies: list[float] = []
        errors: list[str] = []
        connected = 0
        for result_file in results:
            if not result_file.exists():
                errors.append(f"{result_file.name}: no result")
                continue
            data = json.loads(result_file.read_text())
            latencies += data["latencies"]
            errors += data["errors"]
            connected += data["connected"]
        expected = rooms * CLIENTS_PER_ROOM * KEYSTROKES_PER_S * seconds * (CLIENTS_PER_ROOM - 1)
        return {
            "rooms": rooms,
            "nodes": nodes,
            "connected": connected,
            "clients": rooms * CLIENTS_PER_ROOM,
            "deliveries": len(latencies),
            "expected": int(expected),
            "p50": percentile(latencies, 0.50),
            "p99": percentile(latencies, 0.99),
            "p999": percentile(latencies, 0.999),
            "owned": owned,
            "cpu": cpu,
            "errors": errors[:3],
        }


async def measure_acks(cluster: Cluster, count: int) -> dict[str, float]:
    from pycrdt import Doc, Text

    from server.rooms.wire import SYNC_UPDATE, encode_sync
    from tests.server.rooms.live import YClient

    [room] = await make_plan(cluster, 1)
    url = f"{cluster.url}/?interview={room[0]['route']}"
    auths = [{k: v for k, v in auth.items() if k != "route"} for auth in room]
    typist, watcher = YClient(url, auths[0]), YClient(url, auths[1])
    await typist.connect_following_moves()
    await watcher.connect_following_moves()
    acks: list[float] = []
    relays: list[float] = []
    doc: Doc[Any] = typist.doc
    text: Text = typist.text
    try:
        for _ in range(count):
            before = doc.get_state()
            text.insert(len(text), "x")
            typist._outgoing.clear()
            update = encode_sync(SYNC_UPDATE, doc.get_update(before))
            seen = len(str(watcher.text))
            began = time.perf_counter()
            call = asyncio.create_task(typist.sio.call("sync:message", update, timeout=10))
            while len(str(watcher.text)) <= seen:
                watcher._changed.clear()
                await asyncio.wait_for(watcher._changed.wait(), 10)
            relays.append((time.perf_counter() - began) * 1000)
            assert await call == {"ok": True}
            acks.append((time.perf_counter() - began) * 1000)
            await asyncio.sleep(0.05)
    finally:
        await typist.close()
        await watcher.close()
    return {
        "ack_p50": percentile(acks, 0.5),
        "ack_p99": percentile(acks, 0.99),
        "seen_p50": percentile(relays, 0.5),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--nodes", type=int, default=2)
    parser.add_argument("--levels", default="100,200,300")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--load-processes", type=int, default=2)
    parser.add_argument("--acks", type=int, default=0, help="measure N durable acks instead")
    args = parser.parse_args()
    if args.acks:
        with tempfile.TemporaryDirectory(prefix="bench-acks-") as tmp:
            names = [f"node{i + 1}" for i in range(args.nodes)]
            with open_cluster(Path(tmp), names) as cluster:
                acked = run_async(measure_acks(cluster, args.acks))
        print(
            f"{args.acks} keystrokes: durable ack p50 {acked['ack_p50']:.1f} ms, p99"
            f" {acked['ack_p99']:.1f} ms; relayed to the other client (before the commit) p50"
            f" {acked['seen_p50']:.1f} ms (load average {os.getloadavg()[0]:.2f})"
        )
        return
    print(f"load average before: {os.getloadavg()[0]:.2f} (other processes skew the numbers)")
    print("rooms nodes connected delivered/expected   p50 ms  p99 ms  p99.9 ms  owned  CPU%")
    for level in (int(x) for x in args.levels.split(",")):
        r = run_level(level, args.nodes, args.seconds, args.load_processes)
        owned = " ".join(f"{k}={v}" for k, v in r["owned"].items())
        cpu = " ".join(f"{k}={v:.0f}" for k, v in r["cpu"].items())
        print(
            f"{r['rooms']:5d} {r['nodes']:5d} {r['connected']:5d}/{r['clients']:<5d}"
            f" {r['deliveries']:7d}/{r['expected']:<7d} {r['p50']:7.1f} {r['p99']:7.1f}"
            f" {r['p999']:9.1f}  {owned}  {cpu}"
        )
        for error in r["errors"]:
            print(f"      error: {error}")
        print(f"      load average: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
