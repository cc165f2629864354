"""Panel interviews over the real wire: the owner adds a co-interviewer by e-mail, who is mailed,
opens the room as an interviewer (notes and the question's guide included), reads the record and
fills a scorecard that stays blind until both are submitted."""

from __future__ import annotations

from pathlib import Path

from tests.server.rooms.conftest import ClientFactory
from tests.server.rooms.live import LiveServer, YClient
from tests.server.rooms.test_questions_live import GUIDE, question_body
from tests.support.mail import read_outbox

RATINGS = {
    key: {"rating": 3, "notes": ""}
    for key in ("problem_solving", "code_quality", "communication", "testing")
}


async def test_a_co_interviewer_joins_scores_and_sees_the_guide(
    live: LiveServer, connect: ClientFactory
) -> None:
    owner, ada_token = await live.interviewer()
    bob, bob_token = await live.interviewer("Bob Panel")
    interview = await live.interview(owner, title="Panel onsite")
    base = f"/api/interviews/{interview.id}"

    # Before he is added, Bob finds nothing: not the record, the room or a scorecard.
    assert (await live.http("GET", base, token=bob_token))[0] == 404
    assert (await live.http("GET", f"{base}/scorecards/mine", token=bob_token))[0] == 404
    refused = await connect_refused(live, interview.id, bob_token)
    assert refused["code"] == "room_not_found"

    status, added, _ = await live.http(
        "POST", f"{base}/interviewers", token=ada_token, json={"email": bob.email}
    )
    assert status == 201, added
    assert added["name"] == "Bob Panel"
    mails = [m for m in read_outbox(Path(live.settings.data_dir)) if bob.email in m["To"]]
    assert mails and "Panel onsite" in mails[-1]["Subject"]

    # Only the owner changes the panel; unknown e-mails are a clear 404; the owner a 400.
    status, body, _ = await live.http(
        "POST", f"{base}/interviewers", token=bob_token, json={"email": owner.email}
    )
    assert status == 404
    status, body, _ = await live.http(
        "POST", f"{base}/interviewers", token=ada_token, json={"email": "nobody@example.com"}
    )
    assert status == 404 and body["error"]["code"] == "interviewer_not_found"
    status, body, _ = await live.http(
        "POST", f"{base}/interviewers", token=ada_token, json={"email": owner.email}
    )
    assert status == 400 and body["error"]["code"] == "already_owner"
    status, body, _ = await live.http("PATCH", base, token=bob_token, json={"title": "taken over"})
    assert status == 404

    # Bob reads the record and joins the room as an interviewer, with the notes and the guide.
    assert (await live.http("GET", base, token=bob_token))[0] == 200
    status, created, _ = await live.http(
        "POST", "/api/questions", token=ada_token, json=question_body()
    )
    assert status == 201
    ada = await connect({"interview_id": interview.id, "access_token": ada_token})
    bob_room = await connect({"interview_id": interview.id, "access_token": bob_token})
    assert bob_room.events["room:welcome"][0]["self"]["role"] == "interviewer"
    await bob_room.wait_for("notes:message")
    assert (await ada.call("question:load", {"question_id": created["id"]}))["ok"] is True
    loaded = await bob_room.wait_for("question:loaded")
    assert loaded["question"]["guide"] == GUIDE

    # Scorecards: blind until one's own is in; then both are shown.
    for token in (ada_token, bob_token):
        status, body, _ = await live.http(
            "PUT", f"{base}/scorecards/mine", token=token,
            json={"ratings": RATINGS, "recommendation": "hire"},
        )  # fmt: skip
        assert status == 200, body
    assert (await live.http("POST", f"{base}/scorecards/mine/submit", token=ada_token))[0] == 200
    status, body, _ = await live.http("GET", f"{base}/scorecards", token=bob_token)
    assert status == 403 and body["error"]["code"] == "submit_yours_first"
    assert (await live.http("POST", f"{base}/scorecards/mine/submit", token=bob_token))[0] == 200
    status, body, _ = await live.http("GET", f"{base}/scorecards", token=bob_token)
    assert status == 200
    assert sorted(s["interviewer_name"] for s in body["items"]) == ["Ada Interviewer", "Bob Panel"]
    # A submitted scorecard is locked; a rating out of range is a 400.
    status, body, _ = await live.http(
        "PUT", f"{base}/scorecards/mine", token=bob_token, json={"summary": "changed"}
    )
    assert status == 409 and body["error"]["code"] == "scorecard_submitted"
    status, body, _ = await live.http(
        "PUT", f"{base}/scorecards/mine", token=ada_token,
        json={"ratings": {"testing": {"rating": 5}}},
    )  # fmt: skip
    assert status == 400

    # The dashboard: the owner's verdict is the record's, to filter and sort on; the scores.
    other = await live.interview(owner, title="Unscored")
    status, listed, _ = await live.http(
        "GET", "/api/interviews?recommendation=hire&sort=recommendation", token=ada_token
    )
    assert status == 200
    assert [i["id"] for i in listed["items"]] == [interview.id]
    status, scores, _ = await live.http(
        "GET", f"/api/scorecard-scores?interview_ids={interview.id},{other.id}", token=ada_token
    )
    assert status == 200
    by_id = {s["interview_id"]: s for s in scores["items"]}
    assert by_id[interview.id]["average"] == 3.0
    assert by_id[interview.id]["recommendations"] == ["hire", "hire"]
    assert by_id[other.id] == {
        "interview_id": other.id, "submitted": 0, "average": None, "recommendations": [],
    }  # fmt: skip
    status, body, _ = await live.http(
        "GET", "/api/interviews?recommendation=maybe", token=ada_token
    )
    assert status == 400

    status, panel, _ = await live.http("GET", f"{base}/interviewers", token=ada_token)
    assert [p["email"] for p in panel["items"]] == [bob.email]
    status, _, _ = await live.http("DELETE", f"{base}/interviewers/{bob.id}", token=ada_token)
    assert status == 204
    assert (await live.http("GET", base, token=bob_token))[0] == 404


async def connect_refused(live: LiveServer, interview_id: str, token: str) -> dict[str, str]:
    client = YClient(live.url, {"interview_id": interview_id, "access_token": token})
    refused: dict[str, str] = await client.connect_refused()
    return refused
