"""One run in one fresh container: create it with every limit, feed it, watch it, read its verdict.

Blocking code (the Docker SDK and raw sockets); the engine calls it from worker threads, never on
the event loop. The container's command is ``images/sandbox/onsite-launch``: it reads a header,
the source and the user's stdin from the attached stdin, writes a compile record on stdout before
any untrusted code runs, and a trailer after every process of the run is dead. This module is the
host side of that protocol: it demultiplexes the attach stream, enforces the output caps and the
deadlines (killing the container, not just the client call) and turns what it saw into a
``RunResult``. Between a compiled language's two stages the launcher waits for ``GO_LINE``, sent
once the host has reset the container's memory peak, so each stage reports its own numbers.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import signal as signals
import socket
import struct
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import docker
import requests
from docker.types import LogConfig, Ulimit

from runners.catalogue import Language, Limits
from runners.cgroup import ContainerCgroup
from runners.contract import RunResult, Stage, Verdict

SANDBOX_LABEL = "onsite.sandbox"
POOL_LABEL = "onsite.pool"
LANGUAGE_LABEL = "onsite.language"
OWNER_LABEL = "onsite.owner"
"""``<host>:<pid>:<nonce>`` of the engine that made a container; start-up reaps dead owners'."""
RUN_USER = "1000:1000"
ENVIRONMENT = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "HOME": "/tmp",
    "TMPDIR": "/tmp",
}
"""The whole environment of a run: nothing of the host's leaks in."""

READY_LINE = b"#ONSITE-READY\n"
GO_LINE = b"ONSITE-GO\n"
"""Sent after a compiled language's compile record, once the host has reset the memory peak."""
TRAILER_SLACK = 160
"""Bytes of stdout allowed past the cap for the launcher's trailer."""

_COMPILE_RECORD = re.compile(rb"#ONSITE-COMPILE (-|-?\d+ \d+ \d+ \d+ \d+ -?\d+) (-?\d+)\n")
_TRAILER = re.compile(rb"\n#ONSITE-END (-?\d+) (-?\d+) (-?\d+) (-?\d+)\n\Z")
_MAX_RECORD_LINE = 200


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
        "tmpfs": {"/work": tmpfs_opts, "/tmp": tmpfs_opts},
        "cap_drop": ["ALL"],
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


class SandboxError(Exception):
    """Our side failed to create, start or talk to a container."""


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
    early: bytes = b""
    """Attach-stream bytes read while waiting for the ready line (normally none)."""
    ready: bool = False
    """The launcher finished its warm step (its ready line has been read and dropped)."""

    def wait_ready(self, timeout_s: float) -> bool:
        """Block until the launcher's warm step is done, so the pool hands out warm containers."""
        deadline = time.monotonic() + timeout_s
        buffer = b""
        stderr = b""
        while READY_LINE not in stderr:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            self.raw_socket.settimeout(remaining)
            try:
                chunk = self.raw_socket.recv(1 << 12)
            except OSError:
                return False
            if not chunk:
                return False
            buffer += chunk
            while len(buffer) >= 8:
                kind, size = struct.unpack(">BxxxL", buffer[:8])
                if len(buffer) < 8 + size:
                    break
                if kind == 2:
                    stderr += buffer[8 : 8 + size]
                buffer = buffer[8 + size :]
        self.early = buffer
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

    def execute(self, source: bytes, stdin: bytes, times: StageTimes) -> RunResult:
        """Feed the source and stdin, follow the two stages, decide the verdict."""
        return _Execution(self, source, stdin, times).run()


def destroy(client: docker.DockerClient, container_id: str) -> None:
    """Remove a container whatever state it is in; a container already gone is fine."""
    with contextlib.suppress(
        docker.errors.NotFound, docker.errors.APIError, requests.RequestException
    ):
        client.api.remove_container(container_id, force=True)


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


def signal_name(status: int) -> str | None:
    """128+n from a shell or tini means "killed by signal n"."""
    if 128 < status < 128 + 65:
        with contextlib.suppress(ValueError):
            return signals.Signals(status - 128).name
    return None


@dataclass(slots=True)
class _Streams:
    """What came out of the container so far, split by stream and stage."""

    stdout: bytearray = field(default_factory=bytearray)
    stderr: bytearray = field(default_factory=bytearray)
    stderr_dropped: bool = False
    eof: bool = False


class _Execution:
    """One pass through queued → compiling → running → finished for one sandbox."""

    def __init__(self, sandbox: Sandbox, source: bytes, stdin: bytes, times: StageTimes) -> None:
        self.sandbox = sandbox
        self.source = source
        self.stdin = stdin
        self.times = times
        self.cap = times.output_bytes
        self.pending = sandbox.early
        self.streams = _Streams()
        self.compile_stage: Stage | None = None
        self.compile_failed_status: int | None = None
        self.run_started: float | None = None
        self.run_cpu_start: int | None = None
        self.cgroup = ContainerCgroup(sandbox.container_id)
        self.go = threading.Event()
        """Set once the run stage may start (compiled languages wait for it)."""
        self.run_peak_reset = not sandbox.language.compiled
        """The memory peak counts only the run stage (interpreted: there is no other stage)."""

    # -- the socket ---------------------------------------------------------------------------

    def _write_input(self) -> None:
        header = f"ONSITE1 {len(self.source)} {self.cap}\n".encode()
        raw = self.sandbox.raw_socket
        try:
            raw.sendall(header + self.source)
            if self.sandbox.language.compiled:
                self.go.wait(self.times.compile_timeout_s + 10)
                raw.sendall(GO_LINE)
            view = memoryview(self.stdin)
            for start in range(0, len(view), 1 << 16):
                raw.sendall(view[start : start + (1 << 16)])
            raw.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the program exited or was killed without reading everything: not an error

    def _read_frames(self, deadline: float) -> bool:
        """Read one chunk into the stream buffers; False when the deadline passed."""
        raw = self.sandbox.raw_socket
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        raw.settimeout(remaining)
        try:
            chunk = raw.recv(1 << 16)
        except TimeoutError:
            return False
        except OSError:
            chunk = b""
        if not chunk:
            self.streams.eof = True
            return True
        self.pending += chunk
        while len(self.pending) >= 8:
            kind, size = struct.unpack(">BxxxL", self.pending[:8])
            if len(self.pending) < 8 + size:
                break
            payload = self.pending[8 : 8 + size]
            self.pending = self.pending[8 + size :]
            if kind == 2:
                self.streams.stderr += payload
            else:
                self.streams.stdout += payload
        return True

    # -- the stages ---------------------------------------------------------------------------

    def run(self) -> RunResult:
        language = self.sandbox.language
        writer = threading.Thread(target=self._write_input, daemon=True, name="onsite-stdin")
        # The compile (or run) stage's peak starts here, not with a pooled container's warm step.
        self.cgroup.reset_memory_peak()
        started = time.monotonic()
        writer.start()
        try:
            compile_deadline = (
                started + self.times.compile_timeout_s + (0.0 if language.compiled else 2.0)
            )
            record = self._await_compile_record(compile_deadline)
            if record is None:
                if self.streams.eof:
                    return self._launcher_failed()
                self._kill()
                if not language.compiled:
                    return self._internal("the sandbox did not start the program in time")
                stage = Stage(
                    stdout=_text(self.streams.stdout[: self.cap]),
                    stderr=_text(self.streams.stderr[: self.cap]),
                    wall_ms=_ms(time.monotonic() - started),
                )
                return RunResult(
                    Verdict.TIME_LIMIT, language.id, compile=stage,
                    message="compilation took longer than the time limit",
                )  # fmt: skip
            compile_wall = _ms(time.monotonic() - started)
            verdict = self._after_compile_record(record, compile_wall)
            if verdict is not None:
                return verdict
            return self._follow_run()
        finally:
            self.go.set()
            self.sandbox.close_socket()

    def _await_compile_record(self, deadline: float) -> re.Match[bytes] | None:
        while True:
            match = _COMPILE_RECORD.match(bytes(self.streams.stdout[:_MAX_RECORD_LINE]))
            if match:
                fields_ = match.group(1).split()
                if fields_[0] == b"-":
                    return match
                out_sent, err_sent = int(fields_[3]), int(fields_[4])
                if len(self.streams.stdout) >= match.end() + out_sent + err_sent:
                    return match
            elif len(self.streams.stdout) > _MAX_RECORD_LINE or self.streams.eof:
                return None
            if self.streams.eof or not self._read_frames(deadline):
                return None

    def _after_compile_record(self, match: re.Match[bytes], wall_ms: int) -> RunResult | None:
        fields_ = match.group(1).split()
        cpu_now = int(match.group(2))
        body_start = match.end()
        self.run_cpu_start = cpu_now if cpu_now >= 0 else None
        if fields_[0] == b"-":
            rest = self.streams.stdout[body_start:]
        else:
            status, out_size, err_size, out_sent, err_sent, compile_cpu = map(int, fields_)
            out = self.streams.stdout[body_start : body_start + out_sent]
            err = self.streams.stdout[body_start + out_sent : body_start + out_sent + err_sent]
            rest = self.streams.stdout[body_start + out_sent + err_sent :]
            compile_peak = self.cgroup.memory_peak_bytes()
            if status == 0:
                # The launcher waits for GO_LINE: the run's peak starts clean.
                self.run_peak_reset = self.cgroup.reset_memory_peak()
                self.go.set()
            self.compile_stage = Stage(
                stdout=_text(out),
                stderr=_text(err),
                exit_code=status if signal_name(status) is None else None,
                signal=signal_name(status),
                wall_ms=wall_ms,
                cpu_ms=compile_cpu // 1_000_000 if compile_cpu >= 0 else None,
                memory_kb=compile_peak // 1024 if compile_peak is not None else None,
                stdout_truncated=out_size > out_sent,
                stderr_truncated=err_size > err_sent,
            )
            if status != 0:
                # Only a killed compiler can have been the OOM killer's victim.
                oom = False
                if signal_name(status) == "SIGKILL":
                    self._drain_until_eof(time.monotonic() + 2.0)
                    oom = bool(self._container_state().get("OOMKilled"))
                return RunResult(
                    Verdict.MEMORY_LIMIT if oom else Verdict.COMPILE_ERROR,
                    self.sandbox.language.id,
                    compile=self.compile_stage,
                    message="the compiler ran out of memory" if oom else None,
                )
        self.streams.stdout = bytearray(rest)
        if not self.sandbox.ready and self.streams.stderr.startswith(READY_LINE):
            del self.streams.stderr[: len(READY_LINE)]
        # stderr is not cut at the record: the program's first frames may already be in the
        # buffer (read in the same chunk), and the launcher itself writes nothing there.
        self.run_started = time.monotonic()
        return None

    def _follow_run(self) -> RunResult:
        assert self.run_started is not None
        deadline = self.run_started + self.times.run_timeout_s
        limit_hit: Verdict | None = None
        while not self.streams.eof:
            if (
                len(self.streams.stdout) > self.cap + TRAILER_SLACK
                or len(self.streams.stderr) > self.cap
            ):
                limit_hit = Verdict.OUTPUT_LIMIT
                break
            if not self._read_frames(deadline):
                limit_hit = Verdict.TIME_LIMIT
                break
        wall = _ms(time.monotonic() - self.run_started)
        language_id = self.sandbox.language.id
        if limit_hit is not None:
            # Read the counters while the container still exists: a time limit should show the
            # CPU time that was spent.
            cpu_end, peak = self.cgroup.cpu_ns(), self.cgroup.memory_peak_bytes()
            self._kill()
            state = self._container_state()
            if limit_hit is Verdict.TIME_LIMIT and state.get("OOMKilled"):
                limit_hit = Verdict.MEMORY_LIMIT
            stage = self._run_stage(
                wall,
                exit_code=None,
                signal="SIGKILL",
                cpu=self._run_cpu_ms(cpu_end if cpu_end is not None else -1),
                mem=peak // 1024 if peak is not None and self.run_peak_reset else None,
            )
            message = {
                Verdict.OUTPUT_LIMIT: f"the program wrote more than {self.cap // 1024} KiB",
                Verdict.TIME_LIMIT: (f"the program ran longer than {self.times.run_timeout_s:g} s"),
                Verdict.MEMORY_LIMIT: "the program ran out of memory",
            }[limit_hit]
            return RunResult(limit_hit, language_id, self.compile_stage, stage, message)

        trailer = _TRAILER.search(bytes(self.streams.stdout[-_MAX_RECORD_LINE:]))
        oom_kills = 0
        final_state: dict[str, Any] = {}
        if trailer is not None:
            # The launcher outlived the program and reported: no need to wait for the container
            # to stop (that wait is most of a short run's latency).
            cut = len(self.streams.stdout) - (len(trailer.group(0)))
            del self.streams.stdout[cut:]
            status, cpu_now, mem, oom_kills = (int(g) for g in trailer.groups())
        else:
            final_state = self._container_state()
            status, cpu_now, mem = int(final_state.get("ExitCode") or 0), -1, -1
        cpu_ms = self._run_cpu_ms(cpu_now)
        sig = signal_name(status)
        stage = self._run_stage(
            wall,
            exit_code=None if sig else status,
            signal=sig,
            cpu=cpu_ms,
            mem=mem // 1024 if mem >= 0 and self.run_peak_reset else None,
        )
        cpu_limit_ms = cpu_time_limit_s(self.sandbox.limits) * 1000
        cpu_limit_hit = sig == "SIGXCPU" or (
            sig == "SIGKILL" and cpu_ms is not None and cpu_ms >= cpu_limit_ms
        )
        if stage.stdout_truncated or stage.stderr_truncated:
            verdict = Verdict.OUTPUT_LIMIT
        elif cpu_limit_hit:
            verdict = Verdict.TIME_LIMIT
        elif final_state.get("OOMKilled") or oom_kills > 0:
            verdict = Verdict.MEMORY_LIMIT
        elif status != 0:
            verdict = Verdict.RUNTIME_ERROR
        else:
            verdict = Verdict.OK
        messages = {
            Verdict.OUTPUT_LIMIT: f"the program wrote more than {self.cap // 1024} KiB",
            Verdict.MEMORY_LIMIT: "the program ran out of memory",
            Verdict.TIME_LIMIT: f"the program used more than {cpu_limit_ms // 1000} s of CPU time",
        }
        return RunResult(verdict, language_id, self.compile_stage, stage, messages.get(verdict))

    def _run_cpu_ms(self, cpu_now: int) -> int | None:
        if cpu_now < 0 or self.run_cpu_start is None:
            return None
        return max(0, cpu_now - self.run_cpu_start) // 1_000_000

    def _run_stage(
        self,
        wall: int,
        *,
        exit_code: int | None,
        signal: str | None,
        cpu: int | None,
        mem: int | None,
    ) -> Stage:
        out, err = _without_bom(self.streams.stdout), _without_bom(self.streams.stderr)
        return Stage(
            stdout=_text(out[: self.cap]),
            stderr=_text(err[: self.cap]),
            exit_code=exit_code,
            signal=signal,
            wall_ms=wall,
            cpu_ms=cpu,
            memory_kb=mem,
            stdout_truncated=len(out) > self.cap,
            stderr_truncated=len(err) > self.cap,
        )

    # -- endings ------------------------------------------------------------------------------

    def _drain_until_eof(self, deadline: float) -> None:
        while not self.streams.eof and len(self.streams.stdout) < 4 * self.cap:
            if not self._read_frames(deadline):
                return

    def _container_state(self) -> dict[str, Any]:
        """Exit code and OOM flag, after the container has stopped (waits a little for that)."""
        api = self.sandbox.client.api
        with contextlib.suppress(requests.RequestException, docker.errors.APIError):
            api.wait(self.sandbox.container_id, timeout=5)
        try:
            state: dict[str, Any] = api.inspect_container(self.sandbox.container_id)["State"]
        except (requests.RequestException, docker.errors.APIError):
            return {}
        return state

    def _kill(self) -> None:
        # Close our end first: a kill with an unread attach stream open can hang for 30 s.
        self.sandbox.close_socket()
        with contextlib.suppress(requests.RequestException, docker.errors.APIError):
            self.sandbox.client.api.kill(self.sandbox.container_id)

    def _launcher_failed(self) -> RunResult:
        state = self._container_state()
        if state.get("OOMKilled"):
            return RunResult(
                Verdict.MEMORY_LIMIT, self.sandbox.language.id,
                message="the sandbox ran out of memory before the program started",
            )  # fmt: skip
        detail = _text(self.streams.stderr[:500]).strip()
        return self._internal(
            f"the sandbox stopped before the program started (exit {state.get('ExitCode')})"
            + (f": {detail}" if detail else "")
        )

    def _internal(self, message: str) -> RunResult:
        return RunResult(Verdict.INTERNAL_ERROR, self.sandbox.language.id, message=message)


def _without_bom(data: bytearray) -> bytearray:
    """Mono writes a byte-order mark first once a program sets ``Console.OutputEncoding`` to
    UTF-8; no user expects to see it in the output panel."""
    return data[3:] if data.startswith(b"\xef\xbb\xbf") else data


def _text(data: bytes | bytearray) -> str:
    return bytes(data).decode("utf-8", errors="replace")


def _ms(seconds: float) -> int:
    return int(seconds * 1000)
