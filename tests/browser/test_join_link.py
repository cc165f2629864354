"""The interviewer replaces a leaked join link from the Invite tab: the candidate in the room is
sent away with the reason, the old link stops working, and the new one lets them back in."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ConsoleErrors, OnsiteServer, PageFactory
from tests.browser.helpers import register
from tests.browser.test_whiteboard import create_interview, join

pytestmark = [pytest.mark.browser]


def test_a_new_join_link_ends_the_old_one(
    onsite_server: OnsiteServer,
    open_page: PageFactory,
    console_errors: ConsoleErrors,
    output_dir: Path,
) -> None:
    interviewer = open_page("interviewer")
    register(interviewer, "Ada Lovelace")
    record = create_interview(interviewer, "Leaky link")
    interviewer.goto(f"/rooms/{record['id']}")
    expect(interviewer.locator(".conn")).to_have_text("Connected")
    candidate = open_page("candidate")
    join(candidate, record["join_url"], "Grace Hopper")

    interviewer.get_by_role("tab", name="Invite").click()
    old_link = interviewer.locator("#invite-link").input_value()
    interviewer.get_by_role("button", name="New join link").click()
    expect(interviewer.get_by_text("New link made")).to_be_visible()
    new_link = interviewer.locator("#invite-link").input_value()
    assert new_link != old_link and new_link.startswith(f"{onsite_server.url}/join/")
    interviewer.screenshot(path=str(output_dir / "join-link-rotated.png"))

    expect(candidate.locator(".room-banner")).to_contain_text("replaced the join link")
    expect(candidate.locator(".conn")).to_have_text("Not connected")
    candidate.screenshot(path=str(output_dir / "join-link-candidate-sent-away.png"))
    late = open_page("late")
    late.goto(old_link)
    expect(late.get_by_text("This invitation link is not valid", exact=False)).to_be_visible()
    join(late, new_link, "Grace Again")
    # the room's own refusal of the old token, and the old link's 404, are expected errors
    console_errors.items[:] = [
        e for e in console_errors.items if "404" not in e and "link_rotated" not in e
    ]
    assert console_errors.items == []
