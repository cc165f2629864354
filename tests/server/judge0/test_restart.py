"""A restart never leaves a submission In Queue for ever: what a killed process was running is
answered as an internal error when the next one starts."""

from __future__ import annotations

import pytest
from quart import Quart
from sqlalchemy import update

from server.app import create_app
from server.judge0.models import Judge0Submission
from server.judge0.statuses import Status
from server.kit.db import unit_of_work
from server.kit.state import get_state
from server.settings import Settings
from tests.server.judge0.conftest import CATALOGUE, make_key
from tests.support.fake_engine import FakeEngine

pytestmark = pytest.mark.fresh_database
API = "/api/judge0/submissions"


async def test_a_restart_fails_what_the_killed_process_was_running(
    app: Quart, settings: Settings
) -> None:
    key = await make_key(app)
    client = app.test_client()
    tokens = []
    for _ in range(3):
        response = await client.post(
            f"{API}?wait=true",
            json={"source_code": "print(1)", "language_id": 71},
            headers=key.headers,
        )
        assert response.status_code == 201
        tokens.append((await response.get_json())["token"])
    # As a process killed mid-run leaves them: one queued, one running, one finished.
    async with unit_of_work(get_state(app).sessions) as session:
        for token, status in zip(tokens[:2], (Status.IN_QUEUE, Status.PROCESSING), strict=True):
            await session.execute(
                update(Judge0Submission)
                .where(Judge0Submission.token == token)
                .values(status_id=int(status), finished_at=None)
            )

    restarted = create_app(settings, FakeEngine(languages=CATALOGUE))
    async with restarted.test_app():
        again = restarted.test_client()
        bodies = []
        for token in tokens:
            response = await again.get(
                f"{API}/{token}?fields=status,message&base64_encoded=false", headers=key.headers
            )
            assert response.status_code == 200
            bodies.append(await response.get_json())
    for body in bodies[:2]:
        assert body["status"] == {"id": 13, "description": "Internal Error"}, body
        assert body["message"] == "The server restarted before the run finished."
    assert bodies[2]["status"]["id"] == 3 and bodies[2]["message"] is None
