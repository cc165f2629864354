"""The whole interview in two real browsers: schedule, join by link, co-edit, run, video, chat, end.

The interviewer and the candidate are two isolated Chromium contexts (separate cookies, like two
machines) talking to the real server over loopback; video goes peer to peer over WebRTC with
Chromium's fake camera. Screenshots land in ``$ONSITE_TEST_OUTPUT``.
"""

from __future__ import annotations

import re
import time
from itertools import zip_longest
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ConsoleErrors, OnsiteServer, PageFactory
from tests.browser.helpers import (
    assert_controls_named,
    editor_text,
    register,
    wait_editable,
    wait_editor_text,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PROGRAM = "import sys\nprint(sum(range(10)), sys.stdin.read().strip())\n"
TOP_LINE = "# reviewed by ada"
BOTTOM_LINE = "# done by grace"
FINAL = f"{TOP_LINE}\n{PROGRAM}{BOTTOM_LINE}"

REMOTE_VIDEO_PLAYS = """() => {
  const v = document.querySelector('video.remote');
  return !!v && v.videoWidth > 0 && v.currentTime > 0;
}"""

VIDEO_STATE = """() => Array.from(document.querySelectorAll('.tile')).map((t) => {
  const v = t.querySelector('video');
  const s = v.srcObject;
  return {
    state: t.dataset.state, debug: t.dataset.debug, local: v.classList.contains('local'),
    w: v.videoWidth,
    t: v.currentTime, paused: v.paused, muted: v.muted,
    tracks: s ? s.getTracks().map((k) => `${k.kind}:${k.readyState}:${k.muted}`) : null,
  };
})"""


def wait_remote_video(page: Page, within_s: float = 30.0) -> None:
    """Polls until a remote video renders frames; on failure says what each tile had."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if page.evaluate(REMOTE_VIDEO_PLAYS):
            return
        page.wait_for_timeout(250)
    who = "interviewer" if page.locator(".as-interviewer").count() else "candidate"
    raise AssertionError(f"{who} gets no remote video frames: {page.evaluate(VIDEO_STATE)}")


def wait_peer_connected(page: Page, within_s: float = 30.0) -> None:
    """Polls until one remote tile's peer connection is connected; else says what each had."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if page.locator(".tile[data-state='connected']").count() == 1:
            return
        page.wait_for_timeout(250)
    who = "interviewer" if page.locator(".as-interviewer").count() else "candidate"
    raise AssertionError(f"{who} has no connected peer: {page.evaluate(VIDEO_STATE)}")


def focus_editor(page: Page) -> None:
    page.locator(".editor-host .cm-content").click()


def schedule_interview(page: Page, title: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Schedule").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Candidate name").fill("Grace Hopper")
    page.get_by_label("Candidate email").fill("grace@example.com")
    page.get_by_label("Starts").fill("2030-01-15T10:00")
    page.get_by_label("Duration (minutes)").fill("45")
    page.get_by_role("button", name="Schedule and send invitations").click()
    expect(page.get_by_role("alert")).to_contain_text("invitations sent to grace@example.com")
    expect(page.locator(".slot").filter(has_text=title)).to_be_visible()


def test_interview_from_schedule_to_record(
    open_page: PageFactory,
    onsite_server: OnsiteServer,
    console_errors: ConsoleErrors,
    output_dir: Path,
) -> None:
    title = "Backend pairing"
    interviewer = open_page("interviewer")
    register(interviewer, "Ada Lovelace")
    schedule_interview(interviewer, title)

    interviewer.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Interviews"
    ).click()
    row = interviewer.locator("tbody tr").filter(has_text=title)
    expect(row).to_contain_text("Scheduled")
    interviewer.screenshot(path=str(output_dir / "dashboard.png"))
    assert_controls_named(interviewer)

    # ---- the interviewer opens the room: the record's language and its starter code ----------
    row.get_by_role("link", name="Open room").click()
    expect(interviewer.locator(".conn")).to_have_text("Connected")
    interviewer.wait_for_function(
        "() => document.querySelector('.editor-host .cm-content')?.textContent.includes('print')"
    )
    interviewer.get_by_role("tab", name="Invite").click()
    join_url = interviewer.locator("#invite-link").input_value()
    assert join_url.startswith(f"{onsite_server.url}/join/")
    qr = interviewer.get_by_role("img", name="QR code of the join link")
    expect(qr).to_be_visible()
    assert interviewer.evaluate("(img) => img.naturalWidth", qr.element_handle()) > 0
    interviewer.get_by_role("tab", name="Chat").click()

    # ---- the candidate joins by the link, after the camera check ------------------------------
    candidate = open_page("candidate")
    candidate.goto(join_url)
    expect(candidate.get_by_role("heading", name=title)).to_be_visible()
    expect(candidate.get_by_text("with Ada Lovelace")).to_be_visible()
    expect(candidate.get_by_text("Camera and microphone are working.")).to_be_visible()
    candidate.wait_for_function(
        "() => { const v = document.querySelector('video.preview');"
        " return v.videoWidth > 0 && v.currentTime > 0.3; }"
    )
    candidate.screenshot(path=str(output_dir / "join.png"))
    assert_controls_named(candidate)
    candidate.get_by_label("Your name").fill("Grace Hopper")
    candidate.get_by_role("button", name="Join interview").click()
    expect(candidate.locator(".conn")).to_have_text("Connected")
    wait_editable(candidate)
    wait_editor_text(candidate, editor_text(interviewer))

    # ---- the language lives in the shared document: both switch, the untouched stub follows --
    interviewer.get_by_label("Language").select_option("c")
    expect(candidate.get_by_label("Language")).to_have_value("c")
    candidate.wait_for_function(
        "() => document.querySelector('.editor-host .cm-content').textContent.includes('main')"
    )
    candidate.get_by_label("Language").select_option("python")
    expect(interviewer.get_by_label("Language")).to_have_value("python")
    expect(interviewer.locator(".people")).to_contain_text("Grace Hopper")

    # ---- both type at once and see the same text ---------------------------------------------
    focus_editor(interviewer)
    interviewer.keyboard.press("Control+a")
    interviewer.keyboard.insert_text(PROGRAM)
    wait_editor_text(candidate, PROGRAM)
    focus_editor(candidate)
    interviewer.keyboard.press("Control+Home")
    candidate.keyboard.press("Control+End")
    for top, bottom in zip_longest(TOP_LINE + "\n", BOTTOM_LINE):
        if top is not None:
            interviewer.keyboard.type(top)
        if bottom is not None:
            candidate.keyboard.type(bottom)
    wait_editor_text(interviewer, FINAL)
    wait_editor_text(candidate, FINAL)
    # Each sees the other's cursor, labelled with their name.
    expect(candidate.locator(".cm-ySelectionInfo")).to_have_text("Ada Lovelace")
    expect(interviewer.locator(".cm-ySelectionInfo")).to_have_text("Grace Hopper")

    # ---- the candidate runs it; both see the same result -------------------------------------
    candidate.get_by_label("Standard input").fill("abc")
    candidate.get_by_label("Standard input").press("Control+Enter")
    expected_stdout = "45 abc" if onsite_server.engine == "docker" else "abc"
    for page in (interviewer, candidate):
        verdict = page.locator(".run-output [data-verdict]")
        expect(verdict).to_have_attribute("data-verdict", "ok", timeout=60_000)
        expect(verdict).to_have_text("OK")
        expect(page.locator(".run-output .out-out .out-text")).to_have_text(expected_stdout)
        expect(page.locator(".run-status")).to_contain_text("Run by Grace Hopper")
        expect(page.locator(".run-facts")).to_contain_text("time")

    # ---- video both ways ----------------------------------------------------------------------
    for page in (interviewer, candidate):
        wait_peer_connected(page)
        wait_remote_video(page)
    interviewer.get_by_role("button", name="Mute").click()
    expect(interviewer.get_by_role("button", name="Unmute")).to_have_attribute(
        "aria-pressed", "true"
    )
    interviewer.get_by_role("button", name="Unmute").click()

    # ---- chat both ways, with the unread count while another tab is open ----------------------
    interviewer.get_by_role("textbox", name="Message", exact=True).fill("Hello Grace, welcome!")
    interviewer.get_by_role("textbox", name="Message", exact=True).press("Enter")
    expect(candidate.locator(".chat-list")).to_contain_text("Hello Grace, welcome!")
    interviewer.get_by_role("tab", name="Notes").click()
    interviewer.locator(".notes-host .cm-content").click()
    interviewer.keyboard.type("Clear about complexity.")
    candidate.get_by_role("textbox", name="Message", exact=True).fill("Hi Ada, thanks!")
    candidate.get_by_role("button", name="Send").click()
    expect(interviewer.locator(".unread")).to_have_text("1")
    interviewer.get_by_role("tab", name="Chat").click()
    expect(interviewer.locator(".unread")).to_be_hidden()
    expect(interviewer.locator(".chat-list")).to_contain_text("Hi Ada, thanks!")
    # The candidate never sees the notes panel.
    expect(candidate.get_by_role("tab", name="Notes")).to_have_count(0)

    # ---- the candidate reloads the tab: same person, same code, video back -------------------
    candidate.reload()
    expect(candidate.locator(".conn")).to_have_text("Connected")
    wait_editable(candidate)
    wait_editor_text(candidate, FINAL)
    expect(candidate.locator(".chat-list")).to_contain_text("Hi Ada, thanks!")
    expect(interviewer.locator(".people .person")).to_have_count(2)
    for page in (interviewer, candidate):
        wait_peer_connected(page)
        wait_remote_video(page)

    interviewer.screenshot(path=str(output_dir / "room-interviewer.png"))
    assert_controls_named(interviewer)
    assert_controls_named(candidate)
    candidate.screenshot(path=str(output_dir / "room-candidate.png"))
    candidate.set_viewport_size({"width": 390, "height": 844})
    expect(candidate.locator(".editor-host")).to_be_visible()
    candidate.screenshot(path=str(output_dir / "room-candidate-phone.png"), full_page=True)
    width = candidate.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the phone view scrolls sideways ({width}px wide)"

    # ---- screen share replaces the camera track and goes back -------------------------------
    interviewer.get_by_role("button", name="Share screen").click()
    expect(interviewer.get_by_role("button", name="Stop sharing")).to_be_visible()
    wait_remote_video(candidate)
    interviewer.get_by_role("button", name="Stop sharing").click()
    expect(interviewer.get_by_role("button", name="Share screen")).to_be_visible()

    # ---- the interviewer can stop the candidate from running code ----------------------------
    interviewer.get_by_role("tab", name="Invite").click()
    interviewer.get_by_label("Candidate may run code").uncheck()
    expect(candidate.get_by_role("button", name="Run")).to_be_disabled()
    expect(candidate.locator(".run-status")).to_contain_text("turned off running code")
    interviewer.get_by_label("Candidate may run code").check()
    expect(candidate.get_by_role("button", name="Run")).to_be_enabled()
    interviewer.get_by_role("tab", name="Chat").click()

    # ---- the interviewer ends it; the record keeps code, transcript and run ------------------
    interviewer.get_by_role("button", name="End interview").click()
    interviewer.get_by_role("button", name="Confirm end").click()
    for page in (interviewer, candidate):
        expect(page.locator(".room-banner")).to_contain_text("This interview has ended")
        expect(page.locator(".editor-host .cm-content")).to_have_attribute(
            "contenteditable", "false"
        )
    interviewer.get_by_role("link", name="View the record").click()
    expect(interviewer.get_by_role("heading", name=title)).to_be_visible()
    expect(interviewer.get_by_label("Final code")).to_have_text(FINAL)
    transcript = interviewer.locator(".transcript")
    expect(transcript).to_contain_text("Hello Grace, welcome!")
    expect(transcript).to_contain_text("Hi Ada, thanks!")
    expect(interviewer.get_by_role("heading", name="Runs (1)")).to_be_visible()
    expect(interviewer.locator(".status")).to_have_text("Completed")
    expect(interviewer.get_by_label("Private notes (only you see these)")).to_have_value(
        "Clear about complexity."
    )
    # The replay rebuilds the code from the update log, step by step.
    interviewer.get_by_role("button", name="Load replay").click()
    replay_code = interviewer.get_by_label("Code at this point")
    expect(replay_code).to_have_text(FINAL)
    slider = interviewer.get_by_label("Replay position")
    expect(interviewer.locator(".replay-label")).to_contain_text(" of ")
    counted = re.search(r"step \d+ of (\d+)", interviewer.locator(".replay-label").inner_text())
    steps = int(counted.group(1)) if counted else 0
    assert steps > len(TOP_LINE) + len(BOTTOM_LINE), steps  # about one update per keystroke
    slider.evaluate("(el) => { el.value = '0'; el.dispatchEvent(new Event('input')); }")
    expect(replay_code).to_have_text("")
    slider.press("End")
    expect(replay_code).to_have_text(FINAL)
    interviewer.get_by_label("Final recommendation").select_option("hire")
    interviewer.get_by_role("button", name="Save").click()
    expect(interviewer.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    interviewer.reload()
    expect(interviewer.get_by_label("Final recommendation")).to_have_value("hire")
    interviewer.screenshot(path=str(output_dir / "record.png"), full_page=True)
    assert_controls_named(interviewer)

    # Opening the ended room again shows it ended, read-only.
    record_url = interviewer.url
    interviewer.goto(record_url.replace("/interviews/", "/rooms/"))
    expect(interviewer.locator(".room-banner")).to_contain_text("This interview has ended")
    expect(interviewer.get_by_role("button", name="End interview")).to_have_count(0)

    # The link no longer lets anyone in.
    candidate.goto(join_url)
    expect(candidate.get_by_role("alert")).to_contain_text("ended")
    expect(candidate.get_by_role("button", name="Join interview")).to_have_count(0)

    assert console_errors.items == []
