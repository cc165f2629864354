"""A question as the room uses it, and what each role may see of it and of its test runs.

Pure functions over plain data, so the one rule that matters here (a candidate never receives a
hidden test's input, expected or actual output, nor the interviewer's guide) is decided in one
place and tested without a network (``tests/server/rooms/test_questions.py``). The room computes
recipients; these functions compute what each recipient gets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from runners.contract import Comparison, Judging, RequestedLimits, RunRequest, TestCase


@dataclass(frozen=True, slots=True)
class RoomQuestionSpec:
    """One question of an interview, frozen at the revision it was picked at."""

    question_id: str
    revision: int
    content: dict[str, Any]
    """``QuestionContent`` as JSON."""

    @property
    def title(self) -> str:
        return str(self.content.get("title", ""))

    @property
    def tests(self) -> list[dict[str, Any]]:
        return list(self.content.get("tests") or [])

    def starter(self, language: str) -> str | None:
        starters = self.content.get("starters") or {}
        value = starters.get(language)
        return value if isinstance(value, str) else None

    def summary(self) -> dict[str, Any]:
        tests = self.tests
        return {
            "question_id": self.question_id,
            "revision": self.revision,
            "title": self.title,
            "test_count": len(tests),
            "hidden_test_count": sum(1 for t in tests if t.get("hidden")),
        }


def _test_view(test: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": test["name"],
        "stdin": test.get("stdin", ""),
        "expected_stdout": test.get("expected_stdout"),
        "hidden": bool(test.get("hidden")),
    }


def question_view(spec: RoomQuestionSpec, role: str) -> dict[str, Any]:
    """The question as ``role`` sees it: the candidate gets the prompt, starters and visible
    tests only; the interviewer also gets the guide and the hidden tests."""
    content = spec.content
    tests = spec.tests
    view: dict[str, Any] = {
        **spec.summary(),
        "prompt": content.get("prompt", ""),
        "difficulty": content.get("difficulty", "medium"),
        "starters": dict(content.get("starters") or {}),
        "tests": [_test_view(t) for t in tests if role == "interviewer" or not t.get("hidden")],
    }
    if role == "interviewer":
        view["guide"] = content.get("guide", "")
    return view


def test_request(spec: RoomQuestionSpec, language: str, source: str) -> RunRequest:
    """The engine submission for running ``source`` against the question's tests."""
    comparison = spec.content.get("comparison") or {}
    cases = tuple(
        TestCase(
            stdin=t.get("stdin", ""),
            expected_stdout=t.get("expected_stdout"),
            name=t["name"],
            hidden=bool(t.get("hidden")),
            limits=RequestedLimits(
                run_timeout_ms=(t.get("limits") or {}).get("run_timeout_ms"),
                memory_mb=(t.get("limits") or {}).get("memory_mb"),
            ),
        )
        for t in spec.tests
    )
    judging = Judging(
        comparison=Comparison(comparison.get("mode", Comparison.TRAILING_WHITESPACE.value)),
        float_abs_tolerance=float(comparison.get("abs_tolerance", 1e-6)),
        float_rel_tolerance=float(comparison.get("rel_tolerance", 1e-6)),
    )
    return RunRequest(language=language, source=source, tests=cases, judging=judging)


def full_result(spec: RoomQuestionSpec, result: dict[str, Any]) -> dict[str, Any]:
    """The engine's result with each test's input and expected output beside its actual one:
    what the interviewer sees and what the record keeps."""
    by_name = {t["name"]: t for t in spec.tests}
    tests = []
    for test in result.get("tests") or []:
        source = by_name.get(test.get("name"), {})
        tests.append(
            {
                **test,
                "stdin": source.get("stdin", ""),
                "expected_stdout": source.get("expected_stdout"),
                "hidden": bool(source.get("hidden", test.get("hidden"))),
            }
        )
    hidden = [t for t in tests if t["hidden"]]
    return {
        **result,
        "tests": tests,
        "question_id": spec.question_id,
        "question_revision": spec.revision,
        "question_title": spec.title,
        "hidden_total": sum(1 for t in spec.tests if t.get("hidden")),
        "hidden_passed": sum(1 for t in hidden if t.get("status") == "ok"),
    }


def candidate_result(full: dict[str, Any]) -> dict[str, Any]:
    """A test run's result as a candidate may see it: the visible tests in full, the hidden ones
    only as counts. Built from an allow-list, so a field added to the result later is not
    leaked by default."""
    visible = [t for t in full.get("tests") or [] if not t.get("hidden")]
    kept = (
        "status", "language", "compile", "message", "passed", "total", "question_id",
        "question_revision", "question_title", "hidden_total", "hidden_passed",
    )  # fmt: skip
    view = {key: full[key] for key in kept if key in full}
    view["run"] = None
    view["tests"] = visible
    return view


def finished_view(finished: dict[str, Any], role: str) -> dict[str, Any]:
    """A ``tests:finished`` payload (or the welcome's ``last_test_run``) for ``role``."""
    if role == "interviewer" or finished.get("result") is None:
        return finished
    return {**finished, "result": candidate_result(finished["result"])}


def redact_run_for_candidate(finished: dict[str, Any] | None) -> dict[str, Any] | None:
    """A plain ``last_run`` is shared; one that carries tests is shown as the candidate view."""
    if finished is None:
        return None
    result = finished.get("result")
    if isinstance(result, dict) and "tests" in result:
        return {**finished, "result": candidate_result(result)}
    return finished
