"""The shared whiteboard in two (then three) real browsers: Excalidraw loads only when its tab is
opened, what one draws the other sees, a late joiner gets the scene, the interviewer's lock
stops the candidate, and the record page plays the board back and exports it as SVG and PNG."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ConsoleErrors, OnsiteServer, PageFactory
from tests.browser.helpers import register

pytestmark = [pytest.mark.browser]

WHITEBOARD_CHUNK = re.compile(r"/assets/.*\.js$")


def create_interview(page: Page, title: str) -> dict[str, str]:
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "onsite_csrf")
    response = page.request.post(
        "/api/interviews",
        data={"title": title, "candidate_name": "Grace Hopper"},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status == 201, response.text()
    record: dict[str, str] = response.json()
    return record


def join(page: Page, join_url: str, name: str) -> None:
    page.goto(join_url)
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Join interview").click()
    expect(page.locator(".conn")).to_have_text("Connected")


def open_board(page: Page) -> None:
    page.get_by_role("tab", name="Whiteboard").click()
    # Excalidraw's own start ("Loading scene…") can take seconds with three browsers on two cores
    expect(page.locator(".board-host .excalidraw")).to_be_visible(timeout=30_000)
    expect(page.locator(".board-host")).to_have_attribute("data-elements", re.compile(r"\d+"))


def drawn(page: Page) -> str:
    value = page.locator(".board-host").get_attribute("data-elements")
    return value or ""


def draw_rectangle(page: Page, offset: int) -> None:
    """Picks the rectangle tool and drags one out on the board."""
    page.locator(".board-host").get_by_title(re.compile(r"^Rectangle")).click()
    box = page.locator(".board-host .excalidraw__canvas.interactive").bounding_box()
    assert box is not None
    x, y = box["x"] + 300 + offset, box["y"] + 120 + offset // 2  # right of the style panel
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 120, y + 80, steps=8)
    page.mouse.up()


def test_two_browsers_draw_a_late_joiner_sees_it_the_lock_holds_and_the_record_exports(
    onsite_server: OnsiteServer,
    open_page: PageFactory,
    console_errors: ConsoleErrors,
    output_dir: Path,
) -> None:
    interviewer = open_page("interviewer", width=1400, height=900)
    register(interviewer, "Ada Lovelace")
    record = create_interview(interviewer, "System design")
    loaded: list[str] = []
    interviewer.on("request", lambda r: loaded.append(r.url))
    interviewer.goto(f"/rooms/{record['id']}")
    expect(interviewer.locator(".conn")).to_have_text("Connected")
    before_tab = [u for u in loaded if "excalidraw" in u]
    chunks_before = {u for u in loaded if WHITEBOARD_CHUNK.search(u)}

    candidate = open_page("candidate", width=1400, height=900)
    join(candidate, record["join_url"], "Grace Hopper")

    # ---- Excalidraw loads only when the tab is opened ---------------------------------------
    open_board(interviewer)
    chunks_after = {u for u in loaded if WHITEBOARD_CHUNK.search(u)}
    assert before_tab == [] and chunks_after - chunks_before, "no chunk loaded for the board"
    open_board(candidate)
    assert drawn(interviewer) == "0" and drawn(candidate) == "0"

    # ---- what one draws, the other sees ------------------------------------------------------
    draw_rectangle(candidate, 0)
    expect(interviewer.locator(".board-host")).to_have_attribute("data-elements", "1")
    draw_rectangle(interviewer, 200)
    expect(candidate.locator(".board-host")).to_have_attribute("data-elements", "2")
    candidate.screenshot(path=str(output_dir / "whiteboard-candidate.png"))

    # ---- a late joiner gets the scene --------------------------------------------------------
    late = open_page("late", width=1400, height=900)
    join(late, record["join_url"], "Linus")
    open_board(late)
    expect(late.locator(".board-host")).to_have_attribute("data-elements", "2")
    late.screenshot(path=str(output_dir / "whiteboard-late-joiner.png"))
    late.context.close()

    # ---- the lock: the candidate's board turns read-only, the interviewer still draws ------
    interviewer.get_by_label("Lock the whiteboard for the candidate").check()
    expect(candidate.get_by_text("The interviewer has locked the whiteboard.")).to_be_visible()
    expect(candidate.locator(".board-host").get_by_title(re.compile(r"^Rectangle"))).to_have_count(
        0
    )
    candidate.screenshot(path=str(output_dir / "whiteboard-locked.png"))
    draw_rectangle(interviewer, 320)
    expect(candidate.locator(".board-host")).to_have_attribute("data-elements", "3")
    interviewer.get_by_label("Lock the whiteboard for the candidate").uncheck()
    expect(candidate.get_by_text("Everyone can draw.")).to_be_visible()
    draw_rectangle(candidate, 420)
    expect(interviewer.locator(".board-host")).to_have_attribute("data-elements", "4")
    interviewer.screenshot(path=str(output_dir / "whiteboard-interviewer.png"))

    # ---- the record plays the board back and exports it --------------------------------------
    interviewer.goto(f"/interviews/{record['id']}")
    interviewer.get_by_role("button", name="Load whiteboard").click()
    preview = interviewer.locator(".board-preview")
    expect(preview).to_have_attribute("data-elements", "4")
    expect(preview.locator("svg")).to_be_visible()
    interviewer.locator("#board-position").fill("1")
    expect(preview).to_have_attribute("data-elements", "1")
    interviewer.locator("#board-position").fill("4000")
    expect(preview).to_have_attribute("data-elements", "4")
    preview.scroll_into_view_if_needed()
    interviewer.screenshot(path=str(output_dir / "whiteboard-record.png"), full_page=True)
    with interviewer.expect_download() as svg_download:
        interviewer.get_by_role("button", name="Download SVG").click()
    svg = Path(svg_download.value.path()).read_text(encoding="utf-8")
    assert svg.startswith("<svg") and svg.count("<path") >= 4
    assert svg_download.value.suggested_filename.endswith(".svg")
    with interviewer.expect_download() as png_download:
        interviewer.get_by_role("button", name="Download PNG").click()
    png = Path(png_download.value.path()).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000
    (output_dir / "whiteboard-export.png").write_bytes(png)
    assert console_errors.items == []
