"""A browser room behind haproxy with two server processes, while the room moves between them.

The interviewer and the candidate are in the room through haproxy (their sockets carry
``?interview=<id>``, which the proxy hashes on). haproxy is then reloaded without the room's
owner, and the interviewer reloads the tab: the proxy sends the new socket to the other process,
which asks the owner to let go; the owner tells the candidate's socket ``room_moved`` and hangs
up. The candidate's page must reconnect by itself to the new owner, without an error on screen,
keep the code it had, and keep editing with the interviewer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, WebSocket, expect

from server.settings import REPO_ROOT
from tests.browser.conftest import ConsoleErrors
from tests.browser.helpers import editor_text, register, wait_editable, wait_editor_text
from tests.browser.test_interview_room import focus_editor, schedule_interview
from tests.support.cluster import Cluster, open_cluster, run_async

pytestmark = [pytest.mark.browser, pytest.mark.postgres]


@pytest.fixture(scope="module")
def browser_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    dist = REPO_ROOT / "client" / "dist"
    if not (dist / "index.html").exists():
        pytest.fail("build the client first: cd client && npm run build")
    with open_cluster(
        tmp_path_factory.mktemp("browser-cluster"), ["node1", "node2"], client_dist=dist
    ) as made:
        yield made


def test_a_room_that_moves_between_processes_keeps_its_browsers(
    browser: Any,
    browser_cluster: Cluster,
    console_errors: ConsoleErrors,
    output_dir: Path,
) -> None:
    cluster = browser_cluster
    sockets: list[str] = []

    def page_for(who: str) -> Page:
        context = browser.new_context(
            base_url=cluster.url,
            viewport={"width": 1280, "height": 720},
            permissions=["camera", "microphone"],
        )
        context.set_default_timeout(20_000)
        page: Page = context.new_page()
        console_errors.watch(page, who)

        def on_socket(ws: WebSocket) -> None:
            sockets.append(f"{who} {ws.url}")

        page.on("websocket", on_socket)
        return page

    interviewer = page_for("interviewer")
    register(interviewer, "Ada Lovelace")
    schedule_interview(interviewer, "Pairing across processes")
    interviewer.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Interviews"
    ).click()
    interviewer.locator("tbody tr").filter(has_text="Pairing across processes").get_by_role(
        "link", name="Open room"
    ).click()
    expect(interviewer.locator(".conn")).to_have_text("Connected")
    match = re.search(r"/rooms/([0-9a-f]{32})", interviewer.url)
    assert match, interviewer.url
    interview_id = match.group(1)
    interviewer.get_by_role("tab", name="Invite").click()
    join_url = interviewer.locator("#invite-link").input_value()

    candidate = page_for("candidate")
    candidate.goto(join_url)
    candidate.get_by_label("Your name").fill("Grace Hopper")
    candidate.get_by_role("button", name="Join interview").click()
    expect(candidate.locator(".conn")).to_have_text("Connected")
    wait_editable(candidate)
    focus_editor(candidate)
    candidate.keyboard.press("Control+End")
    candidate.keyboard.type("\n# before the move")
    interviewer.wait_for_function(
        "() => document.querySelector('.editor-host .cm-content')"
        "?.textContent.includes('# before the move')"
    )
    # Every room socket named its interview in the query, for the proxy to route by.
    room_sockets = [s for s in sockets if "/socket.io/" in s]
    assert room_sockets and all(f"interview={interview_id}" in s for s in room_sockets), sockets

    [owner] = run_async(cluster.owners([interview_id]))[interview_id]
    other = next(n for n in cluster.live_nodes() if n.name != owner)
    assert cluster.proxy is not None
    interviewer.wait_for_timeout(1100)  # past handover_min_seconds
    cluster.proxy.reload([other.node])  # the room now routes to the other process
    interviewer.reload()
    expect(interviewer.locator(".conn")).to_have_text("Connected", timeout=30_000)

    # The owner handed the room over: the candidate's page reconnected on its own.
    expect(candidate.locator(".conn")).to_have_text("Connected", timeout=30_000)
    assert run_async(cluster.owners([interview_id]))[interview_id] == [other.name]
    expect(candidate.locator(".room-banner")).to_be_hidden()
    wait_editable(candidate)
    focus_editor(candidate)
    candidate.keyboard.press("Control+End")
    candidate.keyboard.type("\n# after the move")
    interviewer.wait_for_function(
        "(t) => document.querySelector('.editor-host .cm-content')?.innerText.includes(t)",
        arg="# after the move",
    )
    wait_editor_text(candidate, editor_text(interviewer))
    assert "# before the move" in editor_text(candidate)
    candidate.screenshot(path=str(output_dir / "room-moved-candidate.png"))
    interviewer.screenshot(path=str(output_dir / "room-moved-interviewer.png"))
    candidate_sockets = [s for s in sockets if s.startswith("candidate") and "/socket.io/" in s]
    assert len(candidate_sockets) >= 2, sockets  # it came back on a new socket
    assert console_errors.items == []
