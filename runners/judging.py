"""Judging a submission's tests: comparing outputs and summarising verdicts. Pure functions.

Kept apart from the sandbox so the rules can be tested on plain strings and shared by every
surface that judges (the engine, the Judge0- and Piston-compatible APIs, the room's test runs).
Nothing here sees anything the program could forge: it receives the program's stdout as data and
the expected output from the caller.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from runners.contract import Comparison, Judging, TestResult, Verdict


def _trailing_whitespace_form(text: str) -> str:
    lines = [line.rstrip(" \t\r\f\v") for line in text.split("\n")]
    return "\n".join(lines).rstrip("\n")


def _as_number(token: str) -> float | None:
    try:
        value = float(token)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _tokens_match_as_numbers(actual: str, expected: str, judging: Judging) -> bool:
    left, right = _as_number(actual), _as_number(expected)
    if left is None or right is None:
        return actual == expected
    return math.isclose(
        left, right, rel_tol=judging.float_rel_tolerance, abs_tol=judging.float_abs_tolerance
    )


def outputs_match(actual: str, expected: str, judging: Judging | None = None) -> bool:
    """Whether ``actual`` (the program's stdout) matches ``expected`` under ``judging``."""
    judging = judging or Judging()
    mode = judging.comparison
    if mode is Comparison.EXACT:
        return actual == expected
    if mode is Comparison.TRAILING_WHITESPACE:
        return _trailing_whitespace_form(actual) == _trailing_whitespace_form(expected)
    got, want = actual.split(), expected.split()
    if len(got) != len(want):
        return False
    if mode is Comparison.TOKENS:
        return got == want
    return all(_tokens_match_as_numbers(a, e, judging) for a, e in zip(got, want, strict=True))


def judge_test(
    run_verdict: Verdict, stdout: str, expected: str | None, judging: Judging
) -> Verdict:
    """One test's verdict: what the run itself came to, then the comparison if it ran ``ok``.

    A truncated stdout is already ``output_limit`` from the run; it is never compared.
    """
    if run_verdict is not Verdict.OK or expected is None:
        return run_verdict
    return Verdict.OK if outputs_match(stdout, expected, judging) else Verdict.WRONG_ANSWER



def submission_verdict(tests: Sequence[TestResult]) -> Verdict:
    """``accepted`` when every test passed, otherwise the first failing test's verdict."""
    for test in tests:
        if test.status is not Verdict.OK:
            return test.status
    return Verdict.ACCEPTED


def default_test_name(index: int, given: str) -> str:
    """A test's name: the one it was given, else ``test-<n>`` (1-based)."""
    return given or f"test-{index + 1}"

