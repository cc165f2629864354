"""The video call alone, joined again and again: it must connect within CONNECT_WITHIN_S each time.

Both sides open a peer connection the moment they learn of each other and both offer at once, so
every join is a glare that perfect negotiation has to resolve. A fault there showed up as a call
that connected only after the 8 s watchdog started it over; the bound below is under that, so a
run that needed the watchdog fails. Set ``ONSITE_VIDEO_REPEATS`` (default 3) for more runs; each
prints its connect time.
"""

from __future__ import annotations

import os
import time

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ConsoleErrors, PageFactory
from tests.browser.helpers import register

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CONNECT_WITHIN_S = 7.5
REPEATS = int(os.environ.get("ONSITE_VIDEO_REPEATS", "3"))

CALL_FLOWING = """() => {
  const tile = document.querySelector('.tile[data-peer]');
  const v = tile && tile.querySelector('video.remote');
  return !!v && tile.dataset.state === 'connected' && v.videoWidth > 0 && v.currentTime > 0;
}"""

TILES = """() => Array.from(document.querySelectorAll('.tile[data-peer]'))
  .map((t) => ({ state: t.dataset.state, debug: t.dataset.debug }))"""


def create_interview(page: Page, title: str) -> tuple[str, str]:
    """Creates a record through the API as the signed-in interviewer; returns (id, join_url)."""
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "onsite_csrf")
    response = page.request.post(
        "/api/interviews",
        data={"title": title, "candidate_name": "Grace Hopper"},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status == 201, response.text()
    record = response.json()
    return str(record["id"]), str(record["join_url"])


@pytest.mark.parametrize("attempt", range(REPEATS))
def test_call_connects_both_ways_without_the_watchdog(
    attempt: int, open_page: PageFactory, console_errors: ConsoleErrors
) -> None:
    interviewer = open_page("interviewer")
    register(interviewer, "Ada Lovelace")
    interview_id, join_url = create_interview(interviewer, f"Video {attempt}")
    interviewer.goto(f"/rooms/{interview_id}")
    expect(interviewer.locator(".conn")).to_have_text("Connected")

    candidate = open_page("candidate")
    candidate.goto(join_url)
    expect(candidate.get_by_text("Camera and microphone are working.")).to_be_visible()
    candidate.get_by_label("Your name").fill("Grace Hopper")
    started = time.monotonic()
    candidate.get_by_role("button", name="Join interview").click()

    waiting = {"interviewer": interviewer, "candidate": candidate}
    connected_after: dict[str, float] = {}
    while waiting and time.monotonic() - started < CONNECT_WITHIN_S:
        for who, page in list(waiting.items()):
            if page.evaluate(CALL_FLOWING):
                connected_after[who] = time.monotonic() - started
                del waiting[who]
        interviewer.wait_for_timeout(50)
    print(f"\nattempt {attempt}: video flowing after {connected_after}")
    assert not waiting, (
        f"no video within {CONNECT_WITHIN_S} s for {sorted(waiting)}: "
        f"{ {who: page.evaluate(TILES) for who, page in waiting.items()} }"
    )
    assert console_errors.items == []
