"""A real cluster on loopback: PostgreSQL, server processes and haproxy (tests and bench).

``open_cluster`` migrates a fresh PostgreSQL schema, starts server processes
(``tests/server/cluster/node.py``: ``onsite serve`` with the fake engine) on it with one shared
signing secret, and a real haproxy in front of them rendered from the shipped
``deploy/haproxy/haproxy.cfg`` (``tests/support/haproxy.py``). Callers add a process
(``start_nodes`` + ``proxy.reload``), kill one with SIGKILL (``kill``) and ask PostgreSQL which
process holds which room (``owners``: the ground truth, ``pg_locks`` joined with the
ownership connection's ``application_name``).

Everything is synchronous here (subprocesses, ``asyncio.run`` for the schema), so a module's
cluster outlives each test's own event loop; tests talk to it with their own clients and
database connections.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from server.kit.db import create_db_engine, open_database
from server.rooms.ownership import (
    APPLICATION_PREFIX,
    OWNER_QUERY,
    asyncpg_dsn,
    lock_ids,
    lock_key,
    namespace_of,
)
from server.settings import REPO_ROOT, Settings
from tests.conftest import postgres_url
from tests.support.haproxy import Haproxy, Node
from tests.support.net import free_port

NODE_START_TIMEOUT_S = 30.0
T = TypeVar("T")


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Runs a coroutine to its end from synchronous code, in a thread of its own: the caller's
    thread may already run a loop (Playwright's sync API keeps one running)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


@dataclass
class NodeProcess:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def node(self) -> Node:
        """As haproxy knows it; a fixed id from the name (node4 is id 4 whoever else is up)."""
        digits = "".join(c for c in self.name if c.isdigit())
        return Node(self.name, "127.0.0.1", self.port, int(digits) if digits else 0)

    @property
    def alive(self) -> bool:
        return self.process.poll() is None


@dataclass
class Cluster:
    workdir: Path
    settings: Settings
    """The cluster's settings as the test process uses them (database, signing secret)."""
    config_file: Path
    nodes: dict[str, NodeProcess] = field(default_factory=dict)
    proxy: Haproxy | None = None

    @property
    def url(self) -> str:
        assert self.proxy is not None
        return self.proxy.url

    def live_nodes(self) -> list[NodeProcess]:
        return [n for n in self.nodes.values() if n.alive]

    def start_nodes(self, names: Sequence[str]) -> list[NodeProcess]:
        started = [self._spawn(name) for name in names]
        for node in started:
            _wait_listening(node)
        self.nodes.update({node.name: node for node in started})
        return started

    def _spawn(self, name: str) -> NodeProcess:
        port = free_port()
        env = {
            **os.environ,
            "PYTHONPATH": str(REPO_ROOT),
            "ONSITE_CONFIG": str(self.config_file),
            "ONSITE_DATA_DIR": str(self.workdir / name),
        }
        log_path = self.workdir / f"{name}.log"
        with log_path.open("wb") as out:  # the child keeps its own copy of the descriptor
            process = subprocess.Popen(
                [sys.executable, "-m", "tests.server.cluster.node", "--port", str(port)],
                env=env,
                cwd=REPO_ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        return NodeProcess(name, port, process, log_path)

    def kill(self, name: str) -> None:
        """``kill -9``: no shutdown hook runs; the kernel closes the process's sockets."""
        node = self.nodes[name]
        node.process.send_signal(signal.SIGKILL)
        node.process.wait(10)

    def name_of(self, node_id: str) -> str | None:
        """Which test node a node id (``<host>-<pid>-<rand>``) belongs to."""
        for node in self.nodes.values():
            if f"-{node.process.pid}-" in node_id:
                return node.name
        return None

    def sessions(self) -> ClusterDatabase:
        return ClusterDatabase(self.settings)

    async def owners(self, room_ids: Sequence[str]) -> dict[str, list[str]]:
        """Room id → the names of the processes PostgreSQL says hold its lock (at most one:
        an advisory lock has one holder; the list shows it)."""
        conn = await asyncpg.connect(asyncpg_dsn(self.settings))
        try:
            namespace = namespace_of(self.settings)
            found: dict[str, list[str]] = {}
            for room_id in room_ids:
                classid, objid = lock_ids(lock_key(namespace, room_id))
                rows = await conn.fetch(OWNER_QUERY, classid, objid)
                found[room_id] = [
                    self.name_of(str(row[0]).removeprefix(APPLICATION_PREFIX)) or str(row[0])
                    for row in rows
                ]
            return found
        finally:
            await conn.close()


class ClusterDatabase:
    """Sessions on the cluster's database for the test's own reads and writes."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    @contextlib.asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncSession]:
        engine = create_db_engine(self._settings)
        try:
            maker = async_sessionmaker(engine, expire_on_commit=False)
            async with maker() as session, session.begin():
                yield session
        finally:
            await engine.dispose()


def _wait_listening(node: NodeProcess) -> None:
    import socket

    deadline = time.monotonic() + NODE_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if not node.alive:
            raise RuntimeError(f"{node.name} exited: {node.log_path.read_text()[-3000:]}")
        with socket.socket() as sock:
            sock.settimeout(0.2)
            if sock.connect_ex(("127.0.0.1", node.port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"{node.name} did not listen in time: {node.log_path.read_text()[-3000:]}")


async def _create_schema(url: str, schema: str, settings: Settings) -> None:
    admin = create_async_engine(url, poolclass=NullPool)
    try:
        async with admin.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    finally:
        await admin.dispose()
    engine, _ = await open_database(settings)  # migrates to head
    await engine.dispose()


async def _drop_schema(url: str, schema: str) -> None:
    admin = create_async_engine(url, poolclass=NullPool)
    try:
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        await admin.dispose()


CONFIG = """\
environment = "test"
database_url = "{url}"
database_schema = "{schema}"

[auth]
jwt_secret = "{secret}"
bcrypt_rounds = 4
require_email_verification = false
signups_per_ip = 10000

[organization]
initial_signup_policy = "open"

[mail]
smtp_host = ""

[turn]
enabled = false

[server]
client_dist = "{client_dist}"
public_url = "http://127.0.0.1:{proxy_port}"

[rooms]
reconnect_grace_seconds = 2
moved_retry_ms = 100
handover_min_seconds = 1.0
"""


@contextlib.contextmanager
def open_cluster(
    workdir: Path,
    names: Sequence[str],
    rooms: Mapping[str, object] | None = None,
    *,
    client_dist: Path | None = None,
    health_path: str | None = None,
) -> Iterator[Cluster]:
    """A migrated schema, the named server processes and haproxy; all gone on exit. With
    ``client_dist`` the processes serve the built client (browser tests)."""
    url = postgres_url()
    proxy_port = free_port()
    schema = f"c_{uuid.uuid4().hex[:16]}"
    secret = secrets.token_hex(32)
    config_file = workdir / "onsite.toml"
    config = CONFIG.format(
        url=url,
        schema=schema,
        secret=secret,
        client_dist=client_dist or workdir / "no-client-dist",
        proxy_port=proxy_port,
    )
    for key, value in (rooms or {}).items():  # [rooms] is the last section of CONFIG
        lines = [line for line in config.splitlines() if not line.startswith(f"{key} =")]
        config = "\n".join([*lines, f"{key} = {value}"]) + "\n"
    config_file.write_text(config)
    settings = Settings.for_tests(
        workdir / "tests",
        database_url=url,
        database_schema=schema,
        auth={"jwt_secret": secret, "bcrypt_rounds": 4},
    )
    run_async(_create_schema(url, schema, settings))
    made = Cluster(workdir, settings, config_file)
    try:
        made.start_nodes(names)
        made.proxy = Haproxy.start(
            workdir / "haproxy",
            proxy_port,
            [n.node for n in made.nodes.values()],
            health_path=health_path,
        )
        yield made
    finally:
        if made.proxy is not None:
            made.proxy.stop()
        for node in made.nodes.values():
            if node.alive:
                node.process.terminate()
        for node in made.nodes.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                node.process.wait(10)
            if node.alive:
                node.process.kill()
        run_async(_drop_schema(url, schema))
