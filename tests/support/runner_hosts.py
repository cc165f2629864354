"""Two runner hosts on one machine for the run-queue tests and the bench: the main Docker engine
and a second ``dockerd`` (``scripts/ensure-runner-dockerd.sh``: own socket, data root, no bridge),
each served by an ``onsite runner`` process.

No stand-ins: if the second daemon cannot start, ``ensure_runner_dockerd`` raises with its log,
and a worker that does not come up raises with its own log.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOST2_SOCKET = "unix:///run/onsite-runner2/docker.sock"
HOST2_LOG = Path("/var/log/onsite-runner2-dockerd.log")
HOST1_SOCKET = "unix:///var/run/docker.sock"
RUNNER_USER = "runner"
RUNNER_PASSWORD = "runner-test-password"
FAST_TIMING = {
    "ONSITE_ENGINE_RUNNER_HEARTBEAT_MS": "500",
    "ONSITE_ENGINE_RUNNER_CLAIM_IDLE_MS": "1500",
}
"""Heartbeats and claims faster than the defaults, so a dead worker's job is taken in ~2 s."""


def ensure_runner_dockerd() -> None:
    """Start (or find) runner host 2's daemon with its images; raise with its log otherwise."""
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "ensure-runner-dockerd.sh")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        log = HOST2_LOG.read_text()[-3000:] if HOST2_LOG.exists() else "(no log)"
        raise RuntimeError(
            f"runner host 2's dockerd did not start:\n{done.stdout}\n{done.stderr}\n"
            f"--- {HOST2_LOG} ---\n{log}"
        )


@dataclass
class WorkerProcess:
    """One ``onsite runner`` process (the real CLI)."""

    name: str
    process: subprocess.Popen[bytes]
    log_file: Path
    argv: list[str] = field(default_factory=list)

    @classmethod
    def start(
        cls,
        name: str,
        *,
        redis_url: str,
        key_prefix: str,
        docker_url: str,
        workdir: Path,
        slots: int = 2,
        languages: Sequence[str] = ("python", "c"),
        cpu: int | None = None,
        env: Mapping[str, str] | None = None,
        pool_sizes: str = "python=2,c=1",
        warm: bool = True,
    ) -> WorkerProcess:
        """Start one and wait until it serves (``warm``: until its warm pool is full too)."""
        workdir.mkdir(parents=True, exist_ok=True)
        log_file = workdir / f"{name}.log"
        argv = [
            sys.executable, "-m", "server.cli", "runner", "--redis-url", redis_url,
            "--key-prefix", key_prefix, "--docker-url", docker_url, "--name", name,
            "--languages", ",".join(languages), "--slots", str(slots),
        ]  # fmt: skip
        if cpu is not None:
            argv = ["taskset", "-c", str(cpu), *argv]
        environ = {
            **os.environ,
            **FAST_TIMING,
            "ONSITE_ENGINE_POOL_SIZES": pool_sizes,
            "PYTHONPATH": str(ROOT),
            **(env or {}),
        }
        with log_file.open("ab") as out:
            process = subprocess.Popen(
                argv, stdout=out, stderr=subprocess.STDOUT, env=environ, cwd=str(ROOT)
            )
        worker = cls(name, process, log_file, argv)
        worker.wait_for(f"runner {worker.id_prefix}", ": warm" if warm else " slot(s)", 180)
        return worker

    @property
    def id_prefix(self) -> str:
        """The start of this process's worker id (``<name>:<pid>:``): the log file is shared by
        the restarts of one host, so lines are told apart by it."""
        return f"{self.name}:{self.process.pid}:"

    def log(self) -> str:
        try:
            return self.log_file.read_text()
        except OSError:
            return ""

    def wait_for(self, text: str, end: str, timeout_s: float) -> None:
        """Until a line of the log contains ``text`` and ends with ``end``."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if any(text in line and line.endswith(end) for line in self.log().splitlines()):
                return
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"runner {self.name} exited ({self.process.returncode}):\n{self.log()[-3000:]}"
                )
            time.sleep(0.1)
        raise RuntimeError(f"runner {self.name} did not log {text!r}:\n{self.log()[-3000:]}")

    def kill(self) -> None:
        """kill -9: no goodbye, its jobs stay pending in Redis."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self, timeout_s: float = 60) -> int:
        """SIGTERM, as systemd stops it; the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        return self.process.returncode
