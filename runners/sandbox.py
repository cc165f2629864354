"""A run's container: its configuration (every limit), its lifecycle (create, attach, start,
wait until warm, destroy) and the leftovers of dead engines.

Blocking code (the Docker SDK and raw sockets); the engine calls it from worker threads, never on
the event loop. The container's command is ``images/sandbox/onsite-launch``, which runs as root
with three capabilities and starts everything else as ``PROGRAM_UID``; how one run is driven
through it is ``runners.execution``, its wire format ``runners.protocol`` and the verdict rules
``runners.verdicts``.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import socket
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import docker
import requests
from docker.types import LogConfig, Ulimit

from runners.catalogue import Language, Limits
from runners.contract import Judging, RunResult
from runners.protocol import READY_LINE, Frames

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from runners.execution import TestPlan

SANDBOX_LABEL = "onsite.sandbox"
POOL_LABEL = "onsite.pool"
LANGUAGE_LABEL = "onsite.language"
OWNER_LABEL = "onsite.owner"
"""``<host>:<pid>:<nonce>`` of the engine that made a container; start-up reaps dead owners'."""
RUN_USER = "0:0"
"""The launcher's user; it runs the warm step, the compiler and the program as ``PROGRAM_UID``."""
PROGRAM_UID = 1000
LAUNCHER_CAPABILITIES = ["SETUID", "SETGID", "KILL"]
"""All the launcher keeps (no-new-privileges): to become uid 1000 and to kill uid 1000's
processes. Without CAP_DAC_OVERRIDE it can neither read nor change the program's private files,
and the program, another user with no capabilities, cannot signal, trace or read it."""
PRIVATE_DIR = "/onsite"
"""The launcher's own tmpfs (mode 0700): a test's stdin, the compiler's output, the snapshot."""
ENVIRONMENT = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "HOME": "/tmp",
    "TMPDIR": "/tmp",
}
"""The whole environment of a run: nothing of the host's leaks in."""


@dataclass(frozen=True, slots=True)
class StageTimes:
    compile_timeout_s: float
    run_timeout_s: float
    output_bytes: int


def cpu_time_limit_s(limits: Limits) -> int:
    """The program's RLIMIT_CPU: a little above what the wall limit lets it use on its CPUs, so
    the wall clock normally decides; it catches what escapes that (a CPU count raised later)."""
    return math.ceil(limits.run_timeout_ms / 1000 * limits.cpus) + 1


def container_config(language: Language, limits: Limits) -> dict[str, Any]:
    """Keyword arguments of ``create_container`` (``host_config`` as ``create_host_config``
    kwargs); the same for pooled and on-demand containers."""
    tmpfs_opts = f"rw,exec,nosuid,nodev,size={limits.tmpfs_mb}m,mode=1777"
    memory = limits.memory_mb * 1024 * 1024
    host_config: dict[str, Any] = {
        "network_mode": "none",
        "read_only": True,
        "tmpfs": {
            "/work": tmpfs_opts,
            "/tmp": tmpfs_opts,
            PRIVATE_DIR: f"rw,noexec,nosuid,nodev,size={limits.tmpfs_mb}m,mode=0700",
        },
        "cap_drop": ["ALL"],
        "cap_add": LAUNCHER_CAPABILITIES,
        "security_opt": ["no-new-privileges"],
        "pids_limit": limits.pids,
        "mem_limit": memory,
        "memswap_limit": memory,
        "mem_swappiness": 0,
        "nano_cpus": int(limits.cpus * 1_000_000_000),
        "ulimits": [
            Ulimit(name="nofile", soft=limits.nofile, hard=limits.nofile),
            Ulimit(name="fsize", soft=limits.fsize_mb << 20, hard=limits.fsize_mb << 20),
            Ulimit(name="core", soft=0, hard=0),
        ],
        "log_config": LogConfig(type="none"),
        "ipc_mode": "private",
        "shm_size": 16 * 1024 * 1024,
    }
    return {
        "image": language.image,
        # stdin_open makes the SDK set StdinOnce too: closing our attach closes the program's stdin.
        "command": [
            language.source_file,
            language.compile or "",
            language.run,
            language.warm or "",
            str(cpu_time_limit_s(limits)),
        ],
        "stdin_open": True,
        "tty": False,
        "user": RUN_USER,
        "working_dir": "/work",
        "environment": ENVIRONMENT,
        "network_disabled": True,
        "labels": {SANDBOX_LABEL: "1", LANGUAGE_LABEL: language.id},
        "host_config": host_config,
    }


@dataclass(slots=True)
class Sandbox:
    """A created, attached and started container, waiting on its stdin for one run."""

    client: docker.DockerClient
    container_id: str
    language: Language
    limits: Limits
    sock: Any
    raw_socket: socket.socket
    """The socket under the SDK's ``SocketIO`` wrapper (whose ``close`` forgets it)."""
    created_at: float = field(default_factory=time.monotonic)
    frames: Frames = field(default_factory=Frames)
    """Everything read from the attach stream so far, split by stream."""
    ready: bool = False
    """The launcher finished its warm step (its ready line has been read and dropped)."""
    eof: bool = False

    def read(self, deadline: float) -> bool:
        """Read one chunk into ``frames``; False when the deadline passed (``eof`` at the end)."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        self.raw_socket.settimeout(remaining)
        try:
            chunk = self.raw_socket.recv(1 << 16)
        except TimeoutError:
            return False
        except OSError:
            chunk = b""
        if not chunk:
            self.eof = True
            return True
        self.frames.feed(chunk)
        return True

    def wait_ready(self, timeout_s: float) -> bool:
        """Block until the launcher's warm step is done, so the pool hands out warm containers."""
        deadline = time.monotonic() + timeout_s
        stderr = self.frames.stderr
        while not stderr.startswith(READY_LINE):
            if len(stderr) >= len(READY_LINE) or self.eof or not self.read(deadline):
                return False
        del stderr[: len(READY_LINE)]
        self.ready = True
        return True

    @classmethod
    def launch(
        cls,
        client: docker.DockerClient,
        language: Language,
        limits: Limits,
        *,
        pool: bool = False,
        owner: str = "",
    ) -> Sandbox:
        config = container_config(language, limits)
        config["labels"] = {**config["labels"], OWNER_LABEL: owner}
        if pool:
            config["labels"][POOL_LABEL] = language.id
        api = client.api
        host_config = config.pop("host_config")
        created = api.create_container(host_config=api.create_host_config(**host_config), **config)
        container_id: str = created["Id"]
        sock: Any = None
        try:
            sock = api.attach_socket(
                container_id, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1}
            )
            api.start(container_id)
        except BaseException:
            if sock is not None:
                raw = sock._sock
                with contextlib.suppress(Exception):
                    sock.close()
                    raw.close()
            destroy(client, container_id)
            raise
        return cls(client, container_id, language, limits, sock, sock._sock)

    def close_socket(self) -> None:
        """Close the attach stream: the SDK's wrapper and the socket under it (both leak)."""
        with contextlib.suppress(Exception):
            self.sock.close()
        with contextlib.suppress(Exception):
            self.raw_socket.close()

    def destroy(self) -> None:
        self.close_socket()
        destroy(self.client, self.container_id)

    def execute(
        self,
        source: bytes,
        stdin: bytes,
        times: StageTimes,
        *,
        files: Sequence[tuple[str, bytes]] = (),
        args: Sequence[str] = (),
        tests: Sequence[TestPlan] | None = None,
        judging: Judging | None = None,
    ) -> RunResult:
        """Feed the files and stdin (or the tests one by one), follow the stages, judge."""
        from runners.execution import Execution

        return Execution(self, source, stdin, times, files, args, tests, judging).run()


def destroy(client: docker.DockerClient, container_id: str, attempts: int = 6) -> None:
    """Remove a container whatever state it is in; a container already gone is fine.

    A removal that fails on our side (a daemon too busy to answer within the client's timeout,
    a removal already in progress) is tried again, so a loaded host does not leak containers;
    whatever still fails is left to the next start-up's reaping of dead owners' containers.
    Six tries over 7.5 s (three over 1.5 s before): on a loaded host the suite twice found a
    container left behind that had exited 0 right after its stdin was closed, as ``destroy``
    does first, with no sign of a removal having gone through. Removals run in their own
    threads, so the wait costs no run any time.
    """
    for attempt in range(attempts):
        try:
            client.api.remove_container(container_id, force=True)
            return
        except docker.errors.NotFound:
            return
        except (docker.errors.APIError, requests.RequestException) as exc:
            if attempt + 1 < attempts:
                time.sleep(0.5 * (attempt + 1))
            else:
                log.warning("could not remove container %s: %s", container_id[:12], exc)
        except Exception:  # in a removal thread nobody would see it: say so, leave it to reaping
            log.exception("removing container %s failed", container_id[:12])
            return


def owner_id() -> str:
    """``host:pid:nonce`` — unique per engine, and tells a later start-up if its process lives."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def reap_leftovers(client: docker.DockerClient, *, everything: bool = False) -> int:
    """Remove sandbox containers whose engine process is gone (or all of them).

    An engine that crashed leaves its pooled containers behind; a live engine's containers (say
    the server's, while someone runs ``onsite run``) are left alone unless ``everything``.
    """
    removed = 0
    host = socket.gethostname()
    for container in client.api.containers(all=True, filters={"label": SANDBOX_LABEL}):
        owner = (container.get("Labels") or {}).get(OWNER_LABEL, "")
        owner_host, _, rest = owner.partition(":")
        pid = rest.partition(":")[0]
        if not everything and owner_host == host and pid.isdigit() and _alive(int(pid)):
            continue
        destroy(client, container["Id"])
        removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
