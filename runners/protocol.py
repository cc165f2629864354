"""The launcher's wire protocol, host side: bytes in, records out. Pure: no sockets, no Docker.

``images/sandbox/onsite-launch`` runs as root inside the container and starts everything else as
uid 1000, so the program can neither signal nor read it. The host sends it, on the attached
stdin, a header with a fresh secret (``nonce``) and the files; the launcher answers on the same
stdout and stderr the program writes, but every record it writes carries the nonce and is written
only while no uid-1000 process is alive. A record without the nonce is just output; the program
never learns the nonce (it is not on any command line, in any environment or file, and it passes
through the pipes only while no process of the program exists).

Host → launcher::

    ONSITE2 <nonce> <run|tests> <output_cap> <n_files> [x<arg as \\xHH escapes>...]\\n
    (<size> <name>\\n<bytes>) × n_files        the source first
    GO\\n                                      once the compile record has been read
    run:   the user's stdin, then EOF
    tests: (TEST <stdin_size> <timeout_ms> <cpu_s>\\n<stdin>) × n, then DONE\\n

Launcher → host, each record ``\\n#ONSITE:<nonce> …\\n`` on stdout::

    COMPILE <status> <out_size> <err_size> <out_sent> <err_sent> <cpu_ns>   + the compiler's output
    COMPILE - <cpu_ns>                                                      (interpreted)
    END <test> <status> <timed_out> <wall_us> <cpu_ns> <max_memory> <oom_kills>

and after each program a marker ``\\n#ONSITE:<nonce> END <test>\\n`` on stderr, so both streams can
be cut at the same point. ``READY_LINE`` on stderr (before the header, without a nonce) says the
warm step is done; no program has run by then.
"""

from __future__ import annotations

import re
import secrets
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field

MAGIC = b"ONSITE2"
READY_LINE = b"#ONSITE-READY\n"
GO_LINE = b"GO\n"
DONE_LINE = b"DONE\n"
MAX_RECORD_LINE = 200
"""A record line is never longer; a longer candidate is not a record."""
STDOUT, STDERR = 1, 2


def new_nonce() -> str:
    return secrets.token_hex(16)


def escape_arg(arg: str) -> str:
    """An argument as the launcher reads it: ``x`` then every byte as ``\\xHH`` (no shell)."""
    return "x" + "".join(f"\\x{byte:02x}" for byte in arg.encode("utf-8"))


def header(
    nonce: str,
    mode: str,
    output_cap: int,
    files: Sequence[tuple[str, bytes]],
    args: Sequence[str] = (),
) -> bytes:
    """The header and the files (``files[0]`` is the source), ready to write on stdin."""
    if mode not in {"run", "tests"}:
        raise ValueError(f"unknown launcher mode {mode!r}")
    words = [MAGIC.decode(), nonce, mode, str(output_cap), str(len(files))]
    words += [escape_arg(arg) for arg in args]
    parts = [" ".join(words).encode() + b"\n"]
    for name, content in files:
        parts.append(f"{len(content)} {name}\n".encode() + content)
    return b"".join(parts)


def test_header(stdin: bytes, timeout_ms: int, cpu_s: int) -> bytes:
    return f"TEST {len(stdin)} {timeout_ms} {cpu_s}\n".encode() + stdin


test_header.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


@dataclass(frozen=True, slots=True)
class CompileRecord:
    status: int | None
    """``None`` for an interpreted language (nothing was compiled)."""
    cpu_ns: int
    """The container's cumulative CPU time when the record was written (-1: unreadable)."""
    stdout: bytes = b""
    stderr: bytes = b""
    stdout_size: int = 0
    stderr_size: int = 0


@dataclass(frozen=True, slots=True)
class EndRecord:
    test: int
    status: int
    timed_out: bool
    wall_us: int
    cpu_ns: int
    max_memory: int
    oom_kills: int


@dataclass(slots=True)
class Frames:
    """Docker's attach stream (8-byte frame headers) split into stdout and stderr.

    The one demultiplexer: the pool's ready wait and every stage read through it.
    """

    stdout: bytearray = field(default_factory=bytearray)
    stderr: bytearray = field(default_factory=bytearray)
    pending: bytearray = field(default_factory=bytearray)

    def feed(self, chunk: bytes) -> None:
        self.pending += chunk
        view = self.pending
        offset = 0
        while len(view) - offset >= 8:
            kind, size = struct.unpack_from(">BxxxL", view, offset)
            end = offset + 8 + size
            if len(view) < end:
                break
            target = self.stderr if kind == STDERR else self.stdout
            target += view[offset + 8 : end]
            offset = end
        if offset:
            del self.pending[:offset]


def frame(kind: int, payload: bytes) -> bytes:
    """One attach-stream frame (for tests of the demultiplexer)."""
    return struct.pack(">BxxxL", kind, len(payload)) + payload


class Records:
    """Finds this run's records (those with its nonce) in the streams' bytes."""

    def __init__(self, nonce: str) -> None:
        self.marker = f"\n#ONSITE:{nonce} ".encode()
        token = re.escape(self.marker)
        self._compile = re.compile(
            token + rb"COMPILE (?:(-?\d+) (\d+) (\d+) (\d+) (\d+)|-) (-?\d+)\n"
        )
        self._end = re.compile(token + rb"END (\d+) (-?\d+) ([01]) (\d+) (-?\d+) (-?\d+) (-?\d+)\n")
        self._err_end = re.compile(token + rb"END (\d+)\n")

    def compile_record(self, stdout: bytes | bytearray) -> tuple[CompileRecord, int] | None:
        """The compile record (the first thing on stdout) and where what follows it starts;
        ``None`` while it is incomplete. Raises ``ProtocolError`` for anything else."""
        head = bytes(stdout[: MAX_RECORD_LINE + len(self.marker)])
        known = min(len(head), len(self.marker))
        if head[:known] != self.marker[:known]:
            raise ProtocolError("the sandbox's first output is not its compile record")
        match = self._compile.match(head)
        if match is None:
            if b"\n" in head[len(self.marker) :] or len(head) >= MAX_RECORD_LINE:
                raise ProtocolError("the sandbox's compile record is malformed")
            return None
        cpu_ns = int(match.group(6))
        if match.group(1) is None:
            return CompileRecord(status=None, cpu_ns=cpu_ns), match.end()
        status, out_size, err_size, out_sent, err_sent = (int(g) for g in match.groups()[:5])
        body = match.end()
        if len(stdout) < body + out_sent + err_sent:
            return None
        record = CompileRecord(
            status=status,
            cpu_ns=cpu_ns,
            stdout=bytes(stdout[body : body + out_sent]),
            stderr=bytes(stdout[body + out_sent : body + out_sent + err_sent]),
            stdout_size=out_size,
            stderr_size=err_size,
        )
        return record, body + out_sent + err_sent

    def find_end(
        self, stdout: bytes | bytearray, start: int = 0
    ) -> tuple[int, EndRecord, int] | None:
        """``(where the record starts, the record, where it ends)``, or ``None`` if not yet."""
        at = stdout.find(self.marker, start)
        if at < 0:
            return None
        match = self._end.match(bytes(stdout[at : at + MAX_RECORD_LINE]))
        if match is None:
            if (
                len(stdout) - at >= MAX_RECORD_LINE
                or b"\n" in stdout[at + 1 : at + MAX_RECORD_LINE]
            ):
                raise ProtocolError("a record of the sandbox is malformed")
            return None
        test, status, timed_out, wall_us, cpu_ns, memory, ooms = (int(g) for g in match.groups())
        record = EndRecord(test, status, bool(timed_out), wall_us, cpu_ns, memory, ooms)
        return at, record, at + match.end()

    def find_stderr_end(
        self, stderr: bytes | bytearray, start: int = 0
    ) -> tuple[int, int, int] | None:
        """``(where the marker starts, its test number, where it ends)`` on stderr."""
        at = stderr.find(self.marker, start)
        if at < 0:
            return None
        match = self._err_end.match(bytes(stderr[at : at + MAX_RECORD_LINE]))
        if match is None:
            if (
                len(stderr) - at >= MAX_RECORD_LINE
                or b"\n" in stderr[at + 1 : at + MAX_RECORD_LINE]
            ):
                raise ProtocolError("a stderr marker of the sandbox is malformed")
            return None
        return at, int(match.group(1)), at + match.end()


class ProtocolError(Exception):
    """The launcher's side of the protocol did not hold (it died, or something is very wrong)."""
