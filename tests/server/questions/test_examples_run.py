"""The shipped example questions against the real engine: every starter compiles and runs on
every language (its driver reads the input; the stub's answer is simply wrong), and a reference
solution passes every test, hidden ones included."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path, PurePosixPath

import pytest

from runners.contract import Comparison, Judging, RunRequest, TestCase, Verdict
from runners.engine import DockerEngine
from runners.settings import EngineSettings
from server.questions import bundle

pytestmark = pytest.mark.docker

EXAMPLES = Path(__file__).resolve().parents[3] / "config" / "questions"
SOLUTIONS = Path(__file__).resolve().parent / "solutions"


@pytest.fixture
async def engine() -> AsyncIterator[DockerEngine]:
    engine = DockerEngine(EngineSettings.load(pool_enabled=False))
    await engine.start()
    yield engine
    await engine.close()


def examples(engine: DockerEngine) -> list[bundle.QuestionFiles]:
    languages = {i.id: PurePosixPath(i.source_file).suffix for i in engine.languages()}
    return bundle.read_folder(EXAMPLES, languages)


def request_for(question: bundle.QuestionFiles, language: str, source: str) -> RunRequest:
    return RunRequest(
        language,
        source,
        tests=tuple(
            TestCase(stdin=t.stdin, expected_stdout=t.expected_stdout, name=t.name)
            for t in question.tests
            if t.name == "example" or language == "python"
        ),
        judging=Judging(comparison=Comparison(question.comparison.mode)),
    )


async def test_every_starter_compiles_and_reads_its_input(engine: DockerEngine) -> None:
    failures = []
    for question in examples(engine):
        for language, source in sorted(question.starters.items()):
            result = await engine.run(request_for(question, language, source))
            if result.status is not Verdict.WRONG_ANSWER:
                failures.append((question.title, language, result.to_dict()))
    assert failures == []


async def test_reference_solutions_pass_every_test(engine: DockerEngine) -> None:
    for question in examples(engine):
        solution = (SOLUTIONS / f"{question.slug()}.py").read_text()
        result = await engine.run(request_for(question, "python", solution))
        assert result.status is Verdict.ACCEPTED, result.to_dict()
        assert result.passed == result.total == len(question.tests)
