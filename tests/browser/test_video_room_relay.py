"""Two video paths the room must get right in real browsers.

* Relay-only per room: on an installation that does not force it, the interviewer switches a
  running call to relay-only from the Invite tab; both sides rebuild their peer connections
  with ``iceTransportPolicy: "relay"`` and media flows through the local coturn only.
* The watchdog's restart: the candidate's first peer connection can never connect (it may use
  no candidate at all); after the watchdog's wait the link starts over and the call connects.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ConsoleErrors, OnsiteServer, PageFactory, serving
from tests.browser.test_video_relay import RECORD_PEERS, RELAY_STATS, open_call

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The first peer connection of the page is made unable to connect: relay-only with no TURN
# server gathers no candidate. Every later one is left alone.
BREAK_FIRST_PEER = """
window.__onsitePeers = [];
const Native = window.RTCPeerConnection;
window.RTCPeerConnection = function (config, ...rest) {
  const broken = window.__onsitePeers.length === 0;
  const stuck = { ...config, iceServers: [], iceTransportPolicy: 'relay' };
  const pc = new Native(broken ? stuck : config, ...rest);
  window.__onsitePeers.push(pc);
  return pc;
};
window.RTCPeerConnection.prototype = Native.prototype;
"""

STATS_OF_LAST = RELAY_STATS.replace(
    "window.__onsitePeers.find((p) => p.connectionState === 'connected')",
    "[...window.__onsitePeers].reverse().find((p) => p.connectionState === 'connected')",
)


@pytest.fixture(scope="module")
def turn_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OnsiteServer]:
    with serving(tmp_path_factory.mktemp("onsite-turn"), "--turn") as server:
        yield server


def stats_until(
    page: Page, done: Any, within_s: float = 30, script: str = STATS_OF_LAST
) -> dict[str, Any]:
    deadline = time.monotonic() + within_s
    last: dict[str, Any] | None = None
    while time.monotonic() < deadline:
        last = page.evaluate(script)
        if last and done(last):
            return last
        page.wait_for_timeout(250)
    raise AssertionError(f"not reached within {within_s} s: {last}")


def test_the_interviewer_switches_a_running_call_to_relay_only(
    turn_server: OnsiteServer, open_page: PageFactory, console_errors: ConsoleErrors
) -> None:
    interviewer, candidate = open_call(open_page, turn_server, RECORD_PEERS)
    for page in (interviewer, candidate):
        direct = stats_until(page, lambda s: s["local"] and s["framesDecoded"] > 5)
        assert direct["policy"] == "all" and direct["local"] == "host", direct

    interviewer.get_by_role("tab", name="Invite").click()
    interviewer.get_by_label("Relay-only video").check()
    relayed = lambda s: s["policy"] == "relay" and s["local"] and s["framesDecoded"] > 5  # noqa: E731
    for page in (interviewer, candidate):
        stats = stats_until(page, relayed)
        assert (stats["local"], stats["remote"]) == ("relay", "relay"), stats
        assert set(stats["remoteTypes"]) == {"relay"}, stats
    assert interviewer.evaluate("window.__onsitePeers.length") >= 2
    expect(interviewer.get_by_label("Relay-only video")).to_be_checked()
    # the candidate has no switch, and a reload keeps the room's choice
    expect(candidate.get_by_label("Relay-only video")).to_have_count(0)
    candidate.reload()
    expect(candidate.locator(".conn")).to_have_text("Connected")
    again = stats_until(candidate, relayed)
    assert again["local"] == "relay", again
    assert console_errors.items == []


def test_the_watchdog_restarts_a_link_that_never_connects(
    onsite_server: OnsiteServer, open_page: PageFactory, console_errors: ConsoleErrors
) -> None:
    interviewer, candidate = open_call(open_page, onsite_server, BREAK_FIRST_PEER)
    stats = stats_until(candidate, lambda s: s["local"] and s["framesDecoded"] > 5, within_s=40)
    assert stats["policy"] == "all"
    first = candidate.evaluate("window.__onsitePeers[0].connectionState")
    assert first != "connected"
    assert candidate.evaluate("window.__onsitePeers.length") >= 2
    stats_until(interviewer, lambda s: s["framesDecoded"] > 5, within_s=20, script=RELAY_STATS)
    expect(interviewer.locator(".tile[data-state='connected']")).to_have_count(1)
    assert console_errors.items == []
