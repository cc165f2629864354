"""The pages around the room, through the real server: accounts, records and their bin,
schedules, and what a candidate sees when something is wrong (bad link, no camera)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from runners.catalogue import load_catalogue
from runners.settings import EngineSettings
from tests.browser.conftest import ConsoleErrors, OnsiteServer, PageFactory
from tests.browser.helpers import PASSWORD, register, wait_editable, wait_editor_text
from tests.support.mail import read_outbox, token_from_link

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Chromium logs every 4xx answer as a console error; the tests that provoke one on purpose
# ignore exactly those lines and nothing else.
EXPECTED_HTTP_ERROR = "Failed to load resource: the server responded with a status of"


def unexpected(errors: ConsoleErrors) -> list[str]:
    return [e for e in errors.items if EXPECTED_HTTP_ERROR not in e]


def outbox_token(server: OnsiteServer, to: str, path: str) -> str:
    messages = [m for m in read_outbox(server.data_dir / "data") if to in str(m["To"])]
    assert messages, f"no mail to {to} in the outbox"
    return token_from_link(messages[-1], path)


def log_in(page: Page, email: str, password: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_accounts_login_reset_and_two_step_deletion(
    open_page: PageFactory,
    onsite_server: OnsiteServer,
    console_errors: ConsoleErrors,
    output_dir: Path,
) -> None:
    page = open_page("user")
    # A signed-out visit to a private page goes to the login and comes back after it.
    page.goto("/schedule")
    expect(page).to_have_url(f"{onsite_server.url}/login?next=%2Fschedule")
    page.get_by_role("link", name="Create an account").click()
    email = register(page, "Katherine Johnson")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()

    log_in(page, email, "not the password")
    expect(page.get_by_role("alert")).not_to_be_empty()
    expect(page).to_have_url(f"{onsite_server.url}/login")
    page.screenshot(path=str(output_dir / "login-refused.png"))

    # Forgot → e-mailed link → new password → log in with it.
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("alert")).to_contain_text("reset link is on its way")
    token = outbox_token(onsite_server, email, "/reset-password")
    page.goto(f"/reset-password#token={token}")
    # the page takes the token out of the address bar (and so out of the history)
    expect(page).to_have_url(f"{onsite_server.url}/reset-password")
    page.get_by_label("New password", exact=True).fill("a brand new secret")
    page.get_by_label("Repeat the new password").fill("a brand new secret")
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_role("alert")).to_contain_text("Password changed")
    log_in(page, email, PASSWORD)
    expect(page.get_by_role("alert")).not_to_be_empty()  # the old one no longer works
    # This time by keyboard only: Tab moves email → password → button, Enter submits.
    page.get_by_label("Email").fill(email)
    page.get_by_label("Email").press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type("a brand new secret")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Log in")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Interviews")).to_be_visible()
    expect(page.get_by_role("heading", name="Interviews")).to_be_focused()

    # The same reset link twice: the server's reason is shown.
    page.goto(f"/reset-password#token={token}")
    page.get_by_label("New password", exact=True).fill("yet another secret")
    page.get_by_label("Repeat the new password").fill("yet another secret")
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_role("alert")).not_to_be_empty()
    expect(page).to_have_url(f"{onsite_server.url}/reset-password")

    # An API key: shown once, works as a bearer token, stops working once revoked.
    page.goto("/account")
    expect(page.get_by_text(email)).to_be_visible()
    page.get_by_label("New key name").fill("CI")
    page.get_by_role("button", name="Create key").click()
    secret = page.locator(".api-secret").inner_text()
    assert len(secret) > 16
    bearer = {"Authorization": f"Bearer {secret}"}
    assert page.request.get("/api/auth/me", headers=bearer).json()["email"] == email
    page.get_by_role("button", name="Revoke").click()
    page.get_by_role("dialog").get_by_role("button", name="Revoke key").click()
    expect(page.get_by_text("No API keys yet.")).to_be_visible()
    assert page.request.get("/api/auth/me", headers=bearer).status == 401
    page.screenshot(path=str(output_dir / "account.png"), full_page=True)

    # Deletion: password, then the e-mailed confirmation link.
    page.get_by_label("Confirm with your password").fill("a brand new secret")
    page.get_by_role("button", name="Email me a deletion link").click()
    expect(page.get_by_role("alert")).to_contain_text("deletes the account for good")
    delete_token = outbox_token(onsite_server, email, "/account/delete")
    page.goto(f"/account/delete#token={delete_token}")
    page.get_by_role("button", name="Delete my account for good").click()
    expect(page.get_by_role("status")).to_contain_text("Your account has been deleted")
    page.goto("/login")
    log_in(page, email, "a brand new secret")
    expect(page.get_by_role("alert")).not_to_be_empty()

    assert unexpected(console_errors) == []


def test_sign_in_with_openid_connect(
    open_page: PageFactory, onsite_server: OnsiteServer, console_errors: ConsoleErrors
) -> None:
    """Through the real authorization-code flow of the local test provider, back to `next`."""
    page = open_page("oidc user")
    page.goto("/schedule")
    page.get_by_role("link", name="Continue with Test IdP").click()
    expect(page).to_have_url(f"{onsite_server.url}/schedule")
    expect(page.get_by_role("heading", name="Schedule", exact=True)).to_be_visible()
    expect(page.locator(".topbar-user")).to_contain_text("Oidc User")
    assert unexpected(console_errors) == []


def create_interview(page: Page, title: str, candidate: str) -> None:
    page.goto("/")
    expect(page.locator(".table-host > *")).to_have_count(1)  # the list has rendered
    page.get_by_text("New interview without an invitation").click()
    expect(page.get_by_label("Title")).to_be_visible()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Candidate name").fill(candidate)
    page.get_by_role("button", name="Create interview").click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()


def test_records_search_sort_bin_and_schedule_changes(
    open_page: PageFactory, console_errors: ConsoleErrors, output_dir: Path
) -> None:
    page = open_page("interviewer")
    register(page, "Barbara Liskov")
    for title, candidate in [
        ("Zeta systems", "Yann"),
        ("Alpha frontend", "Xena"),
        ("Mid API", "Will"),
    ]:
        create_interview(page, title, candidate)
    page.goto("/")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(3)

    # Sorting by title, both ways.
    page.get_by_role("button", name="Interview").click()
    expect(rows.first).to_contain_text("Alpha frontend")
    page.get_by_role("button", name="Interview").click()
    expect(rows.first).to_contain_text("Zeta systems")

    # Search and status filter narrow the list; the URL keeps the state.
    page.get_by_label("Search").fill("xena")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Alpha frontend")
    page.reload()
    expect(page.get_by_label("Search")).to_have_value("xena")
    expect(rows).to_have_count(1)
    page.get_by_label("Search").fill("")
    page.get_by_label("Status").select_option("completed")
    expect(page.get_by_text("No interviews match these filters.")).to_be_visible()
    page.get_by_label("Status").select_option("")
    expect(rows).to_have_count(3)

    # Pages: two per page gives two pages; the pager walks them.
    page.goto("/?per_page=2&sort=title&order=asc")
    expect(rows).to_have_count(2)
    expect(page.get_by_text("Page 1 of 2")).to_be_visible()
    page.get_by_role("button", name="Next →").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Zeta systems")
    expect(page.get_by_role("button", name="Next →")).to_be_disabled()
    page.get_by_role("button", name="← Previous").click()
    expect(rows.first).to_contain_text("Alpha frontend")
    page.goto("/")

    # Bin: move one there, restore it, move it again and delete it for good.
    page.get_by_role("link", name="Mid API").click()
    page.get_by_role("button", name="Move to bin").click()
    expect(page.get_by_role("heading", name="Bin")).to_be_visible()
    bin_row = page.locator("tbody tr").filter(has_text="Mid API")
    bin_row.get_by_role("button", name="Restore").click()
    expect(page.get_by_role("alert")).to_contain_text("Restored")
    expect(page.get_by_text("The bin is empty.")).to_be_visible()
    page.goto("/")
    page.get_by_role("link", name="Mid API").click()
    page.get_by_role("button", name="Move to bin").click()
    bin_row.get_by_role("button", name="Delete for good").click()
    bin_row.get_by_role("button", name="Confirm delete").click()
    expect(page.get_by_text("The bin is empty.")).to_be_visible()
    page.goto("/")
    expect(rows).to_have_count(2)

    # Schedule, reschedule (invite re-sent), cancel.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Schedule").click()
    page.get_by_label("Title").fill("Onsite loop")
    page.get_by_label("Candidate name").fill("Radia Perlman")
    page.get_by_label("Candidate email").fill("radia@example.com")
    page.get_by_label("Starts").fill("2031-03-04T09:30")
    page.get_by_role("button", name="Schedule and send invitations").click()
    upcoming = page.get_by_role("region", name="Upcoming interviews")
    slot = upcoming.locator(".slot").filter(has_text="Onsite loop")
    expect(slot).to_contain_text("60 min")
    page.screenshot(path=str(output_dir / "schedule.png"), full_page=True)
    slot.get_by_role("button", name="Reschedule").click()
    slot.get_by_label("New start").fill("2031-03-05T14:00")
    slot.get_by_label("Minutes").fill("90")
    slot.get_by_role("button", name="Save and re-send invite").click()
    expect(page.get_by_role("alert")).to_contain_text("Rescheduled")
    expect(slot).to_contain_text("90 min")
    slot.get_by_role("button", name="Cancel").click()
    slot.get_by_role("button", name="Cancel interview").click()
    expect(page.get_by_role("alert")).to_contain_text("Cancelled")
    expect(slot).to_have_count(0)  # it left Upcoming for "Past and completed", in words
    past = page.locator(".slot").filter(has_text="Onsite loop")
    expect(past).to_contain_text("Cancelled")
    page.goto("/?status=cancelled")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Onsite loop")

    # A bad schedule is refused with the server's message, nothing is lost from the form.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Schedule").click()
    page.get_by_label("Title").fill("Too long")
    page.get_by_label("Candidate name").fill("Someone")
    page.get_by_label("Candidate email").fill("someone@example.com")
    page.get_by_label("Starts").fill("2031-03-04T09:30")
    page.get_by_label("Duration (minutes)").evaluate("(el) => { el.removeAttribute('max'); }")
    page.get_by_label("Duration (minutes)").fill("100000")
    page.get_by_role("button", name="Schedule and send invitations").click()
    expect(page.get_by_role("alert")).not_to_be_empty()
    expect(page.get_by_label("Title")).to_have_value("Too long")

    assert unexpected(console_errors) == []


def test_candidate_with_a_bad_link_or_no_camera(
    open_page: PageFactory, onsite_server: OnsiteServer, console_errors: ConsoleErrors
) -> None:
    visitor = open_page("visitor")
    visitor.goto("/join/not-a-real-code")
    expect(visitor.get_by_role("alert")).to_contain_text("not valid")

    interviewer = open_page("interviewer")
    register(interviewer, "Frances Allen")
    create_interview(interviewer, "Compilers chat", "Jean Sammet")
    join_url = interviewer.locator("code.break").inner_text()
    # The interviewer is in the room, so the candidate goes straight in (no waiting room).
    interviewer.get_by_role("link", name="Open room").click()
    expect(interviewer.locator(".conn")).to_have_text("Connected")

    # A browser that refuses the camera: simulated by making getUserMedia refuse, as a denied
    # permission prompt does (the fake-device flag would otherwise grant it).
    candidate = open_page("candidate", width=390, height=844)
    candidate.add_init_script(
        """navigator.mediaDevices.getUserMedia = () =>
             Promise.reject(new DOMException('denied', 'NotAllowedError'));"""
    )
    candidate.goto(join_url)
    expect(candidate.get_by_role("status").filter(has_text="denied")).to_be_visible()
    candidate.get_by_role("button", name="Join interview").click()
    # The empty name is caught by the form itself; nothing was sent.
    assert candidate.get_by_label("Your name").evaluate("(el) => el.validity.valueMissing")
    expect(candidate).to_have_url(join_url)
    candidate.get_by_label("Your name").fill("Jean Sammet")
    candidate.get_by_role("button", name="Join interview").click()
    expect(candidate.locator(".conn")).to_have_text("Connected")
    expect(candidate.locator(".media-notice")).to_contain_text("denied")
    expect(candidate.get_by_role("button", name="Mute")).to_be_disabled()

    assert unexpected(console_errors) == []


def test_every_language_is_highlighted_and_the_editor_restyles_in_place(
    open_page: PageFactory, onsite_server: OnsiteServer, console_errors: ConsoleErrors
) -> None:
    page = open_page("interviewer")
    register(page, "Grace Murray")
    create_interview(page, "Polyglot", "Linus")
    page.get_by_role("link", name="Open room").click()
    expect(page.locator(".conn")).to_have_text("Connected")
    wait_editable(page)
    select = page.get_by_label("Language")
    languages = page.request.get("/api/languages").json()
    catalogue = load_catalogue(EngineSettings.load().catalogue_path)
    expected = (
        [lang.id for lang in catalogue] if onsite_server.engine == "docker" else ["python", "c"]
    )
    assert sorted(lang["id"] for lang in languages) == sorted(expected)  # the FakeEngine has 2
    for language in languages:
        select.select_option(language["id"])
        # The untouched stub follows the language, and some of it is coloured as code.
        wait_editor_text(page, language["stub"])
        expect(
            page.locator(f".editor-host .cm-editor[data-language='{language['id']}']")
        ).to_be_attached()
        styled = page.locator(".editor-host .cm-line span[class]").count()
        assert styled >= 1, f"{language['id']}: no syntax highlighting"

    editor = page.locator(".editor-host .cm-editor")
    light_background = editor.evaluate("(el) => getComputedStyle(el).backgroundColor")
    page.get_by_role("button", name="Dark theme").click()
    expect(page.get_by_role("button", name="Light theme")).to_have_attribute("aria-pressed", "true")
    assert editor.evaluate("(el) => getComputedStyle(el).backgroundColor") != light_background
    page.get_by_label("Font size").select_option("18")
    assert editor.evaluate("(el) => getComputedStyle(el).fontSize") == "18px"
    # Restyling kept the same editor: the binding still types into the shared text.
    page.locator(".editor-host .cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type("// still here")
    expect(page.locator(".editor-host .cm-content")).to_contain_text("// still here")

    # A flood of output: the verdict says so and the cut is shown, not hidden.
    select.select_option("python")
    page.locator(".editor-host .cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text("print('x' * 300000)\n")
    page.get_by_role("button", name="Run").click()
    verdict = page.locator(".run-output [data-verdict]")
    if onsite_server.engine == "docker":
        expect(verdict).to_have_attribute("data-verdict", "output_limit", timeout=60_000)
        expect(verdict).to_have_text("Output limit exceeded")
        expect(page.get_by_role("note")).to_contain_text("Output truncated")
    else:  # FakeEngine echoes stdin: an ok run with no output
        expect(verdict).to_have_attribute("data-verdict", "ok", timeout=60_000)
        expect(page.locator(".run-output .out-out .out-text")).to_have_text("(no output)")

    assert unexpected(console_errors) == []
