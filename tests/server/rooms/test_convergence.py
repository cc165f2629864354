"""Property: concurrent random edits from several clients through the real server converge.

Each client is a pycrdt replica behind a real Socket.IO connection. Hypothesis draws, per client,
a script of inserts, deletes, pauses and reconnects (with edits made while offline); the clients
run their scripts at the same time. Afterwards every replica and the server's document hold the
same text. One server serves every example; each example gets its own interview.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from pycrdt import Text

from server.rooms.events import registry_of
from tests.server.rooms.live import LiveServer, YClient

TOLERATED_REFUSALS = {"update_not_applied"}


@dataclass(frozen=True)
class Op:
    kind: str
    where: float
    text: str
    pause_ms: int


ops = st.builds(
    Op,
    kind=st.sampled_from(["insert", "insert", "insert", "delete", "reconnect", "pause"]),
    where=st.floats(min_value=0, max_value=1),
    text=st.text(alphabet="abcXYZ é✓🎉\n", min_size=1, max_size=4),
    pause_ms=st.integers(min_value=0, max_value=15),
)
scripts = st.lists(st.lists(ops, max_size=12), min_size=2, max_size=4)


def utf8_offset(text: Text, chars: int) -> int:
    """pycrdt indexes text by UTF-8 bytes (Yjs by UTF-16 units); scripts think in characters."""
    return len(str(text)[:chars].encode())


def inserter(position: int, text: str) -> Callable[[Text], None]:
    def change(target: Text) -> None:
        target.insert(utf8_offset(target, position), text)

    return change


def deleter(start: int, size: int) -> Callable[[Text], None]:
    def change(target: Text) -> None:
        del target[utf8_offset(target, start) : utf8_offset(target, start + size)]

    return change


async def run_script(client: YClient, script: list[Op]) -> None:
    for op in script:
        if op.pause_ms:
            await asyncio.sleep(op.pause_ms / 1000)
        length = len(str(client.text))
        if op.kind == "insert":
            await client.edit(inserter(round(op.where * length), op.text), ack=False)
        elif op.kind == "delete" and length:
            start = min(round(op.where * length), length - 1)
            await client.edit(deleter(start, min(len(op.text), length - start)), ack=False)
        elif op.kind == "reconnect":
            await client.drop()
            await client.edit(inserter(0, op.text))  # made offline, sent by the next sync
            await client.reconnect()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scripts=scripts)
async def test_random_concurrent_edits_converge(live: LiveServer, scripts: list[list[Op]]) -> None:
    note(repr(scripts))
    owner, access = await live.interviewer()
    interview = await live.interview(owner)
    clients = [YClient(live.url, {"interview_id": interview.id, "access_token": access})]
    for index in range(1, len(scripts)):
        token = await live.candidate_token(interview, f"Candidate {index}")
        clients.append(YClient(live.url, {"token": token}))
    try:
        for client in clients:
            await client.connect()
        await asyncio.gather(*(run_script(c, s) for c, s in zip(clients, scripts, strict=True)))
        room = registry_of(live.app).get(interview.id)
        assert room is not None

        deadline = asyncio.get_running_loop().time() + 10
        while not all(str(c.text) == room.code.content() for c in clients):
            if asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.02)
        else:
            refusals = {e["code"] for c in clients for e in c.events.get("error", [])}
            # update_not_applied is the expected notice when an edit overtakes the sync step 2
            # of a reconnect; it comes with a sync step 1 and convergence (above) proves the
            # gap was filled. Any other refusal is a bug.
            assert refusals <= TOLERATED_REFUSALS, refusals
            return
        texts = [str(c.text) for c in clients]
        raise AssertionError(f"server {room.code.content()!r}, clients {texts!r}") from None
    finally:
        for client in clients:
            await client.close()
