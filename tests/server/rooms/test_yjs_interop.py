"""The browser's own libraries against the server: yjs 13, y-protocols and socket.io-client.

A Node peer (``js/yjs_peer.cjs``) loads them from ``client/node_modules`` — what the SPA ships —
and syncs, sends awareness and types (non-ASCII included, where Yjs counts UTF-16 units and
pycrdt UTF-8 bytes) while a pycrdt client edits in the same room. ``make test`` builds the client
first, so the modules are there; without them this test fails and says how to get them.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from pathlib import Path

from tests.server.rooms.conftest import STUB, ClientFactory
from tests.server.rooms.live import LiveServer

ROOT = Path(__file__).resolve().parents[3]
NODE_MODULES = ROOT / "client" / "node_modules"
PEER = Path(__file__).with_name("js") / "yjs_peer.cjs"


async def test_the_browser_yjs_stack_syncs_with_the_server(
    live: LiveServer, connect: ClientFactory
) -> None:
    node = shutil.which("node")
    assert node, "node is not installed (make system)"
    assert (NODE_MODULES / "yjs").is_dir(), "client/node_modules is missing: run make client"
    owner, access = await live.interviewer()
    interview = await live.interview(owner)
    ada = await connect({"interview_id": interview.id, "access_token": access})
    await ada.wait_text(STUB)
    await ada.edit(lambda t: t.insert(0, "# héllo ✓\n"))
    token = await live.candidate_token(interview, "Node Peer")
    process = await asyncio.create_subprocess_exec(
        node,
        str(PEER),
        live.url,
        json.dumps({"token": token}),
        "# héllo ✓\n" + STUB,
        "answer = '🎉'\n",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "NODE_PATH": str(NODE_MODULES)},
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 40)
    assert process.returncode == 0, stderr.decode()
    peer = json.loads(stdout)
    expected = "# héllo ✓\n" + STUB + "answer = '🎉'\n"
    assert peer["text"] == expected
    await ada.wait_text(expected)
    await ada.wait_for(
        "sync:message",
        lambda _: (
            (ada.awareness.get(peer["clientID"]) or {}).get("user", {}).get("name") == "Node Peer"
        ),
    )
