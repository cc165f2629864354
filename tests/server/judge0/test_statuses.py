"""Judge0 statuses from engine verdicts (server.judge0.statuses)."""

from __future__ import annotations

import pytest

from runners.contract import Judging, RunResult, Stage, TestResult, Verdict
from server.judge0.statuses import DESCRIPTIONS, Status, outcome_of, signal_number


def test_statuses_are_judge0s_fourteen() -> None:
    assert [int(s) for s in DESCRIPTIONS] == list(range(1, 15))
    assert DESCRIPTIONS[Status.NZEC] == "Runtime Error (NZEC)"


def run(verdict: Verdict, **stage: object) -> RunResult:
    return RunResult(status=verdict, language="python", run=Stage(**stage))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("result", "status"),
    [
        (run(Verdict.OK, stdout="1\n", exit_code=0), Status.ACCEPTED),
        (run(Verdict.TIME_LIMIT), Status.TIME_LIMIT_EXCEEDED),
        (run(Verdict.RUNTIME_ERROR, exit_code=3), Status.NZEC),
        (run(Verdict.RUNTIME_ERROR, signal="SIGSEGV"), Status.SIGSEGV),
        (run(Verdict.RUNTIME_ERROR, signal="SIGFPE"), Status.SIGFPE),
        (run(Verdict.RUNTIME_ERROR, signal="SIGABRT"), Status.SIGABRT),
        (run(Verdict.RUNTIME_ERROR, signal="SIGKILL"), Status.OTHER),
        (run(Verdict.OUTPUT_LIMIT), Status.SIGXFSZ),
        (run(Verdict.MEMORY_LIMIT), Status.OTHER),
        (RunResult(Verdict.INTERNAL_ERROR, "python", message="boom"), Status.INTERNAL_ERROR),
        (
            RunResult(Verdict.COMPILE_ERROR, "c", compile=Stage(stderr="error: x", exit_code=1)),
            Status.COMPILATION_ERROR,
        ),
    ],
)
def test_verdicts_become_judge0_statuses(result: RunResult, status: Status) -> None:
    outcome = outcome_of(result, expected_output=None, judging=Judging())
    assert outcome.status is status
    if status is Status.COMPILATION_ERROR:
        assert outcome.compile_output == "error: x"


def test_a_test_result_is_accepted_or_wrong_answer() -> None:
    def one(verdict: Verdict) -> RunResult:
        test = TestResult("test-1", False, verdict, Stage(stdout="2\n", cpu_ms=5, wall_ms=9))
        return RunResult(Verdict.ACCEPTED, "python", tests=(test,), total=1)

    ok = outcome_of(one(Verdict.OK), expected_output="2", judging=Judging())
    assert ok.status is Status.ACCEPTED and ok.time == 0.005 and ok.wall_time == 0.009
    wrong = outcome_of(one(Verdict.WRONG_ANSWER), expected_output="3", judging=Judging())
    assert wrong.status is Status.WRONG_ANSWER and wrong.stdout == "2\n"


def test_redirect_and_cpu_limit() -> None:
    result = run(Verdict.OK, stdout="a\n", stderr="b\n", cpu_ms=2500, wall_ms=2600)
    out = outcome_of(
        result,
        expected_output="a\nb",
        judging=Judging(),
        redirect_stderr_to_stdout=True,
        cpu_time_limit_s=3,
    )
    assert out.status is Status.ACCEPTED and out.stdout == "a\nb\n" and out.stderr is None
    slow = outcome_of(result, expected_output=None, judging=Judging(), cpu_time_limit_s=2)
    assert slow.status is Status.TIME_LIMIT_EXCEEDED


def test_signal_numbers() -> None:
    assert signal_number("SIGSEGV") == 11 and signal_number("KILL") == 9
    assert signal_number(None) is None and signal_number("NOPE") is None
