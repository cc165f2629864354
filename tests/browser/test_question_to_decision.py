"""From question to decision in three real browsers: the interviewer (Ada) writes a question
with a hidden test in the question bank's editor and schedules an interview with it, adds a
co-interviewer (Bob), the candidate (Grace) joins, sees the prompt and the starter, pastes a
solution that fails the hidden test, leaves the tab, fixes it and passes; Ada and Bob see the
hidden results and the guide, Grace does not; the paste and the tab switch show as marks; both
scorecards are submitted; the record shows it all and its replay jumps to the test run; Bob's
dashboard lists the interview as his panel's, which he may read but not change. Real Docker
engine for the runs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import OnsiteServer, PageFactory
from tests.browser.helpers import (
    assert_controls_named,
    create_question,
    register,
    wait_editable,
    wait_editor_text,
)
from tests.support.mail import read_outbox

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HIDDEN_INPUT = "1000000 2345"
GUIDE = "A good answer reads both numbers and prints their sum; ask about overflow (guide-7781)."
STARTER = "a, b = map(int, input().split())\n# print the sum of a and b\n"
WRONG = "a, b = map(int, input().split())\nprint(a + b if a < 1000 else 0)\n"
RIGHT = "a, b = map(int, input().split())\nprint(a + b)\n"
QUESTION: dict[str, Any] = {
    "title": "Sum two numbers",
    "prompt": "# Sum two numbers\nRead **a** and **b** from one line and print `a + b`.\n\n"
    "<script>alert(1)</script>",
    "difficulty": "easy",
    "guide": GUIDE,
    "starters": {"python": STARTER},
    "tests": [
        {"name": "small", "stdin": "1 2\n", "expected_stdout": "3\n"},
        {"name": "tens", "stdin": "10 20\n", "expected_stdout": "30\n"},
        {"name": "big", "stdin": HIDDEN_INPUT + "\n", "expected_stdout": "1002345\n",
         "hidden": True},
    ],
}  # fmt: skip

PASTE_JS = """(text) => {
  const target = document.querySelector('.editor-host .cm-content');
  const data = new DataTransfer();
  data.setData('text/plain', text);
  const init = {clipboardData: data, bubbles: true, cancelable: true};
  target.dispatchEvent(new ClipboardEvent('paste', init));
}"""

SET_VISIBILITY_JS = """(state) => {
  Object.defineProperty(document, 'visibilityState', {value: state, configurable: true});
  Object.defineProperty(document, 'hidden', {value: state === 'hidden', configurable: true});
  document.dispatchEvent(new Event('visibilitychange'));
}"""


def replace_code(page: Page, text: str) -> None:
    page.locator(".editor-host .cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(text)


def fill_scorecard(page: Page, interview_id: str) -> None:
    page.goto(f"/interviews/{interview_id}")
    card = page.locator(".scorecard-card")
    expect(card.get_by_role("button", name="Submit scorecard")).to_be_visible()
    for criterion in ("Problem solving", "Code quality", "Communication", "Testing"):
        card.get_by_label(f"{criterion}: 3 · yes").check()
    card.get_by_label("Problem solving notes").fill("Found the bug from the hidden test.")
    card.get_by_label("Recommendation").select_option("hire")
    expect(card.locator(".autosave-state")).to_have_text("Draft saved.", timeout=10_000)
    card.get_by_role("button", name="Submit scorecard").click()
    expect(card).to_contain_text("Submitted: your scorecard is locked.")


def test_question_to_decision(
    open_page: PageFactory, onsite_server: OnsiteServer, output_dir: Path
) -> None:
    if onsite_server.engine != "docker":
        pytest.fail(
            f"this test needs the real engine to judge the tests; got {onsite_server.engine}"
        )
    shots = output_dir / "question-to-decision"
    shots.mkdir(parents=True, exist_ok=True)

    bob = open_page("bob")
    bob_email = register(bob, "Bob Panel")
    ada = open_page("ada", width=1440, height=900)
    register(ada, "Ada Lovelace")
    # ---- Ada writes the question, hidden test included, in the bank's editor ----------------
    question_id = create_question(ada, QUESTION)
    expect(ada.locator(".test-case")).to_have_count(3)
    expect(ada.get_by_label("Test 3 hidden from the candidate")).to_be_checked()
    ada.screenshot(path=str(shots / "00-question-editor.png"))

    # ---- schedule with the question (picked already: "Schedule with it"), add Bob ------------
    ada.get_by_role("link", name="Schedule with it").click()
    expect(ada.get_by_role("heading", name="Schedule", exact=True)).to_be_visible()
    picker = ada.get_by_role("group", name="Questions")
    expect(picker.get_by_role("checkbox", name="Sum two numbers")).to_be_checked()
    expect(picker.get_by_role("checkbox", checked=True)).to_have_count(1)
    assert picker.get_by_role("checkbox", checked=True).get_attribute("value") == question_id
    ada.screenshot(path=str(shots / "00b-schedule-with-question.png"))
    ada.get_by_label("Title").fill("Onsite: sums")
    ada.get_by_label("Candidate name").fill("Grace Hopper")
    ada.get_by_label("Candidate email").fill("grace@example.com")
    ada.get_by_label("Starts").fill("2030-01-15T10:00")
    ada.get_by_role("button", name="Schedule and send invitations").click()
    expect(ada.get_by_role("alert")).to_contain_text("invitations sent")
    expect(ada.get_by_role("alert")).to_contain_text("1 question picked for the room")
    href = (
        ada.locator(".slot")
        .filter(has_text="Onsite: sums")
        .get_by_role("link", name="Open room")
        .get_attribute("href")
    )
    assert href is not None
    interview_id = href.rsplit("/", 1)[-1]
    ada.goto(f"/interviews/{interview_id}")
    ada.get_by_label("Co-interviewer e-mail").fill(bob_email)
    ada.get_by_role("button", name="Add to panel").click()
    expect(ada.locator(".panel-list")).to_contain_text("Bob Panel")
    assert any(bob_email in str(m["To"]) for m in read_outbox(onsite_server.data_dir / "data"))

    # ---- Ada opens the room: the question is loaded, its starter in the editor ---------------
    ada.goto(f"/rooms/{interview_id}")
    expect(ada.locator(".conn")).to_have_text("Connected")
    pane = ada.locator(".question-pane")
    expect(pane.locator(".question-title")).to_have_text("Sum two numbers")
    expect(pane.locator(".question-prompt strong").first).to_have_text("a")
    assert pane.locator(".question-prompt script").count() == 0
    wait_editor_text(ada, STARTER)
    ada.get_by_role("tab", name="Guide").click()
    expect(ada.locator(".guide-body")).to_contain_text("guide-7781")
    ada.get_by_role("tab", name="Invite").click()
    join_url = ada.locator("#invite-link").input_value()
    ada.get_by_role("tab", name="Activity").click()

    # ---- Grace joins: told what is recorded; sees the prompt and the starter, not the guide --
    grace = open_page("grace", width=1440, height=900)
    grace.goto(join_url)
    expect(grace.locator(".recorded-notice")).to_contain_text("when you paste")
    grace.screenshot(path=str(shots / "01-join-notice.png"))
    grace.get_by_label("Your name").fill("Grace Hopper")
    grace.get_by_role("button", name="Join interview").click()
    expect(grace.locator(".conn")).to_have_text("Connected")
    wait_editable(grace)
    expect(grace.locator(".question-title")).to_have_text("Sum two numbers")
    wait_editor_text(grace, STARTER)
    expect(grace.get_by_role("tab", name="Guide")).to_have_count(0)
    grace.screenshot(path=str(shots / "02-candidate-prompt-and-starter.png"))
    assert_controls_named(grace)

    # ---- a paste that fails the hidden test ---------------------------------------------------
    grace.locator(".editor-host .cm-content").click()
    grace.keyboard.press("Control+a")
    grace.evaluate(PASTE_JS, WRONG)
    wait_editor_text(ada, WRONG)
    grace.get_by_role("button", name="Run tests").click()
    expect(grace.locator(".tests-status")).to_contain_text(
        "2 of 3 tests passed · hidden: 0 of 1 passed", timeout=60_000
    )
    expect(grace.locator(".tests-table tbody tr")).to_have_count(2)
    expect(grace.locator(".tests-hidden-note")).to_contain_text("Hidden tests: 0 of 1 passed")
    expect(ada.locator(".tests-table tbody tr")).to_have_count(3)
    expect(ada.locator(".tests-table")).to_contain_text(HIDDEN_INPUT)
    expect(ada.locator(".tests-table tr.test-fail")).to_contain_text("Wrong answer")

    # ---- leaving the tab, and coming back ----------------------------------------------------
    grace.evaluate(SET_VISIBILITY_JS, "hidden")
    grace.wait_for_timeout(1600)
    grace.evaluate(SET_VISIBILITY_JS, "visible")
    marks = ada.locator(".activity-list")
    expect(marks).to_contain_text(f"Grace Hopper pasted {len(WRONG)} characters")
    expect(marks).to_contain_text(re.compile(r"left the tab for [12] s"))
    ada.screenshot(path=str(shots / "03-interviewer-hidden-results-and-marks.png"))

    # ---- the fix passes everything ------------------------------------------------------------
    replace_code(grace, RIGHT)
    wait_editor_text(ada, RIGHT)
    grace.get_by_role("button", name="Run tests").click()
    expect(grace.locator(".tests-status")).to_contain_text("All tests passed", timeout=60_000)
    expect(grace.locator(".tests-status")).to_contain_text("hidden: 1 of 1 passed")
    expect(ada.locator(".tests-status")).to_contain_text("All tests passed")
    grace.screenshot(path=str(shots / "04-candidate-all-passed.png"))
    page_text = grace.locator("body").inner_text()
    assert HIDDEN_INPUT not in page_text and "guide-7781" not in page_text

    # ---- Bob, on the panel, opens the room as an interviewer: guide and notes ----------------
    bob.goto(f"/rooms/{interview_id}")
    expect(bob.locator(".conn")).to_have_text("Connected")
    expect(bob.get_by_role("tab", name="Notes")).to_be_visible()
    bob.get_by_role("tab", name="Guide").click()
    expect(bob.locator(".guide-body")).to_contain_text("guide-7781")
    expect(bob.locator(".tests-table")).to_contain_text(HIDDEN_INPUT)
    bob.screenshot(path=str(shots / "05-co-interviewer-guide.png"))

    ada.get_by_role("button", name="End interview").click()
    ada.get_by_role("button", name="Confirm end").click()
    expect(ada.locator(".conn")).to_have_text("Interview ended")

    # ---- both scorecards, then the record --------------------------------------------------
    fill_scorecard(ada, interview_id)
    fill_scorecard(bob, interview_id)
    ada.goto(f"/interviews/{interview_id}")
    expect(ada.locator(".scorecards-submitted")).to_contain_text("Submitted scorecards (2)")
    expect(ada.locator(".scorecards-submitted")).to_contain_text("Bob Panel")
    ada.get_by_role("button", name="Load replay").click()
    markers = ada.locator(".replay-marker[data-kind='tests']")
    expect(markers).to_have_count(2)
    expect(ada.locator(".replay-marker[data-kind='paste']")).to_have_count(1)
    expect(ada.locator(".replay-marker[data-kind='tab']").first).to_be_visible()
    markers.first.click()
    expect(ada.locator(".replay-event")).to_contain_text("Test run by Grace Hopper: 2 of 3 passed")
    expect(ada.locator(".replay-code")).to_contain_text("a < 1000")
    ada.get_by_label("Playback speed").select_option("16")
    ada.locator("section").filter(
        has=ada.get_by_role("heading", name="Replay", exact=True)
    ).scroll_into_view_if_needed()
    ada.screenshot(path=str(shots / "06-record-replay-timeline.png"), full_page=True)
    assert_controls_named(ada)

    # ---- the dashboard: the verdict and the score ------------------------------------------
    ada.goto("/?recommendation=hire")
    row = ada.locator("tbody tr").filter(has_text="Onsite: sums")
    expect(row).to_contain_text("Hire")
    expect(row.locator(".score")).to_have_text("3.00 / 4")
    ada.screenshot(path=str(shots / "07-dashboard-verdict-score.png"))

    # ---- Bob's dashboard lists the panel interview, marked; he cannot bin or edit it ---------
    bob.goto("/")
    bob_row = bob.locator("tbody tr").filter(has_text="Onsite: sums")
    expect(bob_row.locator(".badge-role")).to_have_text("Co-interviewer")
    expect(bob_row.locator(".score")).to_have_text("3.00 / 4")
    bob.screenshot(path=str(shots / "08-co-interviewer-dashboard.png"))
    bob.set_viewport_size({"width": 390, "height": 844})
    expect(bob_row.locator(".badge-role")).to_be_visible()
    bob.screenshot(path=str(shots / "08b-co-interviewer-dashboard-phone.png"))
    bob.set_viewport_size({"width": 1280, "height": 720})
    bob_row.get_by_role("link", name="Onsite: sums").click()
    expect(bob.get_by_role("heading", name="Onsite: sums")).to_be_visible()
    expect(bob.locator(".page-head .badge-role")).to_have_text("Co-interviewer")
    expect(bob.get_by_role("button", name="Move to bin")).to_have_count(0)
    expect(bob.get_by_role("button", name="Add to panel")).to_have_count(0)
    expect(bob.get_by_label("Private notes (only you see these)")).to_have_count(0)
    bob.screenshot(path=str(shots / "09-co-interviewer-record.png"))
