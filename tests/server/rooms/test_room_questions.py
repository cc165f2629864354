"""Questions, test runs and activity in a ``Room`` driven directly (fake emitter, memory store,
fake engine): what each role receives, above all that a candidate's socket never gets a hidden
test's data or the guide (checked on every byte sent to it, as the notes are)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from server.rooms.errors import RoomError
from server.rooms.questions import RoomQuestionSpec, candidate_result, question_view
from server.rooms.room import Room, RoomSettings
from tests.server.rooms.test_room import (
    ADA,
    EVENTS,
    GRACE,
    PROTOCOL,
    FakeEmitter,
    Harness,
    MemoryStore,
    seed,
)
from tests.support.fake_engine import FakeEngine

SECRET_IN = "hidden-input-7f3a"
SECRET_OUT = "hidden-output-91bc"
GUIDE = "Guide: a good answer uses a hash map (secret-guide-55)"
SECRETS = (SECRET_IN, SECRET_OUT, GUIDE, "secret-guide-55")

QUESTION = RoomQuestionSpec(
    question_id="q" * 32,
    revision=3,
    content={
        "title": "Echo",
        "prompt": "Print what you read.",
        "difficulty": "easy",
        "guide": GUIDE,
        "starters": {"python": "import sys\n"},
        "tests": [
            {"name": "one", "stdin": "1\n", "expected_stdout": "1\n", "hidden": False},
            {"name": "two", "stdin": "2\n", "expected_stdout": "2\n", "hidden": False},
            {"name": "secret", "stdin": SECRET_IN, "expected_stdout": SECRET_OUT, "hidden": True},
        ],
        "comparison": {"mode": "trailing_whitespace"},
    },
)


@pytest.fixture
async def harness() -> AsyncIterator[Harness]:
    emitter, store, engine = FakeEmitter(), MemoryStore(), FakeEngine()
    store.bank[QUESTION.question_id] = QUESTION
    room = Room(
        seed(),
        store=store,
        engine=engine,
        emitter=emitter,
        protocol=PROTOCOL,
        settings=RoomSettings(grace_seconds=0.01, save_delay_s=0.01, log_flush_interval_s=0.001),
    )
    async with room:
        await room.join(ADA, "s-ada")
        await room.join(GRACE, "s-grace")
        yield Harness(room, emitter, store, engine)


def received_by(emitter: FakeEmitter, sid: str) -> str:
    """Everything ``sid`` was sent, as one string to search."""
    return "\n".join(
        json.dumps(s.data, default=repr) if not isinstance(s.data, bytes) else repr(s.data)
        for s in emitter.sent
        if sid in s.to
    )


def assert_no_secrets(emitter: FakeEmitter, sid: str) -> None:
    text = received_by(emitter, sid)
    for secret in SECRETS:
        assert secret not in text


async def finished(harness: Harness) -> None:
    await harness.emitter.emitted(EVENTS.tests_finished)
    harness.emitter.seen[EVENTS.tests_finished].clear()


async def test_loading_a_question_shows_the_prompt_to_both_and_the_guide_to_one(
    harness: Harness,
) -> None:
    spec = await harness.room.load_question("s-ada", QUESTION.question_id)
    assert spec.revision == 3
    [ada] = harness.emitter.to("s-ada", EVENTS.question_loaded)
    [grace] = harness.emitter.to("s-grace", EVENTS.question_loaded)
    assert ada["question"]["guide"] == GUIDE
    assert [t["name"] for t in ada["question"]["tests"]] == ["one", "two", "secret"]
    assert grace["question"]["prompt"] == "Print what you read."
    assert grace["question"]["starters"] == {"python": "import sys\n"}
    assert "guide" not in grace["question"]
    assert [t["name"] for t in grace["question"]["tests"]] == ["one", "two"]
    assert grace["question"]["hidden_test_count"] == 1
    assert_no_secrets(harness.emitter, "s-grace")


async def test_only_the_interviewer_loads_and_only_known_questions(harness: Harness) -> None:
    with pytest.raises(RoomError) as refused:
        await harness.room.load_question("s-grace", QUESTION.question_id)
    assert refused.value.code == "forbidden"
    with pytest.raises(RoomError) as unknown:
        await harness.room.load_question("s-ada", "nope")
    assert unknown.value.code == "question_not_found"


async def test_tests_need_a_question(harness: Harness) -> None:
    with pytest.raises(RoomError) as refused:
        await harness.room.run_tests("s-grace")
    assert refused.value.code == "no_question"


async def test_a_failing_then_passing_test_run_with_hidden_results_for_one_role(
    harness: Harness,
) -> None:
    await harness.room.load_question("s-ada", QUESTION.question_id)
    # The fake engine echoes each test's stdin: the hidden test fails (its expected differs).
    await harness.room.run_tests("s-grace")
    await finished(harness)
    [ada] = harness.emitter.to("s-ada", EVENTS.tests_finished)
    [grace] = harness.emitter.to("s-grace", EVENTS.tests_finished)
    assert ada["result"]["status"] == "wrong_answer"
    assert [t["status"] for t in ada["result"]["tests"]] == ["ok", "ok", "wrong_answer"]
    assert ada["result"]["tests"][2]["stdin"] == SECRET_IN
    assert ada["result"]["tests"][2]["expected_stdout"] == SECRET_OUT
    assert [t["name"] for t in grace["result"]["tests"]] == ["one", "two"]
    assert grace["result"]["tests"][0]["stdin"] == "1\n"
    assert grace["result"]["tests"][0]["stage"]["stdout"] == "1\n"
    assert (grace["result"]["hidden_passed"], grace["result"]["hidden_total"]) == (0, 1)
    assert (grace["result"]["passed"], grace["result"]["total"]) == (2, 3)
    # The record keeps the whole result, hidden tests included.
    [(_, _, _, recorded)] = harness.store.runs
    assert recorded["tests"][2]["stdin"] == SECRET_IN
    assert recorded["question_id"] == QUESTION.question_id

    passing = RoomQuestionSpec(
        QUESTION.question_id,
        3,
        {
            **QUESTION.content,
            "tests": [*QUESTION.tests[:2], {**QUESTION.tests[2], "stdin": SECRET_OUT}],
        },
    )
    harness.room.current_question = passing
    await harness.room.run_tests("s-ada")
    await finished(harness)
    grace_again = harness.emitter.to("s-grace", EVENTS.tests_finished)[-1]
    assert grace_again["result"]["status"] == "accepted"
    assert grace_again["result"]["hidden_passed"] == 1
    assert_no_secrets(harness.emitter, "s-grace")


async def test_a_candidate_who_rejoins_gets_the_redacted_last_test_run(harness: Harness) -> None:
    await harness.room.load_question("s-ada", QUESTION.question_id)
    await harness.room.run_tests("s-ada")
    await finished(harness)
    await harness.room.join(GRACE, "s-grace-2")
    [welcome] = harness.emitter.to("s-grace-2", EVENTS.welcome)
    assert welcome["question"]["title"] == "Echo"
    assert welcome["questions"] == []
    assert [t["name"] for t in welcome["last_test_run"]["result"]["tests"]] == ["one", "two"]
    assert_no_secrets(harness.emitter, "s-grace-2")
    await harness.room.join(ADA, "s-ada-2")
    [ada] = harness.emitter.to("s-ada-2", EVENTS.welcome)
    assert ada["question"]["guide"] == GUIDE
    assert ada["questions"][0]["question_id"] == QUESTION.question_id
    assert len(ada["last_test_run"]["result"]["tests"]) == 3


async def test_one_run_or_test_run_at_a_time(harness: Harness) -> None:
    harness.engine.delay_s = 0.2
    await harness.room.load_question("s-ada", QUESTION.question_id)
    await harness.room.start_run("s-ada", "")
    with pytest.raises(RoomError) as busy:
        await harness.room.run_tests("s-grace")
    assert busy.value.code == "run_in_progress"


def test_a_redacted_result_keeps_only_allowed_fields() -> None:
    full = {
        "status": "wrong_answer",
        "language": "python",
        "compile": None,
        "run": None,
        "tests": [{"name": "secret", "hidden": True, "stage": {"stdout": SECRET_OUT}}],
        "passed": 0,
        "total": 1,
        "hidden_total": 1,
        "hidden_passed": 0,
        "future_field": SECRET_IN,
    }
    view = candidate_result(full)
    assert SECRET_IN not in json.dumps(view) and SECRET_OUT not in json.dumps(view)
    assert view["tests"] == []
    assert "guide" not in question_view(QUESTION, "candidate")


async def test_activity_is_stored_and_shown_to_interviewers_only(harness: Harness) -> None:
    room = harness.room
    await room.report_activity("s-grace", "paste", 412)
    await room.report_activity("s-grace", "hidden", None)
    await room.report_activity("s-grace", "visible", None)
    marks = harness.emitter.to("s-ada", EVENTS.activity)
    assert [(m["kind"], m["chars"]) for m in marks] == [
        ("paste", 412),
        ("hidden", None),
        ("visible", None),
    ]
    assert marks[2]["away_ms"] is not None and marks[2]["away_ms"] >= 0
    assert harness.emitter.to("s-grace", EVENTS.activity) == []
    kinds: list[Any] = [(kind, detail.get("chars")) for _, kind, detail in harness.store.events]
    assert kinds == [("paste", 412), ("hidden", None), ("visible", None)]
    with pytest.raises(RoomError) as refused:
        await room.report_activity("s-grace", "paste", None)
    assert refused.value.code == "invalid_payload"


async def test_activity_reports_are_capped_per_participant() -> None:
    emitter, store = FakeEmitter(), MemoryStore()
    settings = RoomSettings(log_flush_interval_s=0.001, max_activity_reports=3)
    room = Room(seed(), store=store, engine=FakeEngine(), emitter=emitter, protocol=PROTOCOL,
                settings=settings)  # fmt: skip
    async with room:
        await room.join(ADA, "s-ada")  # the interviewer first: a lone candidate waits in the lobby
        await room.join(GRACE, "s-grace")
        for _ in range(3):
            await room.report_activity("s-grace", "blur", None)
        with pytest.raises(RoomError) as refused:
            await room.report_activity("s-grace", "blur", None)
    assert refused.value.code == "rate_limited"
    assert len(store.events) == 3
