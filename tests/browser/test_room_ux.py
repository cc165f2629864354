"""The room as people use it (issue 11), asserted as a person would see it.

Each test walks one path in real Chromium against the real server (fake engine is enough: what
matters here is what the page shows) and saves screenshots at 1440×900 and 390×844 under
``$ONSITE_TEST_OUTPUT/ux/``.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, Request, ViewportSize, expect

from tests.browser.conftest import ConsoleErrors, PageFactory
from tests.browser.helpers import assert_controls_named, register, wait_editable

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DESKTOP: ViewportSize = {"width": 1440, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}

PEER_CONNECTED = """() => {
  const tile = document.querySelector('.tile[data-peer]');
  const v = tile && tile.querySelector('video.remote');
  return !!v && tile.dataset.state === 'connected' && v.videoWidth > 0 && v.currentTime > 0;
}"""

# What a person sees of one element: where it is, how big, and how it is drawn.
LOOK = """(el) => {
  const r = el.getBoundingClientRect();
  const cs = getComputedStyle(el);
  return { x: r.x, y: r.y, width: r.width, height: r.height, objectFit: cs.objectFit,
           transform: cs.transform, visibility: cs.visibility, display: cs.display };
}"""


@pytest.fixture
def ux_dir(output_dir: Path) -> Path:
    path = output_dir / "ux"
    path.mkdir(parents=True, exist_ok=True)
    return path


def csrf_headers(page: Page) -> dict[str, str]:
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "onsite_csrf")
    return {"X-CSRF-Token": csrf}


def create_interview(page: Page, title: str, candidate: str = "Grace Hopper") -> tuple[str, str]:
    """Creates a record through the API as the signed-in interviewer; returns (id, join_url)."""
    response = page.request.post(
        "/api/interviews",
        data={"title": title, "candidate_name": candidate},
        headers=csrf_headers(page),
    )
    assert response.status == 201, response.text()
    record = response.json()
    return str(record["id"]), str(record["join_url"])


def open_room(open_page: PageFactory, title: str) -> tuple[Page, str]:
    interviewer = open_page("interviewer", **DESKTOP)
    register(interviewer, "Ada Lovelace")
    interview_id, join_url = create_interview(interviewer, title)
    interviewer.goto(f"/rooms/{interview_id}")
    expect(interviewer.locator(".conn")).to_have_text("Connected")
    wait_editable(interviewer)
    return interviewer, join_url


def join(open_page: PageFactory, join_url: str, name: str = "Grace Hopper") -> Page:
    candidate = open_page("candidate", **DESKTOP)
    candidate.goto(join_url)
    expect(candidate.get_by_text("Camera and microphone are working.")).to_be_visible()
    candidate.get_by_label("Your name").fill(name)
    candidate.get_by_role("button", name="Join interview").click()
    expect(candidate.locator(".conn")).to_have_text("Connected")
    wait_editable(candidate)
    return candidate


def wait_call(*pages: Page, within_s: float = 30.0) -> None:
    for page in pages:
        deadline = time.monotonic() + within_s
        while not page.evaluate(PEER_CONNECTED):
            assert time.monotonic() < deadline, "the video call did not connect"
            page.wait_for_timeout(200)


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    viewport = page.viewport_size
    assert viewport is not None
    assert width <= viewport["width"], f"{page.url} scrolls sideways ({width}px wide)"


def look(page: Page, selector: str) -> dict[str, Any]:
    result: dict[str, Any] = page.locator(selector).first.evaluate(LOOK)
    return result


def height(locator: Locator) -> float:
    box = locator.bounding_box()
    assert box is not None, "not on the page"
    return box["height"]


def shoot(page: Page, path: Path, full_page: bool = False) -> None:
    page.wait_for_timeout(300)  # let transitions settle
    page.screenshot(path=str(path), full_page=full_page)


# ---- 2. the end, for the candidate -------------------------------------------------------------


def test_the_candidate_gets_a_closing_screen_and_the_room_goes_quiet(
    open_page: PageFactory, console_errors: ConsoleErrors, ux_dir: Path
) -> None:
    interviewer, join_url = open_room(open_page, "Closing time")
    candidate = join(open_page, join_url)
    socket_requests: list[str] = []

    def on_request(request: Request) -> None:
        if "/socket.io/" in request.url:
            socket_requests.append(request.url)

    candidate.on("request", on_request)
    candidate.on("websocket", lambda ws: socket_requests.append(ws.url))

    # Ending asks first, in the page (a dialog, not window.confirm); cancelling changes nothing.
    interviewer.get_by_role("button", name="End interview").click()
    dialog = interviewer.get_by_role("dialog", name="End the interview for everyone?")
    expect(dialog).to_be_visible()
    shoot(interviewer, ux_dir / "end-confirm-1440.png")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    expect(candidate.locator(".conn")).to_have_text("Connected")
    interviewer.get_by_role("button", name="End interview").click()
    interviewer.get_by_role("dialog").get_by_role("button", name="Confirm end").click()

    # The candidate: thanks and what happens next; everything behind it is closed.
    closing = candidate.get_by_role("dialog", name="Thank you, Grace")
    expect(closing).to_be_visible()
    expect(closing).to_contain_text("What happens next")
    expect(closing).to_contain_text("Ada Lovelace reviews the session")
    expect(candidate.locator(".conn")).to_have_text("Interview ended")
    ended_at = len(socket_requests)
    assert_controls_named(candidate)
    shoot(candidate, ux_dir / "end-candidate-1440.png")
    candidate.set_viewport_size(PHONE)
    shoot(candidate, ux_dir / "end-candidate-390.png")
    no_sideways_scroll(candidate)
    candidate.set_viewport_size(DESKTOP)

    closing.get_by_role("button", name="See the final code").click()
    expect(closing).to_have_count(0)
    expect(candidate.locator(".room-banner")).to_contain_text("This interview has ended")
    expect(candidate.get_by_role("textbox", name="Message", exact=True)).to_be_disabled()
    expect(candidate.get_by_role("button", name="Send")).to_be_disabled()
    expect(candidate.get_by_role("button", name="Run")).to_be_disabled()
    expect(candidate.get_by_label("Standard input")).to_be_disabled()
    expect(candidate.get_by_label("Language")).to_be_disabled()
    expect(candidate.locator(".editor-host .cm-content")).to_have_attribute(
        "contenteditable", "false"
    )
    expect(candidate.get_by_role("button", name="Share screen")).to_have_count(0)
    expect(candidate.locator(".chat-note")).to_contain_text("chat is closed")
    shoot(candidate, ux_dir / "end-candidate-room-1440.png")

    # No reconnect loop: over more than one backoff period (4 s at most), nothing is retried
    # and the badge never turns into "Reconnecting…" or "Not connected".
    for _ in range(12):
        candidate.wait_for_timeout(500)
        expect(candidate.locator(".conn")).to_have_text("Interview ended")
    assert socket_requests[ended_at:] == [], f"the candidate kept reconnecting: {socket_requests}"

    # The interviewer gets no stray "not connected" toast; their chat closes too.
    expect(interviewer.locator(".room-banner")).to_contain_text("This interview has ended")
    expect(interviewer.locator(".toast")).to_be_hidden()
    expect(interviewer.get_by_role("textbox", name="Message", exact=True)).to_be_disabled()
    expect(interviewer.locator(".conn")).to_have_text("Interview ended")
    shoot(interviewer, ux_dir / "end-interviewer-1440.png")

    # Opening the tab again shows the same closing screen, not an error or a login page.
    candidate.reload()
    expect(candidate.get_by_role("dialog", name="Thank you, Grace")).to_be_visible()
    expect(candidate.locator(".conn")).to_have_text("Interview ended")
    assert console_errors.items == []


# ---- 1. a shared screen takes the stage ---------------------------------------------------------


def test_a_shared_screen_takes_the_stage_and_a_camera_off_shows_initials(
    open_page: PageFactory, console_errors: ConsoleErrors, ux_dir: Path
) -> None:
    interviewer, join_url = open_room(open_page, "Screen share")
    candidate = join(open_page, join_url)
    wait_call(interviewer, candidate)
    expect(interviewer.locator(".stage")).to_be_hidden()

    candidate.get_by_role("button", name="Share screen").click()
    expect(candidate.get_by_role("button", name="Stop sharing")).to_be_visible()
    for page, caption in ((candidate, "You are sharing your screen"),
                          (interviewer, "Grace Hopper’s screen")):  # fmt: skip
        stage = page.get_by_role("region", name="Shared screen")
        expect(stage).to_be_visible()
        expect(stage).to_contain_text(caption)
        page.wait_for_function(
            "() => { const v = document.querySelector('.stage-video');"
            " return v.videoWidth > 0 && v.currentTime > 0; }"
        )
        video = look(page, ".stage-video")
        assert video["width"] >= 900 and video["height"] >= 400, video
        assert video["objectFit"] == "contain", video
        assert video["transform"] == "none", video  # never mirrored
        # The cameras stay small beside it.
        for tile in page.locator(".tile").all():
            box = tile.bounding_box()
            assert box is not None and box["width"] < 200, box
    # The sharer's own camera stays in their tile (mirrored, as a mirror is); the others see
    # the sharer's tile marked as presenting, with initials instead of a duplicate of the screen.
    sharer_tile = interviewer.locator(".tile[data-peer]")
    expect(sharer_tile).to_have_class("tile presenting camera-off")
    expect(sharer_tile.locator(".tile-initials")).to_have_text("GH")
    expect(sharer_tile.locator(".tile-initials")).to_be_visible()
    assert look(candidate, "video.local")["visibility"] == "visible"
    shoot(interviewer, ux_dir / "stage-interviewer-1440.png")
    shoot(candidate, ux_dir / "stage-sharer-1440.png")
    assert_controls_named(interviewer)
    assert_controls_named(candidate)

    # Fullscreen, and back.
    interviewer.get_by_role("button", name="Fullscreen").click()
    interviewer.wait_for_function("() => document.fullscreenElement?.classList.contains('stage')")
    expect(interviewer.get_by_role("button", name="Exit fullscreen")).to_be_visible()
    fullscreen = look(interviewer, ".stage-video")
    assert fullscreen["width"] >= 1400, fullscreen
    interviewer.get_by_role("button", name="Exit fullscreen").click()
    interviewer.wait_for_function("() => document.fullscreenElement === null")

    # On a phone the stage comes first, full width, still letterboxed.
    interviewer.set_viewport_size(PHONE)
    video = look(interviewer, ".stage-video")
    assert video["width"] >= 340 and video["objectFit"] == "contain", video
    no_sideways_scroll(interviewer)
    shoot(interviewer, ux_dir / "stage-interviewer-390.png", full_page=True)
    interviewer.set_viewport_size(DESKTOP)

    candidate.get_by_role("button", name="Stop sharing").click()
    for page in (interviewer, candidate):
        expect(page.locator(".stage")).to_be_hidden()
    expect(sharer_tile).not_to_have_class("tile presenting camera-off")

    # A camera that is off shows the person's initials, on both sides.
    interviewer.get_by_role("button", name="Stop camera").click()
    expect(interviewer.locator(".tile:not([data-peer]) .tile-initials")).to_be_visible()
    expect(interviewer.locator(".tile:not([data-peer]) .tile-initials")).to_have_text("AL")
    remote = candidate.locator(".tile[data-peer]")
    expect(remote).to_have_class("tile camera-off")
    expect(remote.locator(".tile-initials")).to_have_text("AL")
    expect(remote.locator(".tile-initials")).to_be_visible()
    shoot(candidate, ux_dir / "camera-off-candidate-1440.png")
    candidate.set_viewport_size(PHONE)
    expect(remote.locator(".tile-initials")).to_be_visible()
    no_sideways_scroll(candidate)
    shoot(candidate, ux_dir / "camera-off-candidate-390.png")
    candidate.set_viewport_size(DESKTOP)
    interviewer.get_by_role("button", name="Start camera").click()
    expect(remote).not_to_have_class("tile camera-off")
    assert console_errors.items == []


# ---- 3. the output panel --------------------------------------------------------------------


def test_the_output_has_a_resizable_split_and_a_copy_button(
    open_page: PageFactory, console_errors: ConsoleErrors, ux_dir: Path
) -> None:
    interviewer, _ = open_room(open_page, "Output")
    stdin = interviewer.get_by_label("Standard input")
    assert height(stdin) >= 60  # not squeezed to one line

    # A long output scrolls inside the panel, all of it there. The program echoes its stdin
    # (what the fake engine does anyway), so the real engine gives the same output.
    code = interviewer.locator(".editor-host .cm-content")
    code.click()
    interviewer.keyboard.press("Control+a")
    interviewer.keyboard.insert_text('import sys\nprint(sys.stdin.read(), end="")\n')
    lines = [f"line {n}: {'x' * 30}" for n in range(1, 121)]
    stdin.fill("\n".join(lines))
    interviewer.get_by_role("button", name="Run").click()
    expect(interviewer.locator(".run-output [data-verdict]")).to_have_attribute(
        "data-verdict", "ok"
    )
    scroll = interviewer.locator(".run-scroll")
    overflow = scroll.evaluate(
        "(el) => ({ style: getComputedStyle(el).overflowY,"
        " scroll: el.scrollHeight, client: el.clientHeight })"
    )
    assert overflow["style"] == "auto" and overflow["scroll"] > overflow["client"], overflow
    expect(interviewer.locator(".run-output .out-out .out-text")).to_contain_text("line 120:")
    scroll.evaluate("(el) => { el.scrollTop = el.scrollHeight; }")
    expect(
        interviewer.locator(".run-output .out-out .out-text").get_by_text("line 120:")
    ).to_be_in_viewport()

    # Copy puts exactly the output on the clipboard.
    interviewer.get_by_role("button", name="Copy output").click()
    expect(interviewer.locator(".copy-state")).to_have_text("Copied.")
    assert interviewer.evaluate("() => navigator.clipboard.readText()") == "\n".join(lines)
    shoot(interviewer, ux_dir / "output-1440.png")
    assert_controls_named(interviewer)

    # The handle: a keyboard-reachable separator; Up grows the output, and it is remembered.
    panel = interviewer.locator(".run-panel")
    handle = interviewer.get_by_role("separator", name="Resize the output panel")
    before = panel.bounding_box()
    assert before is not None
    handle.focus()
    for _ in range(3):
        interviewer.keyboard.press("ArrowUp")
    taller = panel.bounding_box()
    assert taller is not None and taller["height"] > before["height"] + 80, (before, taller)
    assert int(handle.get_attribute("aria-valuenow") or 0) > 45

    # Dragging it down makes the output smaller.
    box = handle.bounding_box()
    assert box is not None
    interviewer.mouse.move(box["x"] + box["width"] / 2, box["y"] + 4)
    interviewer.mouse.down()
    interviewer.mouse.move(box["x"] + box["width"] / 2, box["y"] + 250, steps=8)
    interviewer.mouse.up()
    dragged = panel.bounding_box()
    assert dragged is not None and dragged["height"] < taller["height"] - 150, (taller, dragged)
    saved = interviewer.evaluate("() => localStorage.getItem('onsite.split')")
    assert saved is not None

    interviewer.reload()
    wait_editable(interviewer)
    again = interviewer.locator(".run-panel").bounding_box()
    assert again is not None and abs(again["height"] - dragged["height"]) < 4, (dragged, again)
    shoot(interviewer, ux_dir / "output-resized-1440.png")

    interviewer.set_viewport_size(PHONE)
    no_sideways_scroll(interviewer)
    assert height(stdin) >= 60
    shoot(interviewer, ux_dir / "output-390.png", full_page=True)
    assert console_errors.items == []


# ---- 4. notes are prose ------------------------------------------------------------------------


def test_notes_wrap_in_a_proportional_font_with_a_safe_markdown_preview(
    open_page: PageFactory, console_errors: ConsoleErrors, ux_dir: Path
) -> None:
    interviewer, _ = open_room(open_page, "Notes")
    interviewer.get_by_role("tab", name="Notes").click()
    notes = interviewer.locator(".notes-host")
    expect(notes.locator(".cm-gutters")).to_have_count(0)  # no line numbers
    font = notes.locator(".cm-content").evaluate("(el) => getComputedStyle(el).fontFamily")
    assert "mono" not in font.lower(), font
    notes.locator(".cm-content").click()
    sentence = (
        "Explained the sliding window clearly and caught the off-by-one at the end without a hint, "
        "then talked through the complexity."
    )
    interviewer.keyboard.insert_text(
        "# Summary\n" + sentence + "\n\n- **Strong** on *testing*\n- `O(n)` solution\n\n"
        '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">\n'
        "[docs](javascript:window.__pwned=3)"
    )
    scroller = notes.locator(".cm-scroller").evaluate(
        "(el) => ({ scroll: el.scrollWidth, client: el.clientWidth })"
    )
    assert scroller["scroll"] <= scroller["client"] + 1, f"the notes scroll sideways: {scroller}"
    shoot(interviewer, ux_dir / "notes-edit-1440.png")

    interviewer.get_by_role("button", name="Preview").click()
    preview = interviewer.get_by_label("Notes preview")
    expect(preview).to_be_visible()
    expect(notes).to_be_hidden()
    expect(preview.get_by_role("heading", name="Summary")).to_be_visible()
    expect(preview.locator("strong")).to_have_text("Strong")
    expect(preview.locator("em")).to_have_text("testing")
    expect(preview.locator("li")).to_have_count(2)
    # Raw HTML shows as text and never runs; an unsafe link stays text.
    expect(preview).to_contain_text("<script>window.__pwned = 1</script>")
    expect(preview.locator("script, img, a")).to_have_count(0)
    assert interviewer.evaluate("() => window.__pwned") is None
    shoot(interviewer, ux_dir / "notes-preview-1440.png")
    assert_controls_named(interviewer)
    interviewer.set_viewport_size(PHONE)
    no_sideways_scroll(interviewer)
    interviewer.get_by_label("Notes preview").scroll_into_view_if_needed()
    shoot(interviewer, ux_dir / "notes-preview-390.png")
    interviewer.set_viewport_size(DESKTOP)

    interviewer.get_by_role("button", name="Edit").click()
    expect(notes).to_be_visible()
    expect(preview).to_be_hidden()
    assert console_errors.items == []


# ---- 5. cursor names, the empty chat, the lone interviewer ----------------------------------

CARET_NAME_SHOWN = """() => {
  const info = document.querySelector('.editor-host .cm-ySelectionInfo');
  return !!info && getComputedStyle(info).opacity === '1';
}"""


def test_cursor_names_flash_and_empty_states_say_what_to_do(
    open_page: PageFactory, console_errors: ConsoleErrors, ux_dir: Path
) -> None:
    interviewer, join_url = open_room(open_page, "Hints")
    # Alone: pointed to the Invite tab; the chat says what it is for.
    hint = interviewer.get_by_role("status").filter(has_text="You are the only one here")
    expect(hint).to_be_visible()
    expect(interviewer.locator(".chat-empty")).to_contain_text("No messages yet")
    shoot(interviewer, ux_dir / "lone-interviewer-1440.png")
    interviewer.set_viewport_size(PHONE)
    expect(hint).to_be_in_viewport()
    shoot(interviewer, ux_dir / "lone-interviewer-390.png")
    interviewer.set_viewport_size(DESKTOP)
    hint.get_by_role("button", name="Open the Invite tab").click()
    expect(interviewer.get_by_role("tab", name="Invite")).to_have_attribute("aria-selected", "true")
    expect(interviewer.locator("#invite-link")).to_be_visible()
    interviewer.get_by_role("tab", name="Chat").click()

    candidate = join(open_page, join_url)
    expect(hint).to_be_hidden()
    expect(candidate.locator(".chat-empty")).to_be_visible()
    candidate.get_by_role("textbox", name="Message", exact=True).fill("Hello!")
    candidate.get_by_role("textbox", name="Message", exact=True).press("Enter")
    expect(interviewer.locator(".chat-list")).to_contain_text("Hello!")
    expect(interviewer.locator(".chat-empty")).to_be_hidden()

    # The interviewer's cursor appears: the candidate sees the name at once, then it fades...
    interviewer.locator(".editor-host .cm-content").click()
    candidate.wait_for_function(CARET_NAME_SHOWN, timeout=3000)
    candidate.wait_for_function(f"() => !({CARET_NAME_SHOWN})()", timeout=4000)
    # ...and shows again as soon as it moves.
    interviewer.keyboard.press("End")
    interviewer.keyboard.type("  # hi")
    candidate.wait_for_function(CARET_NAME_SHOWN, timeout=2000)
    expect(candidate.locator(".cm-ySelectionInfo")).to_have_text("Ada Lovelace")
    shoot(candidate, ux_dir / "cursor-name-1440.png")
    candidate.wait_for_function(f"() => !({CARET_NAME_SHOWN})()", timeout=4000)
    assert console_errors.items == []


# ---- 6. interviewer pages on a phone ------------------------------------------------------------


def in_viewport(page: Page, name: str) -> None:
    """The control is on screen and fully inside the viewport's width (reachable, not cut)."""
    box = page.get_by_role("button", name=name).or_(page.get_by_role("link", name=name)).first
    expect(box).to_be_visible()
    rect = box.bounding_box()
    assert rect is not None
    assert rect["x"] >= 0 and rect["x"] + rect["width"] <= 390, f"{name} is cut off: {rect}"


def test_interviewer_pages_work_at_390_px(
    open_page: PageFactory, console_errors: ConsoleErrors, ux_dir: Path
) -> None:
    page = open_page("interviewer", **PHONE)
    register(page, "Barbara Liskov")
    interview_id, _ = create_interview(page, "Distributed systems deep dive", "Leslie Lamport")
    create_interview(page, "Frontend pairing", "Grace Hopper")
    binned, _ = create_interview(page, "Binned one", "Alan Kay")
    assert page.request.delete(f"/api/interviews/{binned}", headers=csrf_headers(page)).ok
    pages = {
        "dashboard": "/",
        "schedule": "/schedule",
        "bin": "/bin",
        "account": "/account",
        "record": f"/interviews/{interview_id}",
    }
    for name, path in pages.items():
        page.goto(path)
        expect(page.get_by_role("heading", level=1).first).to_be_visible()
        page.wait_for_load_state("networkidle")
        no_sideways_scroll(page)
        in_viewport(page, "Log out")
        shoot(page, ux_dir / f"phone-{name}-390.png", full_page=True)
    page.goto("/bin")
    for action in ("Restore", "Delete for good"):
        in_viewport(page, action)
    page.goto("/")
    row = page.locator("tbody tr").filter(has_text="Frontend pairing")
    expect(row).to_be_visible()
    for action in ("Open room",):
        target = row.get_by_role("link", name=action)
        expect(target).to_be_visible()
        rect = target.bounding_box()
        assert rect is not None and rect["x"] + rect["width"] <= 390, rect
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r".*/login(\?.*)?$"))
    assert console_errors.items == []


# ---- 7. destructive actions confirm or undo; the first interview is obvious ------------------


def test_destructive_actions_confirm_or_undo_and_the_first_interview_is_obvious(
    open_page: PageFactory, console_errors: ConsoleErrors, ux_dir: Path
) -> None:
    page = open_page("interviewer", **DESKTOP)
    register(page, "Frances Allen")

    # A new account's dashboard says what to do, and the button leads straight to the form.
    empty = page.locator(".empty-first")
    expect(empty).to_contain_text("No interviews yet")
    shoot(page, ux_dir / "dashboard-empty-1440.png")
    page.set_viewport_size(PHONE)
    no_sideways_scroll(page)
    shoot(page, ux_dir / "dashboard-empty-390.png", full_page=True)
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="Create your first interview").click()
    expect(page.get_by_label("Title")).to_be_focused()
    page.get_by_label("Title").fill("Compilers chat")
    page.get_by_label("Candidate name").fill("John Backus")
    expect(page.get_by_label("Language")).to_have_value("python")
    page.get_by_label("Language").select_option("c")
    page.get_by_role("button", name="Create interview").click()
    expect(page.get_by_role("heading", name="Compilers chat")).to_be_visible()
    record_url = page.url
    interview_id = record_url.rsplit("/", 1)[-1]
    created = page.request.get(f"/api/interviews/{interview_id}").json()
    assert created["language"] == "c", created

    # Move to bin acts at once and offers to undo it; undo brings the record back.
    page.get_by_role("button", name="Move to bin").click()
    expect(page.get_by_role("heading", name="Bin")).to_be_visible()
    notice = page.get_by_role("alert")
    expect(notice).to_contain_text("Moved “Compilers chat” to the bin.")
    shoot(page, ux_dir / "bin-undo-1440.png")
    notice.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("heading", name="Compilers chat")).to_be_visible()
    expect(page).to_have_url(record_url)
    page.goto("/")
    expect(page.locator("tbody tr").filter(has_text="Compilers chat")).to_have_count(1)

    # A new API key has a copy button; revoking asks first, in the page.
    page.goto("/account")
    page.get_by_label("New key name").fill("CI")
    page.get_by_role("button", name="Create key").click()
    secret = page.locator(".api-secret").inner_text()
    page.get_by_role("button", name="Copy key").click()
    expect(page.get_by_text("Copied.")).to_be_visible()
    assert page.evaluate("() => navigator.clipboard.readText()") == secret
    shoot(page, ux_dir / "account-key-1440.png", full_page=True)
    bearer = {"Authorization": f"Bearer {secret}"}
    page.get_by_role("button", name="Revoke").click()
    dialog = page.get_by_role("dialog", name="Revoke the key “CI”?")
    expect(dialog).to_be_visible()
    shoot(page, ux_dir / "revoke-confirm-1440.png")
    page.set_viewport_size(PHONE)
    shoot(page, ux_dir / "revoke-confirm-390.png")
    page.set_viewport_size(DESKTOP)
    page.keyboard.press("Escape")  # the same as Cancel
    expect(dialog).to_have_count(0)
    assert page.request.get("/api/auth/me", headers=bearer).status == 200
    page.get_by_role("button", name="Revoke").click()
    page.get_by_role("dialog").get_by_role("button", name="Revoke key").click()
    expect(page.get_by_text("No API keys yet.")).to_be_visible()
    assert page.request.get("/api/auth/me", headers=bearer).status == 401
    assert console_errors.items == []
