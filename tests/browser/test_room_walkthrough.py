"""A whole interview, walked in Chromium as the interviewer and the candidate would, at 1440×900
and at 390×844 (issue 11, "Check it"): scheduled, the candidate early in the waiting room, let in
when the interviewer arrives, the shared input, a run both see with its input, a language switch
announced and its starter offered and undone, the candidate leaving and coming back as the same
person, the end, the record's runs and the Schedule page afterwards.

Every step is photographed under ``$ONSITE_TEST_OUTPUT/walkthrough/`` (look at them), and each
screen is checked the way a person would: it says what state it is in, nothing scrolls sideways,
no console errors.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.browser.conftest import ConsoleErrors, PageFactory
from tests.browser.helpers import register, wait_editable, wait_editor_text
from tests.browser.test_room_ux import DESKTOP, PHONE, csrf_headers, no_sideways_scroll, shoot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PROGRAM = "# add two numbers\na, b = map(int, input().split())\nprint(a + b)\n"

# Elements that must never overlap each other on the room's screen (when both are visible).
NO_OVERLAP_JS = """(selectors) => {
  const shown = (el) => el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== 'hidden';
  const boxes = selectors
    .flatMap((s) => Array.from(document.querySelectorAll(s)).map((el) => [s, el]))
    .filter(([, el]) => shown(el))
    .map(([s, el]) => [s, el.getBoundingClientRect()]);
  const hits = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const [sa, a] = boxes[i], [sb, b] = boxes[j];
    const overlap = Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1
      && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
    if (overlap) hits.push(`${sa} × ${sb}`);
  }
  return hits;
}"""
ROOM_PARTS = [
    ".room-id",
    ".people",
    ".end-area",
    ".editor-toolbar",
    ".run-panel .run-head",
    ".room-side .tabs",
    ".room-notice",
    ".lobby-bar",
]


@pytest.fixture
def walk_dir(output_dir: Path) -> Path:
    path = output_dir / "walkthrough"
    path.mkdir(parents=True, exist_ok=True)
    return path


def assert_tidy(page: Page) -> None:
    no_sideways_scroll(page)
    hits = page.evaluate(NO_OVERLAP_JS, ROOM_PARTS)
    assert hits == [], f"{page.url}: parts overlap: {hits}"


def python_label(page: Page) -> str:
    languages: list[dict[str, Any]] = page.request.get("/api/languages").json()
    python = next(lang for lang in languages if lang["id"] == "python")
    return f"{python['name']} {python['version']}"


def c_name(page: Page) -> str:
    languages: list[dict[str, Any]] = page.request.get("/api/languages").json()
    return str(next(lang["name"] for lang in languages if lang["id"] == "c"))


def schedule(page: Page) -> dict[str, Any]:
    starts = datetime.now(UTC) + timedelta(minutes=15)
    response = page.request.post(
        "/api/schedules",
        data={
            "title": "Pairing: sums",
            "candidate_name": "Grace Hopper",
            "candidate_email": "grace@example.com",
            "language": "python",
            "starts_at": starts.isoformat(),
            "duration_minutes": 45,
        },
        headers=csrf_headers(page),
    )
    assert response.status == 201, response.text()
    created: dict[str, Any] = response.json()
    return created


def type_code(page: Page, text: str) -> None:
    page.locator(".editor-host .cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(text)


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1440", "390"])
def test_a_whole_interview_as_both_people(
    open_page: PageFactory, console_errors: ConsoleErrors, walk_dir: Path, size: ViewportSize
) -> None:
    tag = str(size["width"])
    phone = size["width"] < 600

    def snap(page: Page, name: str, full_page: bool = False) -> None:
        shoot(page, walk_dir / f"{name}-{tag}.png", full_page=full_page)

    interviewer = open_page("interviewer", **size)
    register(interviewer, "Ada Lovelace")
    slot = schedule(interviewer)
    interview_id, join_url = slot["interview_id"], slot["join_url"]
    label = python_label(interviewer)

    # ---- the candidate is early: the waiting room ----------------------------------------------
    candidate = open_page("candidate", **size)
    candidate.goto(join_url)
    expect(candidate.get_by_text("Camera and microphone are working.")).to_be_visible()
    candidate.get_by_label("Your name").fill("Grace Hopper")
    snap(candidate, "01-join")
    candidate.get_by_role("button", name="Join interview").click()
    lobby = candidate.get_by_role("dialog", name="Pairing: sums")
    expect(lobby).to_be_visible()
    expect(lobby).to_contain_text("The interview starts when Ada Lovelace joins")
    expect(lobby.get_by_text("Your camera and microphone are working.")).to_be_visible()
    expect(candidate.locator(".conn")).to_have_text("Waiting room")
    no_sideways_scroll(candidate)
    snap(candidate, "02-lobby")
    record = interviewer.request.get(f"/api/interviews/{interview_id}").json()
    assert record["status"] == "scheduled"  # an early candidate does not start it

    # ---- the interviewer arrives: the candidate is let in --------------------------------------
    interviewer.goto(f"/rooms/{interview_id}")
    expect(interviewer.locator(".conn")).to_have_text("Connected")
    wait_editable(interviewer)
    expect(lobby).to_be_hidden()
    expect(candidate.locator(".conn")).to_have_text("Connected")
    wait_editable(candidate)
    expect(interviewer.locator(".person", has_text="Grace Hopper")).to_have_attribute(
        "data-presence", "here"
    )
    record = interviewer.request.get(f"/api/interviews/{interview_id}").json()
    assert record["status"] == "in_progress"
    snap(interviewer, "03-room-interviewer")
    snap(candidate, "03-room-candidate")
    for page in (interviewer, candidate):
        assert_tidy(page)

    # ---- one input box for the room, and a run both see with its input ------------------------
    type_code(candidate, PROGRAM)
    wait_editor_text(interviewer, PROGRAM)
    interviewer.get_by_label("Standard input").fill("3 4")
    expect(candidate.get_by_label("Standard input")).to_have_value("3 4")
    candidate.get_by_role("button", name="Run", exact=True).click()
    for page in (interviewer, candidate):
        expect(page.locator(".run-output [data-testid=run-input]")).to_contain_text("3 4")
        expect(page.locator(".run-output .out-out .out-text")).to_have_text("7\n", timeout=60_000)
        expect(page.locator(".run-status")).to_contain_text(f"Run by Grace Hopper · {label}")
    snap(interviewer, "04-run-interviewer")
    snap(candidate, "04-run-candidate")

    # ---- a language switch: announced, re-highlighted, the starter offered and undone ----------
    c = c_name(interviewer)
    interviewer.get_by_label("Language").select_option("c")
    expect(interviewer.locator(".editor-host .cm-editor")).to_have_attribute("data-language", "c")
    expect(candidate.locator(".editor-host .cm-editor")).to_have_attribute("data-language", "c")
    expect(candidate.locator(".room-notice")).to_contain_text(
        f"Ada Lovelace changed the language to {c}"
    )
    expect(interviewer.locator(".chat-list .msg-notice").last).to_contain_text(
        f"You changed the language to {c}"
    )
    offer = interviewer.locator(".starter-offer")
    expect(offer).to_contain_text(f"the code is highlighted as {c}")
    snap(interviewer, "05-language-offer")
    snap(candidate, "05-language-announced")
    offer.get_by_role("button", name=re.compile(r"^Replace with")).click()
    expect(offer).to_contain_text("Replaced the code")
    wait_editor_text(candidate, c_stub(interviewer))
    offer.get_by_role("button", name="Undo").click()
    wait_editor_text(candidate, PROGRAM)
    interviewer.get_by_label("Language").select_option("python")
    expect(candidate.locator(".editor-host .cm-editor")).to_have_attribute(
        "data-language", "python"
    )

    # ---- the candidate closes the tab and comes back: one person, announced --------------------
    context = candidate.context
    candidate.close()
    person = interviewer.locator(".person", has_text="Grace Hopper")
    expect(person).to_have_attribute("data-presence", "gone", timeout=15_000)
    expect(person).to_contain_text("left")
    expect(interviewer.locator(".lone-hint")).to_contain_text("Grace Hopper left.")
    expect(interviewer.locator(".chat-list .msg-notice").last).to_contain_text(
        "Grace Hopper left the room"
    )
    snap(interviewer, "06-candidate-left")
    candidate = context.new_page()
    console_errors.watch(candidate, "candidate again")
    candidate.goto(join_url)
    expect(candidate.get_by_label("Your name")).to_have_value("Grace Hopper")
    expect(candidate.get_by_text("Welcome back.")).to_be_visible()
    snap(candidate, "07-join-again")
    candidate.get_by_role("button", name="Join interview").click()
    expect(candidate.locator(".conn")).to_have_text("Connected")
    wait_editable(candidate)
    expect(interviewer.locator(".chat-list .msg-notice").last).to_contain_text(
        "Grace Hopper is back"
    )
    expect(interviewer.locator(".person", has_text="Grace Hopper")).to_have_count(1)
    expect(candidate.locator(".person", has_text="Grace Hopper")).to_have_count(1)
    expect(candidate.get_by_label("Standard input")).to_have_value("3 4")
    snap(interviewer, "08-candidate-back")
    if not phone:
        assert_tidy(candidate)

    # ---- the end ------------------------------------------------------------------------------
    interviewer.get_by_role("button", name="End interview").click()
    interviewer.get_by_role("dialog", name="End the interview for everyone?").get_by_role(
        "button", name="Confirm end"
    ).click()
    expect(candidate.get_by_role("heading", name="Thank you, Grace")).to_be_visible()
    expect(interviewer.locator(".conn")).to_have_text("Interview ended")
    snap(candidate, "09-closing")
    snap(interviewer, "09-ended")

    # ---- the record: each run with its code, input and language ------------------------------
    interviewer.goto(f"/interviews/{interview_id}")
    runs = interviewer.get_by_role("region", name="Runs (1)")
    expect(runs).to_be_visible()
    expect(runs.locator(".run-language")).to_have_text(label)
    runs.get_by_text("Code, input and output").click()
    code = runs.locator(".run-code .cm-editor")
    expect(code).to_have_attribute("data-language", "python")
    expect(code.locator(".cm-content")).to_contain_text("print(a + b)")
    expect(runs.locator(".out-input .out-text")).to_have_text("3 4")
    # Highlighted: the comment is drawn in a colour of its own, not as plain text.
    colours = code.locator(".cm-content").evaluate(
        "(content) => { const base = getComputedStyle(content).color;"
        " return Array.from(content.querySelectorAll('span'))"
        ".filter((s) => getComputedStyle(s).color !== base).length; }"
    )
    assert colours >= 1, "the run's code is not highlighted"
    snap(interviewer, "10-record-runs", full_page=True)
    no_sideways_scroll(interviewer)

    # ---- the Schedule page: the completed interview is past, with nothing to do to it ---------
    interviewer.goto("/schedule")
    upcoming = interviewer.get_by_role("region", name="Upcoming interviews")
    expect(upcoming.get_by_text("No upcoming interviews.")).to_be_visible()
    interviewer.get_by_text("Past and completed").click()
    past = interviewer.locator(".past-slots article", has_text="Pairing: sums")
    expect(past.locator(".badge", has_text="Completed")).to_be_visible()
    expect(past.get_by_role("button", name="Reschedule")).to_have_count(0)
    expect(past.get_by_role("button", name="Cancel")).to_have_count(0)
    expect(past.get_by_role("link", name="View record")).to_be_visible()
    snap(interviewer, "11-schedule", full_page=True)
    no_sideways_scroll(interviewer)

    assert console_errors.items == []


def c_stub(page: Page) -> str:
    languages: list[dict[str, Any]] = page.request.get("/api/languages").json()
    return str(next(lang["stub"] for lang in languages if lang["id"] == "c"))


def test_an_interviewer_who_admits_candidates_lets_them_in_from_the_room(
    open_page: PageFactory, console_errors: ConsoleErrors, walk_dir: Path
) -> None:
    interviewer = open_page("interviewer", **DESKTOP)
    register(interviewer, "Ada Lovelace")
    interviewer.goto("/account")
    interviewer.get_by_label(re.compile("I admit each candidate myself")).check()
    expect(interviewer.get_by_text("Saved. Rooms opened from now on follow it.")).to_be_visible()
    shoot(interviewer, walk_dir / "12-account-waiting-room-1440.png", full_page=True)
    slot = schedule(interviewer)
    interviewer.goto(f"/rooms/{slot['interview_id']}")
    expect(interviewer.locator(".conn")).to_have_text("Connected")

    candidate = open_page("candidate", **PHONE)
    candidate.goto(slot["join_url"])
    candidate.get_by_label("Your name").fill("Grace Hopper")
    candidate.get_by_role("button", name="Join interview").click()
    lobby = candidate.get_by_role("dialog", name="Pairing: sums")
    expect(lobby).to_contain_text("Ada Lovelace is here and will let you in in a moment.")
    knock = interviewer.locator(".lobby-bar")
    expect(knock).to_contain_text("Grace Hopper is waiting in the lobby.")
    expect(interviewer.locator(".lone-hint")).to_be_hidden()  # someone is there, knocking
    assert_tidy(interviewer)
    shoot(interviewer, walk_dir / "13-knock-1440.png")
    shoot(candidate, walk_dir / "13-lobby-not-admitted-390.png")
    knock.get_by_role("button", name="Admit Grace Hopper").click()
    expect(lobby).to_be_hidden()
    expect(candidate.locator(".conn")).to_have_text("Connected")
    wait_editable(candidate)
    expect(knock).to_be_hidden()
    expect(interviewer.locator(".person", has_text="Grace Hopper")).to_have_attribute(
        "data-presence", "here"
    )
    assert console_errors.items == []
