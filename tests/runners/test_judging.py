"""The comparison modes and the submission summary, on plain strings (no Docker)."""

from __future__ import annotations

import pytest

from runners.contract import Comparison, Judging, Stage, TestResult, Verdict
from runners.judging import default_test_name, judge_test, outputs_match, submission_verdict

EXACT = Judging(comparison=Comparison.EXACT)
TOKENS = Judging(comparison=Comparison.TOKENS)
FLOAT = Judging(comparison=Comparison.FLOAT, float_abs_tolerance=1e-3, float_rel_tolerance=0)


@pytest.mark.parametrize(
    ("actual", "expected", "judging", "match"),
    [
        ("7\n", "7\n", EXACT, True),
        ("7", "7\n", EXACT, False),
        ("7 \n", "7\n", EXACT, False),
        ("7  \n\n\n", "7", Judging(), True),
        ("a b  \r\nc\t\n", "a b\nc", Judging(), True),
        ("a  b\n", "a b\n", Judging(), False),
        ("\n7\n", "7\n", Judging(), False),
        ("a  b\n\n c", "a b c", TOKENS, True),
        ("a b", "a b c", TOKENS, False),
        ("3.1415", "3.1416", FLOAT, True),
        ("3.14", "3.15", FLOAT, False),
        ("x 1.0000001", "x 1", FLOAT, True),
        ("y 1", "x 1", FLOAT, False),
        ("nan", "nan", FLOAT, True),
        ("inf", "1e308", FLOAT, False),
        ("1 2", "1", FLOAT, False),
    ],
)
def test_outputs_match(actual: str, expected: str, judging: Judging, match: bool) -> None:
    assert outputs_match(actual, expected, judging) is match


def test_relative_tolerance() -> None:
    judging = Judging(comparison=Comparison.FLOAT, float_abs_tolerance=0, float_rel_tolerance=1e-6)
    assert outputs_match("1000000.5", "1000000", judging)
    assert not outputs_match("1.5", "1", judging)


def test_judge_test_compares_only_ok_runs() -> None:
    judging = Judging()
    assert judge_test(Verdict.OK, "7\n", "7", judging) is Verdict.OK
    assert judge_test(Verdict.OK, "8\n", "7", judging) is Verdict.WRONG_ANSWER
    assert judge_test(Verdict.OK, "anything", None, judging) is Verdict.OK
    assert judge_test(Verdict.TIME_LIMIT, "7\n", "7", judging) is Verdict.TIME_LIMIT
    assert judge_test(Verdict.OUTPUT_LIMIT, "7", "7", judging) is Verdict.OUTPUT_LIMIT


def _result(status: Verdict) -> TestResult:
    return TestResult(name="t", hidden=False, status=status, stage=Stage())


def test_submission_verdict() -> None:
    assert submission_verdict([_result(Verdict.OK)] * 3) is Verdict.ACCEPTED
    mixed = [_result(Verdict.OK), _result(Verdict.WRONG_ANSWER), _result(Verdict.TIME_LIMIT)]
    assert submission_verdict(mixed) is Verdict.WRONG_ANSWER
    assert submission_verdict([]) is Verdict.ACCEPTED


def test_default_test_name() -> None:
    assert default_test_name(0, "") == "test-1"
    assert default_test_name(4, "edge") == "edge"
