"""Driving one run through a started sandbox: queued → compiling → running (or testing) → finished.

The I/O half of a run; the wire format is ``runners.protocol`` and the verdicts
``runners.verdicts``, both pure. This module sends the header with a fresh nonce, reads the
launcher's records (only those with the nonce count), keeps the deadlines and output caps it set
(killing the container, or stopping one test, not just the client call) and reads the CPU time,
memory peak and OOM kills from the container's cgroup itself. A launcher that dies leaves no
record: the answer then comes from the container's state, never ``ok``.

With tests the program is compiled once; each test is a fresh process in the same container with
its own stdin (sent only when its turn comes), its own limits and a clean working copy.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import docker
import requests

from runners.cgroup import ContainerCgroup
from runners.contract import Judging, RunResult, Stage, TestResult, Verdict
from runners.judging import judge_test, submission_verdict
from runners.protocol import (
    DONE_LINE,
    GO_LINE,
    MAX_RECORD_LINE,
    CompileRecord,
    EndRecord,
    ProtocolError,
    Records,
    header,
    new_nonce,
    test_header,
)
from runners.verdicts import CompileFacts, RunFacts, decide, decide_compile

if TYPE_CHECKING:
    from runners.sandbox import Sandbox, StageTimes

HOST_GRACE_S = 2.0
"""How long past a test's own limit the host waits for the launcher's record before it gives up
on the container (the launcher's timer normally ends the test at its limit)."""
SEND_TIMEOUT_S = 30.0


@dataclass(frozen=True, slots=True)
class TestPlan:
    """One test as the sandbox runs it: its input and its own (already checked) limits."""

    __test__ = False  # not a pytest test class

    name: str
    hidden: bool
    stdin: bytes
    expected_stdout: str | None
    run_timeout_ms: int
    memory_mb: int
    output_kb: int
    cpu_s: int


class _Lost(Exception):
    """The stream ended without the record we waited for."""


class Execution:
    def __init__(
        self,
        sandbox: Sandbox,
        source: bytes,
        stdin: bytes,
        times: StageTimes,
        files: Sequence[tuple[str, bytes]],
        args: Sequence[str],
        tests: Sequence[TestPlan] | None,
        judging: Judging | None,
    ) -> None:
        self.sandbox = sandbox
        self.language = sandbox.language
        self.files = [(self.language.source_file, source), *files]
        self.stdin = stdin
        self.times = times
        self.args = args
        self.tests = tests
        self.judging = judging or Judging()
        self.cap = times.output_bytes
        self.nonce = new_nonce()
        self.records = Records(self.nonce)
        self.frames = sandbox.frames
        self.cgroup = ContainerCgroup(sandbox.container_id)
        self.compile_stage: Stage | None = None

    # -- the socket -------------------------------------------------------------------------

    def _send(self, data: bytes) -> None:
        raw = self.sandbox.raw_socket
        try:
            raw.settimeout(SEND_TIMEOUT_S)
            view = memoryview(data)
            for start in range(0, len(view), 1 << 16):
                raw.sendall(view[start : start + (1 << 16)])
        except OSError:
            pass  # the launcher is gone; reading will tell

    def _send_stdin_later(self) -> threading.Thread:
        """GO and the user's stdin, from a thread: the program may write before it reads."""

        def write() -> None:
            raw = self.sandbox.raw_socket
            try:
                raw.sendall(GO_LINE)
                view = memoryview(self.stdin)
                for start in range(0, len(view), 1 << 16):
                    raw.sendall(view[start : start + (1 << 16)])
                raw.shutdown(socket.SHUT_WR)
            except OSError:
                pass  # the program exited or was killed without reading everything

        writer = threading.Thread(target=write, daemon=True, name="onsite-stdin")
        writer.start()
        return writer

    def _read(self, deadline: float) -> bool:
        if self.sandbox.eof:
            raise _Lost
        return self.sandbox.read(deadline)

    # -- the stages ---------------------------------------------------------------------------

    def run(self) -> RunResult:
        try:
            return self._run()
        except ProtocolError as exc:
            self._kill()
            return self._internal(f"the sandbox broke its protocol: {exc}")
        finally:
            self.sandbox.close_socket()

    def _run(self) -> RunResult:
        language = self.language
        # A fresh container's warm step is our cost, not the program's: the compile deadline
        # starts once it is done.
        if not self.sandbox.ready and not self.sandbox.wait_ready(
            self.times.compile_timeout_s + 30
        ):
            return self._launcher_failed("before the program started")
        started = time.monotonic()
        compile_deadline = (
            started + self.times.compile_timeout_s + (0.0 if language.compiled else 2.0)
        )
        # The compile (or run) stage's figures start here, not with a pooled container's warm step.
        self.cgroup.reset_memory_peak()
        cpu_start, oom_start = self.cgroup.cpu_ns(), self.cgroup.oom_kills()
        mode = "tests" if self.tests is not None else "run"
        self._send(header(self.nonce, mode, self.cap, self.files, self.args))
        try:
            found = self._await_compile_record(compile_deadline)
        except _Lost:
            return self._launcher_failed("before the program started")
        if found is None:
            self._kill()
            if not language.compiled:
                return self._internal("the sandbox did not start the program in time")
            stage = Stage(wall_ms=_ms(time.monotonic() - started))
            return RunResult(
                Verdict.TIME_LIMIT, language.id, compile=stage,
                message="compilation took longer than the time limit",
            )  # fmt: skip
        record, body_end = found
        del self.frames.stdout[:body_end]
        cpu_now = self.cgroup.cpu_ns()
        if record.status is not None:
            verdict = self._compile_verdict(record, started, cpu_start, cpu_now, oom_start)
            if verdict is not None:
                return verdict
        run_cpu_start = cpu_now if cpu_now is not None else _known(record.cpu_ns)
        if self.tests is None:
            return self._follow_run(run_cpu_start)
        return self._follow_tests(self.tests, run_cpu_start)

    def _await_compile_record(self, deadline: float) -> tuple[CompileRecord, int] | None:
        while True:
            found = self.records.compile_record(self.frames.stdout)
            if found is not None:
                return found
            if not self._read(deadline):
                return None

    def _compile_verdict(
        self,
        record: CompileRecord,
        started: float,
        cpu_start: int | None,
        cpu_now: int | None,
        oom_start: int | None,
    ) -> RunResult | None:
        assert record.status is not None
        peak = self.cgroup.memory_peak_bytes()
        oom = _grew(oom_start, self.cgroup.oom_kills())
        if oom is None:
            oom = record.status == 137 and bool(self._container_state().get("OOMKilled"))
        verdict, stage, message = decide_compile(
            CompileFacts(
                status=record.status,
                stdout=record.stdout,
                stderr=record.stderr,
                stdout_size=record.stdout_size,
                stderr_size=record.stderr_size,
                wall_ms=_ms(time.monotonic() - started),
                cpu_ms=(cpu_now - cpu_start) // 1_000_000
                if cpu_now is not None and cpu_start is not None
                else None,
                memory_kb=peak // 1024 if peak is not None else None,
                oom=oom,
            )
        )
        self.compile_stage = stage
        if verdict is None:
            return None
        tests: tuple[TestResult, ...] | None = () if self.tests is not None else None
        return RunResult(
            verdict,
            self.language.id,
            compile=stage,
            message=message,
            tests=tests,
            total=len(self.tests) if self.tests is not None else None,
        )

    # -- a plain run --------------------------------------------------------------------------

    def _follow_run(self, cpu_start: int | None) -> RunResult:
        # The run's peak starts clean: the launcher waits for GO before it starts the program.
        peak_reset = self.cgroup.reset_memory_peak()
        oom_start = self.cgroup.oom_kills()
        run_started = time.monotonic()
        self._send_stdin_later()
        deadline = run_started + self.times.run_timeout_s
        limits = self.sandbox.limits
        try:
            ended = self._await_end(0, deadline, stop_at_cap=False)
        except _Lost:
            return self._lost(_ms(time.monotonic() - run_started), oom_start)
        if isinstance(ended, Verdict):
            # Read the counters while the container still exists: a time limit shows the CPU
            # time that was spent.
            cpu_end, peak = self.cgroup.cpu_ns(), self.cgroup.memory_peak_bytes()
            self._kill()
            oom = bool(self._container_state().get("OOMKilled"))
            facts = RunFacts(
                stdout=bytes(self.frames.stdout),
                stderr=bytes(self.frames.stderr),
                output_cap=self.cap,
                wall_ms=_ms(time.monotonic() - run_started),
                status=None,
                cpu_ms=_delta_ms(cpu_start, cpu_end),
                memory_kb=peak // 1024 if peak is not None and peak_reset else None,
                run_timeout_ms=limits.run_timeout_ms,
                host_limit=ended,
                oom=oom,
            )
        else:
            out, err, record = ended
            facts = self._facts(out, err, record, cpu_start, oom_start, peak_reset)
            facts = _with(facts, run_timeout_ms=limits.run_timeout_ms)
        verdict, stage, message = decide(_with(facts, strip_bom=self.language.strip_bom))
        return RunResult(verdict, self.language.id, self.compile_stage, stage, message)

    def _facts(
        self,
        out: bytes,
        err: bytes,
        record: EndRecord,
        cpu_start: int | None,
        oom_start: int | None,
        peak_reset: bool,
        cpu_limit_s: int | None = None,
    ) -> RunFacts:
        """A finished program's facts: the host's counters first, the launcher's record after."""
        from runners.sandbox import cpu_time_limit_s

        cpu_end = self.cgroup.cpu_ns()
        if cpu_end is None:
            cpu_end = _known(record.cpu_ns)
        peak = self.cgroup.memory_peak_bytes()
        if peak is None:
            peak = _known(record.max_memory)
        oom = _grew(oom_start, self.cgroup.oom_kills())
        if oom is None:
            oom = record.oom_kills > 0
        limit_s = cpu_limit_s if cpu_limit_s is not None else cpu_time_limit_s(self.sandbox.limits)
        return RunFacts(
            stdout=out,
            stderr=err,
            output_cap=self.cap,
            wall_ms=record.wall_us // 1000,
            status=record.status,
            cpu_ms=_delta_ms(cpu_start, cpu_end),
            memory_kb=peak // 1024 if peak is not None and peak_reset else None,
            cpu_limit_ms=limit_s * 1000,
            timed_out=record.timed_out,
            oom=oom,
        )

    def _await_end(
        self, test: int, deadline: float, *, stop_at_cap: bool, cap: int | None = None
    ) -> tuple[bytes, bytes, EndRecord] | Verdict:
        """Read until the launcher's END record on stdout and its marker on stderr, and cut
        both streams there. A host limit (deadline, or output cap when not ``stop_at_cap``)
        answers its verdict; with ``stop_at_cap`` the host asks the launcher to stop the test
        and keeps reading (dropping the excess) until the record."""
        cap = self.cap if cap is None else cap
        stdout, stderr = self.frames.stdout, self.frames.stderr
        window = len(self.records.marker) + MAX_RECORD_LINE
        end = err_end = None
        stopped = False
        while True:
            if end is None:
                end = self.records.find_end(stdout)
            if err_end is None:
                err_end = self.records.find_stderr_end(stderr)
            if end is not None and err_end is not None:
                break
            over = (end is None and len(stdout) > cap + window) or (
                err_end is None and len(stderr) > cap + window
            )
            if over and not stop_at_cap:
                return Verdict.OUTPUT_LIMIT
            if over and not stopped:
                self._signal("SIGUSR1")
                stopped = True
            for buffer, found in ((stdout, end), (stderr, err_end)):
                if found is None and len(buffer) > cap + 2 * window:
                    del buffer[cap + 1 : len(buffer) - window]  # keep the head and the tail
            if not self._read(deadline):
                return Verdict.TIME_LIMIT
        at, record, after = end
        err_at, err_test, err_after = err_end
        if record.test != test or err_test != test:
            raise ProtocolError(f"expected the end of test {test}, got {record.test}/{err_test}")
        out, err = bytes(stdout[:at]), bytes(stderr[:err_at])
        del stdout[:after]
        del stderr[:err_after]
        if stopped:
            out, err = out[: cap + 1], err[: cap + 1]  # stopped for its output: over the cap
        return out, err, record

    # -- tests --------------------------------------------------------------------------------

    def _follow_tests(self, tests: Sequence[TestPlan], cpu_start: int | None) -> RunResult:
        results: list[TestResult] = []
        container_memory = self.sandbox.limits.memory_mb
        first = True
        for index, plan in enumerate(tests, start=1):
            lowered = plan.memory_mb < container_memory and self.cgroup.set_memory_limit(
                plan.memory_mb << 20
            )
            try:
                result, go_on = self._run_test(index, plan, first, lowered)
            finally:
                if lowered:
                    self.cgroup.set_memory_limit(container_memory << 20)
            first = False
            results.append(result)
            if not go_on:
                break
            if self.judging.stop_on_first_failure and result.status is not Verdict.OK:
                break
        self._send(DONE_LINE)
        status = submission_verdict(results)
        message = next((r.message for r in results if r.status is not Verdict.OK), None)
        return RunResult(
            status, self.language.id, self.compile_stage, None, message,
            tests=tuple(results), total=len(tests),
        )  # fmt: skip

    def _run_test(
        self, index: int, plan: TestPlan, first: bool, lowered: bool
    ) -> tuple[TestResult, bool]:
        """One test; ``False`` second when the container cannot run another."""
        peak_reset = self.cgroup.reset_memory_peak()
        cpu_start, oom_start = self.cgroup.cpu_ns(), self.cgroup.oom_kills()
        cap = plan.output_kb * 1024
        started = time.monotonic()
        self._send(
            (GO_LINE if first else b"") + test_header(plan.stdin, plan.run_timeout_ms, plan.cpu_s)
        )
        deadline = started + plan.run_timeout_ms / 1000 + HOST_GRACE_S
        go_on = True
        try:
            ended = self._await_end(index, deadline, stop_at_cap=True, cap=cap)
        except _Lost:
            facts = self._lost_facts(_ms(time.monotonic() - started), oom_start)
            go_on = False
        else:
            if isinstance(ended, Verdict):  # the launcher missed its own timer: give up on it
                cpu_end, peak = self.cgroup.cpu_ns(), self.cgroup.memory_peak_bytes()
                self._kill()
                facts = RunFacts(
                    stdout=bytes(self.frames.stdout[: cap + 1]),
                    stderr=bytes(self.frames.stderr[: cap + 1]),
                    output_cap=cap,
                    wall_ms=_ms(time.monotonic() - started),
                    status=None,
                    cpu_ms=_delta_ms(cpu_start, cpu_end),
                    memory_kb=peak // 1024 if peak is not None and peak_reset else None,
                    host_limit=Verdict.TIME_LIMIT,
                    oom=bool(self._container_state().get("OOMKilled")),
                )
                go_on = False
            else:
                out, err, record = ended
                facts = self._facts(
                    out, err, record, cpu_start, oom_start, peak_reset, cpu_limit_s=plan.cpu_s
                )
                if len(out) > cap or len(err) > cap:
                    facts = _with(facts, host_limit=Verdict.OUTPUT_LIMIT)
        facts = _with(
            facts,
            output_cap=cap,
            run_timeout_ms=plan.run_timeout_ms,
            memory_limit_kb=(plan.memory_mb << 10)
            if plan.memory_mb < self.sandbox.limits.memory_mb and not lowered
            else None,
            strip_bom=self.language.strip_bom,
        )
        verdict, stage, message = decide(facts)
        status = judge_test(verdict, stage.stdout, plan.expected_stdout, self.judging)
        if status is Verdict.WRONG_ANSWER:
            message = None
        return (
            TestResult(
                name=plan.name,
                hidden=plan.hidden,
                status=status,
                stage=stage,
                expected_stdout=None if plan.hidden else plan.expected_stdout,
                message=message,
            ),
            go_on,
        )

    # -- endings ------------------------------------------------------------------------------

    def _lost_facts(self, wall_ms: int, oom_start: int | None) -> RunFacts:
        state = self._container_state()
        oom = _grew(oom_start, self.cgroup.oom_kills()) or bool(state.get("OOMKilled"))
        return RunFacts(
            stdout=bytes(self.frames.stdout),
            stderr=bytes(self.frames.stderr),
            output_cap=self.cap,
            wall_ms=wall_ms,
            status=None,
            supervisor_lost=True,
            oom=oom,
            container_exit=state.get("ExitCode"),
        )

    def _lost(self, wall_ms: int, oom_start: int | None) -> RunResult:
        facts = _with(self._lost_facts(wall_ms, oom_start), strip_bom=self.language.strip_bom)
        verdict, stage, message = decide(facts)
        return RunResult(verdict, self.language.id, self.compile_stage, stage, message)

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

    def _signal(self, name: str) -> None:
        with contextlib.suppress(requests.RequestException, docker.errors.APIError):
            self.sandbox.client.api.kill(self.sandbox.container_id, signal=name)

    def _kill(self) -> None:
        # Close our end first: a kill with an unread attach stream open can hang for 30 s.
        self.sandbox.close_socket()
        with contextlib.suppress(requests.RequestException, docker.errors.APIError):
            self.sandbox.client.api.kill(self.sandbox.container_id)

    def _launcher_failed(self, when: str) -> RunResult:
        state = self._container_state()
        if state.get("OOMKilled"):
            return RunResult(
                Verdict.MEMORY_LIMIT, self.language.id,
                message=f"the sandbox ran out of memory {when}",
            )  # fmt: skip
        detail = bytes(self.frames.stderr[:500]).decode("utf-8", "replace").strip()
        return self._internal(
            f"the sandbox stopped {when} (exit {state.get('ExitCode')})"
            + (f": {detail}" if detail else "")
        )

    def _internal(self, message: str) -> RunResult:
        return RunResult(Verdict.INTERNAL_ERROR, self.language.id, message=message)


def _with(facts: RunFacts, **changes: Any) -> RunFacts:
    from dataclasses import replace

    return replace(facts, **changes)


def _known(value: int) -> int | None:
    return value if value >= 0 else None


def _grew(before: int | None, after: int | None) -> bool | None:
    if before is None or after is None:
        return None
    return after > before


def _delta_ms(start: int | None, end: int | None) -> int | None:
    if start is None or end is None:
        return None
    return max(0, end - start) // 1_000_000


def _ms(seconds: float) -> int:
    return int(seconds * 1000)
