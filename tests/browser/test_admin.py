"""The admin page, walked in Chromium on a server of its own with the installation's sign-up
rules: its first account (the admin) confirms its address by mail, invites an interviewer, who
joins through the link; changes the sign-up policy; reads and filters the audit log; deactivates
the member, whose open page is signed out. Screenshots at 1440 and 390 px wide."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ConsoleErrors, OnsiteServer, PageFactory, serving
from tests.browser.helpers import PASSWORD, assert_controls_named
from tests.support.mail import read_outbox, token_from_link

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EXPECTED_HTTP_ERROR = "Failed to load resource: the server responded with a status of"


@pytest.fixture(scope="module")
def admin_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OnsiteServer]:
    with serving(
        tmp_path_factory.mktemp("onsite-admin"), "--engine", "fake", "--installation-defaults"
    ) as server:
        yield server


def mailed_token(server: OnsiteServer, to: str, path: str) -> str:
    """The token of the newest link to ``path`` mailed to ``to``."""
    for _ in range(100):
        messages = [m for m in read_outbox(server.data_dir / "data") if to in str(m["To"])]
        if messages:
            return token_from_link(messages[-1], path)
        time.sleep(0.05)  # sign-up mails go out just after the answer
    raise AssertionError(f"no mail to {to}")


def test_an_admin_runs_the_organization(
    open_page: PageFactory,
    admin_server: OnsiteServer,
    console_errors: ConsoleErrors,
    output_dir: Path,
) -> None:
    admin = open_page("admin", width=1440, height=1000, base_url=admin_server.url)
    # The installation's first account: it confirms its address by the mailed link first.
    admin.goto("/register")
    admin.get_by_label("Your name").fill("Ada Admin")
    admin.get_by_label("Work email").fill("ada@example.com")
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Create account").click()
    expect(admin.get_by_role("alert")).to_contain_text("Check your e-mail")
    admin.screenshot(path=str(output_dir / "signup-check-your-email-1440.png"))
    admin.goto(
        f"/verify-email#token={mailed_token(admin_server, 'ada@example.com', '/verify-email')}"
    )
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Confirm and sign in").click()
    expect(admin.get_by_role("heading", name="Interviews")).to_be_visible()
    admin.get_by_role("link", name="Admin").click()
    expect(admin.get_by_role("heading", name="Organization")).to_be_visible()
    expect(admin.get_by_role("heading", name="Members")).to_be_visible()
    assert_controls_named(admin)

    # Invite an interviewer; the link arrives by mail and opens the account.
    admin.get_by_label("E-mail", exact=True).fill("grace@example.com")
    admin.get_by_role("button", name="Send invitation").click()
    expect(admin.get_by_text("Invitation sent to grace@example.com.")).to_be_visible()
    token = mailed_token(admin_server, "grace@example.com", "/invitation")
    member = open_page("member", width=390, height=844, base_url=admin_server.url)
    member.goto(f"/invitation#token={token}")
    expect(member.get_by_text("as grace@example.com")).to_be_visible()
    member.screenshot(path=str(output_dir / "admin-invitation-390.png"), full_page=True)
    member.get_by_label("Your name").fill("Grace Hopper")
    member.get_by_label("Password").fill(PASSWORD)
    member.get_by_role("button", name="Join").click()
    expect(member.get_by_role("heading", name="Interviews")).to_be_visible()
    expect(member.get_by_role("link", name="Admin")).to_have_count(0)  # not an admin

    # Sign-up policy: open to the company's domain.
    admin.reload()
    admin.get_by_label("Sign-up", exact=True).select_option("domains")
    admin.get_by_label("Domains that may sign up").fill("example.com, corp.example")
    admin.get_by_role("button", name="Save settings").click()
    expect(admin.get_by_text("Settings saved.")).to_be_visible()

    # The audit log shows what happened, and filters.
    admin.reload()
    log = admin.get_by_role("region", name="Audit log").locator("tbody")
    expect(log.get_by_text("invitation accepted")).to_be_visible()
    expect(log.get_by_text("settings changed")).to_be_visible()
    admin.get_by_label("Action").select_option("invitation_sent")
    expect(log.get_by_text("settings changed")).to_have_count(0)
    expect(log.get_by_text("invitation sent")).to_be_visible()
    admin.screenshot(path=str(output_dir / "admin-1440.png"), full_page=True)

    # Deactivate the member: the open page is signed out on its next request.
    members = admin.get_by_role("region", name="Members")
    row = members.get_by_role("row").filter(has_text="grace@example.com")
    row.get_by_role("button", name="Deactivate").click()
    admin.get_by_role("dialog").get_by_role("button", name="Deactivate").click()
    expect(admin.get_by_text("Grace Hopper was deactivated.")).to_be_visible()
    expect(row.get_by_text("Deactivated")).to_be_visible()
    member.reload()
    expect(member.get_by_role("heading", name="Log in")).to_be_visible()
    member.get_by_label("Email").fill("grace@example.com")
    member.get_by_label("Password").fill(PASSWORD)
    member.get_by_role("button", name="Log in").click()
    expect(member.get_by_role("alert")).to_contain_text("deactivated")

    admin.set_viewport_size({"width": 390, "height": 844})
    admin.reload()
    expect(admin.get_by_role("heading", name="Organization")).to_be_visible()
    admin.screenshot(path=str(output_dir / "admin-390.png"), full_page=True)
    assert [e for e in console_errors.items if EXPECTED_HTTP_ERROR not in e] == []
