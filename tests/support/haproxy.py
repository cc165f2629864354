"""The shipped haproxy configuration, rendered with the tests' ports, and a real haproxy on it.

``render`` takes ``deploy/haproxy/haproxy.cfg`` as it ships and changes only what a test must:
the listening address, the server lines of both backends (every node under the same name in
each, as production requires), the check timings (a test kills a node and wants it marked down
in a fraction of a second) and what this machine lacks (syslog, the admin socket's directory).
Everything that decides routing (``balance url_param interview``, ``hash-type consistent``,
``http-send-name-header``) comes from the shipped file, so the tests exercise it.

``Haproxy.reload`` is the production reload: a new process with ``-sf <old pid>``; the old
one keeps its open WebSockets until they close, new connections follow the new servers.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from server.settings import REPO_ROOT

SHIPPED_CONFIG = REPO_ROOT / "deploy" / "haproxy" / "haproxy.cfg"
HAPROXY = "/usr/sbin/haproxy"
DROPPED_GLOBALS = ("log ", "stats socket", "user ", "group ", "chroot ", "daemon")


@dataclass(frozen=True)
class Node:
    name: str
    host: str
    port: int
    server_id: int = 0
    """haproxy's fixed ``id`` (its place on the hash ring); 0: its position in the list."""


def render(
    nodes: Sequence[Node],
    port: int,
    *,
    health_path: str | None = None,
    check_interval_ms: int = 200,
    template: str | None = None,
) -> str:
    """The shipped configuration with these nodes, listening on 127.0.0.1:``port``. Without
    ``health_path`` the checks are plain TCP connects (a killed process refuses at once)."""
    text = template if template is not None else SHIPPED_CONFIG.read_text()
    out: list[str] = []
    section = ""
    for line in text.splitlines():
        stripped = line.strip()
        if line and not line[0].isspace():
            section = stripped.split()[0] if stripped else ""
        if stripped.startswith("#") or not stripped:
            out.append(line)
            continue
        if section in ("global", "defaults") and stripped.startswith(DROPPED_GLOBALS):
            continue
        if section == "global" and stripped.startswith("maxconn "):
            out.append("    maxconn 4000")  # within this machine's open-file limit
            # One thread: on a small test machine haproxy's threads compete with the servers and
            # the load for the same cores (bench_rooms_cluster at 100 rooms, 2 processes: p99
            # 2103 ms with the default two threads, 291 ms with one).
            out.append("    nbthread 1")
            continue
        if stripped.startswith("bind "):
            out.append(f"    bind 127.0.0.1:{port}")
            continue
        if stripped.startswith(("option httpchk", "http-check")):
            if health_path is not None:
                out.append(line.replace("/api/health", health_path))
            continue
        if section == "defaults" and stripped.startswith("timeout connect") and health_path:
            out.append(line)
            out.append("    timeout check 1s")
            continue
        if stripped.startswith("default-server"):
            # A TCP check fails at once for a killed process; an HTTP check answered by a busy
            # process can be late, so it gets a second chance before the process is marked down.
            falls = "fall 1" if health_path is None else "fall 3"
            out.append(
                f"    default-server check inter {check_interval_ms}ms {falls} rise 1"
                + (" on-marked-down shutdown-sessions" if "shutdown-sessions" in line else "")
            )
            continue
        if stripped.startswith("server "):
            if out and out[-1].lstrip().startswith("server "):
                continue  # the shipped servers after the first are replaced with ours
            out.extend(
                f"    server {n.name} {n.host}:{n.port} id {n.server_id or i + 1}"
                for i, n in enumerate(nodes)
            )
            continue
        out.append(line)
    return "\n".join(out) + "\n"


@dataclass
class Haproxy:
    workdir: Path
    port: int
    health_path: str | None = None
    """haproxy's HTTP check (``/api/health``); None: plain TCP connects."""
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    generation: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def config_path(self) -> Path:
        return self.workdir / f"haproxy-{self.generation}.cfg"

    @classmethod
    def start(
        cls, workdir: Path, port: int, nodes: Sequence[Node], *, health_path: str | None = None
    ) -> Haproxy:
        workdir.mkdir(parents=True, exist_ok=True)
        proxy = cls(workdir, port, health_path)
        proxy._launch(nodes, previous=None)
        return proxy

    def reload(self, nodes: Sequence[Node]) -> None:
        """A new haproxy with these nodes takes over the port (``-sf``); the old one finishes
        its open connections."""
        previous = self.processes[-1]
        self.generation += 1
        self._launch(nodes, previous=previous)

    def _launch(self, nodes: Sequence[Node], previous: subprocess.Popen[bytes] | None) -> None:
        self.config_path.write_text(render(nodes, self.port, health_path=self.health_path))
        check = subprocess.run(
            [HAPROXY, "-c", "-q", "-f", str(self.config_path)], capture_output=True, text=True
        )
        if check.returncode != 0:
            raise RuntimeError(f"haproxy refused the rendered config: {check.stderr}")
        args = [HAPROXY, "-db", "-f", str(self.config_path)]
        if previous is not None:
            args += ["-sf", str(previous.pid)]
        log = self.workdir / f"haproxy-{self.generation}.log"
        with log.open("wb") as out:  # the child keeps its own copy of the descriptor
            process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
        self.processes.append(process)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"haproxy exited ({process.returncode}); see {log.name}")
            if previous is None and _accepts(self.port):
                return
            if previous is not None and (previous.poll() is not None or _accepts(self.port)):
                time.sleep(0.2)  # the new process has bound the port next to the old one
                return
            time.sleep(0.02)
        raise RuntimeError("haproxy did not start listening within 10 s")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(5)
            if process.poll() is None:
                process.kill()


def _accepts(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        try:
            sock.connect(("127.0.0.1", port))
        except OSError:
            return False
        return True
