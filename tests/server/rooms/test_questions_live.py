"""Questions, tests and activity over the real wire: the app served on a loopback port with the
fake engine, a question made through the bank's REST, picked for the interview, loaded in the
room. Every event the candidate's socket receives is searched for the hidden tests' data and the
guide, as the notes are checked."""

from __future__ import annotations

import json
from typing import Any

from tests.server.rooms.conftest import ClientFactory, interviewer_and_candidate
from tests.server.rooms.live import LiveServer, YClient

SECRET_IN = "hidden-in-4242"
SECRET_OUT = "hidden-out-4242"
GUIDE = "Look for the O(n) answer (guide-secret-77)"


def question_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Echo",
        "prompt": "# Echo\nPrint **what** you read.",
        "guide": GUIDE,
        "starters": {"python": "import sys\nprint(sys.stdin.read(), end='')\n"},
        "tests": [
            {"name": "one", "stdin": "1\n", "expected_stdout": "1\n"},
            {"name": "secret", "stdin": SECRET_IN, "expected_stdout": SECRET_OUT, "hidden": True},
        ],
    }
    body.update(changes)
    return body


def everything(client: YClient) -> str:
    return json.dumps(
        {name: [repr(e) if isinstance(e, bytes) else e for e in items]
         for name, items in client.events.items()},
        default=repr,
    )  # fmt: skip


def assert_clean(client: YClient) -> None:
    text = everything(client)
    for secret in (SECRET_IN, SECRET_OUT, GUIDE, "guide-secret-77"):
        assert secret not in text


async def test_a_question_in_the_room_end_to_end(live: LiveServer, connect: ClientFactory) -> None:
    interview, ada, grace = await interviewer_and_candidate(live, connect)
    owner_token = ada.auth["access_token"]
    status, created, _ = await live.http("POST", "/api/questions", token=owner_token,
                                         json=question_body())  # fmt: skip
    assert status == 201, created
    qid = created["id"]
    status, picked, _ = await live.http(
        "PUT", f"/api/interviews/{interview.id}/questions", token=owner_token,
        json={"question_ids": [qid]},
    )  # fmt: skip
    assert status == 200, picked
    assert picked["items"][0]["revision"] == 1

    # The question changes after it was picked: the interview keeps revision 1.
    status, _, _ = await live.http("PATCH", f"/api/questions/{qid}", token=owner_token,
                                   json={"title": "Echo v2"})  # fmt: skip
    assert status == 200

    ack = await ada.call("question:load", {"question_id": qid})
    assert ack == {"ok": True, "question_id": qid, "revision": 1}
    loaded = await grace.wait_for("question:loaded")
    assert loaded["question"]["title"] == "Echo"
    assert loaded["question"]["tests"] == [
        {"name": "one", "stdin": "1\n", "expected_stdout": "1\n", "hidden": False}
    ]
    mine = await ada.wait_for("question:loaded")
    assert mine["question"]["guide"] == GUIDE

    # The candidate runs the tests: the fake engine echoes, so the hidden one fails.
    assert (await grace.call("tests:run", {}))["ok"] is True
    seen = await grace.wait_for("tests:finished")
    full = await ada.wait_for("tests:finished")
    assert seen["result"]["status"] == "wrong_answer"
    assert [t["name"] for t in seen["result"]["tests"]] == ["one"]
    assert seen["result"]["hidden_total"] == 1 and seen["result"]["hidden_passed"] == 0
    assert full["result"]["tests"][1]["stdin"] == SECRET_IN

    # Activity: a paste and a tab switch, marked for the interviewer only.
    assert await grace.call("activity:report", {"kind": "paste", "chars": 412}) == {"ok": True}
    assert await grace.call("activity:report", {"kind": "hidden"}) == {"ok": True}
    assert await grace.call("activity:report", {"kind": "visible"}) == {"ok": True}
    back = await ada.wait_for("activity:mark", lambda m: m["kind"] == "visible")
    assert back["away_ms"] is not None
    assert "activity:mark" not in grace.events

    # A candidate who reloads gets the redacted question and last test run.
    again = await connect({"token": await live.candidate_token(interview, "Grace Again")})
    welcome = again.events["room:welcome"][0]
    assert welcome["question"]["question_id"] == qid
    assert welcome["last_test_run"]["result"]["tests"][0]["name"] == "one"
    for client in (grace, again):
        assert_clean(client)

    # The record keeps the whole test run and the activity.
    status, record, _ = await live.http("GET", f"/api/interviews/{interview.id}", token=owner_token)
    assert status == 200
    test_runs = [r for r in record["runs"] if "tests" in r["result"]]
    assert test_runs[0]["result"]["tests"][1]["expected_stdout"] == SECRET_OUT
    status, activity, _ = await live.http(
        "GET", f"/api/interviews/{interview.id}/activity", token=owner_token
    )
    assert status == 200
    assert [(a["kind"], a["detail"].get("chars")) for a in activity["items"]] == [
        ("paste", 412), ("hidden", None), ("visible", None),
    ]  # fmt: skip


async def test_bad_question_events_get_clear_errors(
    live: LiveServer, connect: ClientFactory
) -> None:
    _interview, ada, grace = await interviewer_and_candidate(live, connect)
    refused = await grace.call("question:load", {"question_id": "x"})
    assert refused["error"]["code"] == "forbidden"
    unknown = await ada.call("question:load", {"question_id": "no-such-question"})
    assert unknown["error"]["code"] == "question_not_found"
    none = await grace.call("tests:run", {})
    assert none["error"]["code"] == "no_question"
    bad = await grace.call("activity:report", {"kind": "copy"})
    assert bad["error"]["code"] == "invalid_payload"
    extra = await grace.call("activity:report", {"kind": "paste", "text": "the code"})
    assert extra["error"]["code"] == "invalid_payload"


async def test_someone_elses_question_or_interview_answers_404(live: LiveServer) -> None:
    owner, token = await live.interviewer()
    _other, other_token = await live.interviewer("Bob Other")
    interview = await live.interview(owner)
    status, created, _ = await live.http("POST", "/api/questions", token=other_token,
                                         json=question_body())  # fmt: skip
    assert status == 201
    status, body, _ = await live.http(
        "PUT", f"/api/interviews/{interview.id}/questions", token=token,
        json={"question_ids": [created["id"]]},
    )  # fmt: skip
    assert status == 404, body
    status, body, _ = await live.http(
        "GET", f"/api/interviews/{interview.id}/questions", token=other_token
    )
    assert status == 404
    status, body, _ = await live.http(
        "GET", f"/api/interviews/{interview.id}/activity", token=other_token
    )
    assert status == 404
    status, body, _ = await live.http(
        "PUT", f"/api/interviews/{interview.id}/questions", token=token,
        json={"question_ids": ["a"] * 11},
    )  # fmt: skip
    assert status == 400 and body["error"]["code"]
    status, body, _ = await live.http(
        "POST", "/api/questions", token=token, json=question_body(prompt="x" * 300_000)
    )
    assert status == 400 and body["error"]["code"]
