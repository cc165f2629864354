"""The schedule page tells the truth about the invitation e-mail.

The mail failure is real, not mocked: the test server writes mail to ``<data dir>/data/outbox``
(``Settings.for_tests``), and for the duration of the failing step a plain file takes that
directory's place, so the server's mailer hits a genuine OSError and answers
``invitation_sent: false``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ConsoleErrors, OnsiteServer, PageFactory
from tests.browser.helpers import register

pytestmark = [pytest.mark.browser]


@contextmanager
def mail_broken(server_data: Path) -> Iterator[None]:
    """The outbox becomes a file, so writing any message fails; restored afterwards."""
    outbox = server_data / "outbox"
    parked = server_data / "outbox.parked"
    if outbox.exists():
        outbox.rename(parked)
    outbox.write_text("not a directory: mail delivery fails while this file is here\n")
    try:
        yield
    finally:
        outbox.unlink()
        if parked.exists():
            parked.rename(outbox)
        else:
            outbox.mkdir()


def fill_schedule(page: Page, title: str, email: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Schedule").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Candidate name").fill("Barbara Liskov")
    page.get_by_label("Candidate email").fill(email)
    page.get_by_label("Starts").fill("2031-06-01T10:00")


def test_failed_invitation_is_a_warning_with_the_link_and_the_slot_stays(
    open_page: PageFactory, onsite_server: OnsiteServer, console_errors: ConsoleErrors
) -> None:
    page = open_page("interviewer")
    register(page, "Ada Lovelace")

    fill_schedule(page, "Mail down", "barbara@example.com")
    with mail_broken(onsite_server.data_dir / "data"):
        page.get_by_role("button", name="Schedule and send invitations").click()
        notice = page.get_by_role("alert")
        expect(notice).to_contain_text("could not be sent")
        expect(notice).to_contain_text("barbara@example.com")
        expect(notice).not_to_contain_text("invitations sent")
    link = page.get_by_label("Join link for the candidate")
    join_url = link.input_value()
    assert join_url.startswith(f"{onsite_server.url}/join/"), join_url
    slot = page.locator(".slot").filter(has_text="Mail down")
    expect(slot).to_be_visible()
    expect(slot).to_contain_text("Invitation not sent")
    # The link shown is the slot's real join link: it opens the candidate's join page.
    candidate = open_page("candidate")
    candidate.goto(join_url)
    expect(candidate.get_by_role("heading", name="Mail down")).to_be_visible()

    # With mail working again, a reschedule says the invitation went out and clears the badge.
    slot.get_by_role("button", name="Reschedule").click()
    slot.get_by_label("New start").fill("2031-06-02T10:00")
    slot.get_by_role("button", name="Save and re-send invite").click()
    expect(page.get_by_role("alert")).to_contain_text("the updated invitation was sent")
    expect(slot).not_to_contain_text("Invitation not sent")

    # And a schedule with working mail says so, with no warning.
    fill_schedule(page, "Mail up", "barbara2@example.com")
    page.get_by_role("button", name="Schedule and send invitations").click()
    expect(page.get_by_role("alert")).to_contain_text("invitations sent to barbara2@example.com")
    expect(page.get_by_label("Join link for the candidate")).to_have_count(0)
    assert console_errors.items == []


def test_mail_broken_restores_the_outbox(tmp_path: Path) -> None:
    """The helper must leave the test server's outbox as it found it, mail inside included."""
    (tmp_path / "outbox").mkdir()
    (tmp_path / "outbox" / "old.eml").write_text("x")
    with mail_broken(tmp_path):
        assert (tmp_path / "outbox").is_file()
    assert (tmp_path / "outbox" / "old.eml").read_text() == "x"
