"""Relay-only video through the installation's own coturn: media flows with no participant
learning another's addresses.

The server runs with ``[turn] relay_only`` and a real coturn on loopback; both browsers get a
TURN credential of their own (never the shared secret) and ``iceTransportPolicy: "relay"``. The
test reads each side's WebRTC statistics: the pair in use is relay to relay, every candidate the
other side sent is a relay candidate, and video frames are decoded on both sides.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ConsoleErrors, OnsiteServer, PageFactory, serving
from tests.browser.helpers import register

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RECORD_PEERS = """
window.__onsitePeers = [];
const Native = window.RTCPeerConnection;
window.RTCPeerConnection = function (...args) {
  const pc = new Native(...args);
  window.__onsitePeers.push(pc);
  return pc;
};
window.RTCPeerConnection.prototype = Native.prototype;
"""

RELAY_STATS = """async () => {
  const pc = window.__onsitePeers.find((p) => p.connectionState === 'connected');
  if (!pc) return null;
  const stats = [...(await pc.getStats()).values()];
  const byId = new Map(stats.map((s) => [s.id, s]));
  const transport = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
  const pair = transport && byId.get(transport.selectedCandidatePairId);
  const video = stats.find((s) => s.type === 'inbound-rtp' && s.kind === 'video');
  return {
    policy: pc.getConfiguration().iceTransportPolicy,
    local: pair ? byId.get(pair.localCandidateId).candidateType : null,
    remote: pair ? byId.get(pair.remoteCandidateId).candidateType : null,
    remoteTypes: stats.filter((s) => s.type === 'remote-candidate').map((s) => s.candidateType),
    remoteAddresses: stats.filter((s) => s.type === 'remote-candidate').map((s) => s.address),
    framesDecoded: video ? video.framesDecoded : 0,
  };
}"""


@pytest.fixture(scope="module")
def relay_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OnsiteServer]:
    with serving(tmp_path_factory.mktemp("onsite-relay"), "--turn-relay-only") as server:
        yield server


def relay_stats(page: Page, within_s: float = 20) -> dict[str, Any]:
    deadline = time.monotonic() + within_s
    last: dict[str, Any] | None = None
    while time.monotonic() < deadline:
        last = page.evaluate(RELAY_STATS)
        if last and last["local"] and last["framesDecoded"] > 5:
            return last
        page.wait_for_timeout(200)
    raise AssertionError(f"no relayed video within {within_s} s: {last}")


def open_call(
    open_page: PageFactory, server: OnsiteServer, candidate_script: str
) -> tuple[Page, Page]:
    """An interviewer in a new interview's room and a candidate joined through its link, both
    connected; the candidate's page runs ``candidate_script`` first (the interviewer's records
    its peers)."""
    interviewer = open_page("interviewer", base_url=server.url)
    interviewer.add_init_script(RECORD_PEERS)
    register(interviewer, "Ada Lovelace")
    csrf = next(c["value"] for c in interviewer.context.cookies() if c["name"] == "onsite_csrf")
    response = interviewer.request.post(
        "/api/interviews",
        data={"title": "Video", "candidate_name": "Grace Hopper"},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status == 201, response.text()
    record = response.json()
    interviewer.goto(f"/rooms/{record['id']}")
    expect(interviewer.locator(".conn")).to_have_text("Connected")
    candidate = open_page("candidate", base_url=server.url)
    candidate.add_init_script(candidate_script)
    candidate.goto(record["join_url"])
    candidate.get_by_label("Your name").fill("Grace Hopper")
    candidate.get_by_role("button", name="Join interview").click()
    expect(candidate.locator(".conn")).to_have_text("Connected")
    return interviewer, candidate


def test_video_flows_through_turn_only(
    relay_server: OnsiteServer, open_page: PageFactory, console_errors: ConsoleErrors
) -> None:
    interviewer, candidate = open_call(open_page, relay_server, RECORD_PEERS)

    for page in (interviewer, candidate):
        stats = relay_stats(page)
        assert stats["policy"] == "relay"
        assert (stats["local"], stats["remote"]) == ("relay", "relay"), stats
        # every address the other side revealed is the TURN server's relay address
        assert set(stats["remoteTypes"]) == {"relay"}, stats
        assert set(stats["remoteAddresses"]) <= {"127.0.0.1"}, stats
    assert console_errors.items == []
