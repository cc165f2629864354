"""The verdict rules on plain facts: no Docker."""

from __future__ import annotations

import dataclasses

import pytest

from runners.contract import Verdict
from runners.verdicts import (
    CompileFacts,
    RunFacts,
    decide,
    decide_compile,
    signal_name,
    without_bom,
)

CAP = 1024
BASE = RunFacts(
    stdout=b"out\n",
    stderr=b"",
    output_cap=CAP,
    wall_ms=12,
    status=0,
    cpu_ms=5,
    memory_kb=2048,
    cpu_limit_ms=6000,
    run_timeout_ms=5000,
)


def facts(**changes: object) -> RunFacts:
    return dataclasses.replace(BASE, **changes)  # type: ignore[arg-type]


def test_a_clean_exit_is_ok() -> None:
    verdict, stage, message = decide(BASE)
    assert (verdict, message) == (Verdict.OK, None)
    assert (stage.stdout, stage.exit_code, stage.signal, stage.wall_ms) == ("out\n", 0, None, 12)
    assert (stage.cpu_ms, stage.memory_kb) == (5, 2048)


@pytest.mark.parametrize(
    ("changes", "verdict"),
    [
        ({"status": 3}, Verdict.RUNTIME_ERROR),
        ({"status": 139}, Verdict.RUNTIME_ERROR),
        ({"status": 128 + 24}, Verdict.TIME_LIMIT),  # SIGXCPU
        ({"status": 137, "cpu_ms": 6000}, Verdict.TIME_LIMIT),  # the hard RLIMIT_CPU
        ({"status": 137, "cpu_ms": 10}, Verdict.RUNTIME_ERROR),
        ({"status": 137, "oom": True}, Verdict.MEMORY_LIMIT),
        ({"status": 0, "oom": True}, Verdict.MEMORY_LIMIT),
        ({"stdout": b"x" * (CAP + 1)}, Verdict.OUTPUT_LIMIT),
        ({"stderr": b"x" * (CAP + 1), "status": 1}, Verdict.OUTPUT_LIMIT),
        ({"timed_out": True, "status": 137}, Verdict.TIME_LIMIT),
        ({"timed_out": True, "status": 137, "oom": True}, Verdict.MEMORY_LIMIT),
        ({"host_limit": Verdict.TIME_LIMIT, "status": None}, Verdict.TIME_LIMIT),
        ({"host_limit": Verdict.OUTPUT_LIMIT, "status": None}, Verdict.OUTPUT_LIMIT),
        ({"memory_kb": 9000, "memory_limit_kb": 8192}, Verdict.MEMORY_LIMIT),
        ({"memory_kb": 8000, "memory_limit_kb": 8192}, Verdict.OK),
    ],
)
def test_verdict_rules(changes: dict[str, object], verdict: Verdict) -> None:
    assert decide(facts(**changes))[0] is verdict


def test_a_lost_supervisor_is_never_ok() -> None:
    verdict, stage, message = decide(
        facts(status=None, supervisor_lost=True, container_exit=137, stdout=b"#ONSITE-END 0\n")
    )
    assert verdict is Verdict.INTERNAL_ERROR
    assert message is not None and "supervisor" in message and "137" in message
    assert stage.exit_code is None and stage.stdout == "#ONSITE-END 0\n"
    verdict, _, message = decide(facts(status=None, supervisor_lost=True, oom=True))
    assert verdict is Verdict.MEMORY_LIMIT and message is not None


def test_output_is_cut_at_the_cap_and_flagged() -> None:
    _, stage, message = decide(facts(stdout=b"y" * (CAP + 50)))
    assert len(stage.stdout) == CAP and stage.stdout_truncated and not stage.stderr_truncated
    assert message == "the program wrote more than 1 KiB"


def test_host_limit_means_killed() -> None:
    _, stage, message = decide(facts(host_limit=Verdict.TIME_LIMIT, status=None))
    assert (stage.exit_code, stage.signal) == (None, "SIGKILL")
    assert message == "the program ran longer than 5 s"


def test_bom_is_stripped_and_binary_is_replaced() -> None:
    _, stage, _ = decide(facts(stdout=b"\xef\xbb\xbfhi\xff", strip_bom=True))
    assert stage.stdout == "hi\ufffd"
    assert decide(facts(stdout=b"\xef\xbb\xbfhi"))[1].stdout == "\ufeffhi"
    assert without_bom(b"\xef\xbb") == b"\xef\xbb"


def test_signal_names() -> None:
    assert signal_name(137) == "SIGKILL"
    assert signal_name(139) == "SIGSEGV"
    assert signal_name(0) is None and signal_name(3) is None and signal_name(255) is None


def test_compile_rules() -> None:
    ok = CompileFacts(status=0, stdout=b"", stderr=b"w", stdout_size=0, stderr_size=9, wall_ms=3)
    verdict, stage, _ = decide_compile(ok)
    assert verdict is None and stage.stderr == "w" and stage.stderr_truncated
    failed = dataclasses.replace(ok, status=1)
    assert decide_compile(failed)[0] is Verdict.COMPILE_ERROR
    oom = dataclasses.replace(ok, status=137, oom=True)
    assert decide_compile(oom)[0] is Verdict.MEMORY_LIMIT
    killed = dataclasses.replace(ok, status=137)
    verdict, stage, _ = decide_compile(killed)
    assert verdict is Verdict.COMPILE_ERROR and stage.signal == "SIGKILL"
