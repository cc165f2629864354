"""The shared terminal in two real browsers against the real engine: the candidate answers a
Python ``input()`` prompt and both see the output; the interviewer takes the keyboard; Ctrl+C
stops the program. Screenshots under ``$ONSITE_TEST_OUTPUT/terminal/``."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ConsoleErrors, PageFactory
from tests.browser.test_room_ux import join, open_room

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PROGRAM = 'while True:\n    name = input("Name: ")\n    print(f"Hello, {name}!")\n'


def screen_text(page: Page) -> str:
    text = page.locator(".terminal-host .xterm-rows").text_content()
    return text or ""


def wait_screen(page: Page, text: str, within_ms: int = 60_000) -> None:
    page.wait_for_function(
        "(want) => (document.querySelector('.terminal-host .xterm-rows')?.textContent ?? '')"
        ".replace(/\\u00a0/g, ' ').includes(want)",
        arg=text,
        timeout=within_ms,
    )


def test_two_people_share_an_interactive_python_run(
    open_page: PageFactory, console_errors: ConsoleErrors, output_dir: Path
) -> None:
    shots = output_dir / "terminal"
    shots.mkdir(parents=True, exist_ok=True)
    interviewer, join_url = open_room(open_page, "Terminal walk")
    interviewer.locator(".editor-host .cm-content").click()
    interviewer.keyboard.press("Control+A")
    interviewer.keyboard.insert_text(PROGRAM)
    candidate = join(open_page, join_url)
    expect(candidate.locator(".conn")).to_have_text("Connected")
    for page in (interviewer, candidate):
        page.get_by_role("tab", name="Terminal").click()
        expect(page.locator(".terminal-host .xterm")).to_be_visible()

    candidate.get_by_role("button", name="Run in terminal").click()
    for page in (interviewer, candidate):
        wait_screen(page, "Name: ")
    candidate.locator(".terminal-host .xterm").click()
    candidate.keyboard.type("Grace")
    wait_screen(interviewer, "Name: Grace")  # the echo reaches the other browser before Enter
    candidate.keyboard.press("Enter")
    for page in (interviewer, candidate):
        wait_screen(page, "Hello, Grace!")
    interviewer.screenshot(path=str(shots / "interviewer-sees-the-answer.png"))
    candidate.screenshot(path=str(shots / "candidate-typed.png"))

    # The interviewer takes the keyboard: the candidate's keys no longer reach the program.
    interviewer.get_by_label("Who may type").select_option("interviewer")
    expect(candidate.locator(".terminal-keyboard")).to_have_text("Only the interviewer types")
    candidate.locator(".terminal-host .xterm").click()
    candidate.keyboard.type("Mallory")
    candidate.keyboard.press("Enter")
    interviewer.locator(".terminal-host .xterm").click()
    interviewer.keyboard.type("Ada")
    interviewer.keyboard.press("Enter")
    for page in (interviewer, candidate):
        wait_screen(page, "Hello, Ada!")
    assert "Mallory" not in screen_text(interviewer)
    candidate.screenshot(path=str(shots / "candidate-read-only.png"))

    # Ctrl+C stops it, for everyone.
    interviewer.locator(".terminal-host .xterm").click()
    interviewer.keyboard.press("Control+C")
    for page in (interviewer, candidate):
        wait_screen(page, "stopped with Ctrl+C")
    expect(candidate.get_by_role("button", name="Run in terminal")).to_be_enabled()
    interviewer.screenshot(path=str(shots / "stopped.png"))

    # The record plays the session back.
    room_url = interviewer.url
    interviewer.goto(room_url.replace("/rooms/", "/interviews/"))
    card = interviewer.locator(".terminal-replays")
    expect(card.get_by_role("heading")).to_have_text("Terminal sessions (1)")
    card.get_by_label("Playback speed").select_option("1000000")
    card.get_by_role("button", name="Play").click()
    interviewer.wait_for_function(
        "() => (document.querySelector('.replay-host .xterm-rows')?.textContent ?? '')"
        ".replace(/\\u00a0/g, ' ').includes('Hello, Ada!')"
    )
    assert "Name: Grace" in (card.locator(".xterm-rows").text_content() or "").replace("\xa0", " ")
    interviewer.screenshot(path=str(shots / "record-replay.png"), full_page=True)
    assert console_errors.items == []
