"""The shared terminal through the room, with real Socket.IO clients and the interactive fake:
keystroke to echo, output to everyone, Ctrl+C, EOF, late join, the keyboard, a second run,
floods and binary output, and the transcript in the record."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from server.interviews.models import InterviewRun
from server.kit.db import unit_of_work
from server.kit.state import get_state
from tests.server.rooms.conftest import ClientFactory, interviewer_and_candidate
from tests.server.rooms.live import LiveServer, YClient
from tests.support.fake_interactive import FakeInteractiveEngine


@pytest.fixture
def fake_engine() -> FakeInteractiveEngine:
    return FakeInteractiveEngine()


def shown(client: YClient, streams: tuple[str, ...] = ("stdout", "echo", "notice")) -> bytes:
    return b"".join(
        bytes(item["data"])
        for item in client.events.get("terminal:output", [])
        if item["stream"] in streams
    )


async def until_shown(client: YClient, text: bytes) -> None:
    await client.wait_for("terminal:output", lambda _: text in shown(client))


async def test_a_candidate_types_into_the_program_and_everyone_sees_it(
    live: LiveServer, connect: ClientFactory, fake_engine: FakeInteractiveEngine
) -> None:
    _, ada, grace = await interviewer_and_candidate(live, connect)
    state = await grace.wait_for("terminal:state")
    assert state["keyboard"] == "everyone" and state["running"] is None
    reply = await grace.call("terminal:start", {"mode": "program"})
    assert reply["ok"] is True
    started = await ada.wait_for("terminal:started")
    assert started["session_id"] == reply["session_id"]
    assert started["started_by"]["role"] == "candidate"
    await until_shown(ada, b"Name: ")
    for key in "Grace":
        assert (await grace.call("terminal:input", {"data": key}))["ok"] is True
    await until_shown(ada, b"Name: Grace")  # the echo, before Enter
    await grace.call("terminal:input", {"data": "\r"})
    await until_shown(ada, b"Hello, Grace!")
    await until_shown(grace, b"Hello, Grace!")
    request, _, _ = fake_engine.sessions[0]
    assert request.language == "python" and "Hello" in request.source
    await grace.call("terminal:control", {"action": "eof"})
    finished = await ada.wait_for("terminal:finished")
    assert finished["result"]["status"] == "ok"


async def test_backspace_edits_the_line_before_the_program_sees_it(
    live: LiveServer, connect: ClientFactory
) -> None:
    _, ada, grace = await interviewer_and_candidate(live, connect)
    await ada.call("terminal:start", {"mode": "program"})
    await until_shown(grace, b"Name: ")
    await ada.call("terminal:input", {"data": "Adx\x7fa\x1b[A\r"})
    await until_shown(grace, b"Hello, Ada!")


async def test_ctrl_c_stops_the_program(live: LiveServer, connect: ClientFactory) -> None:
    _, ada, grace = await interviewer_and_candidate(live, connect)
    await ada.call("terminal:start", {"mode": "program"})
    await until_shown(grace, b"Name: ")
    await grace.call("terminal:input", {"data": "\x03"})
    finished = await ada.wait_for("terminal:finished")
    assert finished["result"]["status"] == "runtime_error"
    assert finished["result"]["message"] == "stopped with Ctrl+C"
    assert b"^C" in shown(ada)


async def test_ctrl_d_ends_the_input(live: LiveServer, connect: ClientFactory) -> None:
    _, ada, _ = await interviewer_and_candidate(live, connect)
    await ada.call("terminal:start", {"mode": "program"})
    await until_shown(ada, b"Name: ")
    await ada.call("terminal:input", {"data": "\x04"})
    finished = await ada.wait_for("terminal:finished")
    assert finished["result"]["status"] == "ok"


async def test_a_late_joiner_sees_the_output_so_far(
    live: LiveServer, connect: ClientFactory
) -> None:
    interview, ada, _ = await interviewer_and_candidate(live, connect)
    await ada.call("terminal:start", {"mode": "program"})
    await ada.call("terminal:input", {"data": "Ada\r"})
    await until_shown(ada, b"Hello, Ada!")
    late = await connect({"token": await live.candidate_token(interview, "Late Larry")})
    state = await late.wait_for("terminal:state")
    assert state["running"] is not None
    replay = b"".join(bytes(item["data"]) for item in state["scrollback"])
    assert b"Name: Ada\r\nHello, Ada!\nName: " in replay


async def test_the_interviewer_restricts_the_keyboard(
    live: LiveServer, connect: ClientFactory
) -> None:
    _, ada, grace = await interviewer_and_candidate(live, connect)
    await ada.call("terminal:start", {"mode": "program"})
    await until_shown(grace, b"Name: ")
    refused = await grace.call("terminal:keyboard", {"holder": "candidate"})
    assert refused["error"]["code"] == "forbidden"
    assert (await ada.call("terminal:keyboard", {"holder": "interviewer"}))["ok"] is True
    state = await grace.wait_for("terminal:state", lambda s: s["keyboard"] == "interviewer")
    assert state["running"] is not None
    typed = await grace.call("terminal:input", {"data": "x\r"})
    assert typed["error"]["code"] == "keyboard_restricted"
    assert "interviewer" in typed["error"]["message"]
    stop = await grace.call("terminal:control", {"action": "interrupt"})
    assert stop["error"]["code"] == "keyboard_restricted"
    await ada.call("terminal:input", {"data": "Ada\r"})
    await until_shown(grace, b"Hello, Ada!")
    assert b"Hello, x!" not in shown(grace)
    await ada.call("terminal:keyboard", {"holder": "candidate"})
    await grace.wait_for("terminal:state", lambda s: s["keyboard"] == "candidate")
    assert (await ada.call("terminal:input", {"data": "y"}))["error"]["code"] == (
        "keyboard_restricted"
    )
    assert (await grace.call("terminal:input", {"data": "Grace\r"}))["ok"] is True
    await until_shown(ada, b"Hello, Grace!")


async def test_a_second_interactive_run_is_refused(
    live: LiveServer, connect: ClientFactory
) -> None:
    _, ada, grace = await interviewer_and_candidate(live, connect)
    await ada.call("terminal:start", {"mode": "program"})
    second = await grace.call("terminal:start", {"mode": "repl"})
    assert second["error"]["code"] == "terminal_busy"
    assert "Ada" in second["error"]["message"]
    await ada.call("terminal:control", {"action": "eof"})
    await ada.wait_for("terminal:finished")
    third = await grace.call("terminal:start", {"mode": "repl"})
    assert third["ok"] is True


async def test_a_candidate_without_run_permission_cannot_start_one(
    live: LiveServer, connect: ClientFactory
) -> None:
    _, ada, grace = await interviewer_and_candidate(live, connect)
    await ada.call("run:permission", {"candidate_can_run": False})
    await grace.wait_for("room:settings")
    refused = await grace.call("terminal:start", {"mode": "program"})
    assert refused["error"]["code"] == "run_disabled"


async def test_bad_terminal_input_is_refused_and_the_room_goes_on(
    live: LiveServer, connect: ClientFactory
) -> None:
    _, ada, grace = await interviewer_and_candidate(live, connect)
    idle = await grace.call("terminal:input", {"data": "x"})
    assert idle["error"]["code"] == "terminal_idle"
    await ada.call("terminal:start", {"mode": "program"})
    await until_shown(grace, b"Name: ")
    cases: list[tuple[str, Any, str]] = [
        ("terminal:input", {"data": "x" * 4097}, "payload_too_large"),
        ("terminal:input", {"data": ""}, "invalid_payload"),
        ("terminal:input", {"data": b"\x00\x01"}, "invalid_payload"),
        ("terminal:control", {"action": "reboot"}, "invalid_payload"),
        ("terminal:start", {"mode": "shell"}, "invalid_payload"),
        ("terminal:keyboard", {"holder": "nobody"}, "invalid_payload"),
    ]
    for event, payload, code in cases:
        reply = await grace.call(event, payload)
        assert reply["error"]["code"] == code, (event, payload, reply)
    # The session's whole input is bounded (16 KiB in the fake's limits): a paste flood.
    line = "z" * 4000 + "\r"
    codes = [(await grace.call("terminal:input", {"data": line}))["ok"] for _ in range(5)]
    assert codes[:4] == [True] * 4 and codes[4] is False
    await until_shown(ada, b"input would pass 16 KiB")
    await grace.call("terminal:input", {"data": "\x03"})
    await ada.wait_for("terminal:finished")
    assert (await grace.call("chat:send", {"text": "still here"}))["ok"] is True


async def test_an_output_flood_shows_a_notice_and_binary_output_arrives_as_bytes(
    live: LiveServer, connect: ClientFactory
) -> None:
    _, ada, grace = await interviewer_and_candidate(live, connect)
    await ada.call("terminal:start", {"mode": "program"})
    await ada.call("terminal:input", {"data": "flood\r"})
    await until_shown(grace, b"10000 bytes of output dropped")
    await ada.call("terminal:input", {"data": "binary\r"})
    await grace.wait_for("terminal:output", lambda item: bytes(item["data"]) == bytes(range(256)))


async def test_the_transcript_goes_to_the_record(live: LiveServer, connect: ClientFactory) -> None:
    interview, ada, grace = await interviewer_and_candidate(live, connect)
    await ada.call("terminal:start", {"mode": "program"})
    await grace.call("terminal:input", {"data": "Grace\r"})
    await until_shown(ada, b"Hello, Grace!")
    await grace.call("terminal:input", {"data": "crash\r"})
    finished = await ada.wait_for("terminal:finished")
    assert finished["result"]["status"] == "runtime_error"
    async with unit_of_work(get_state(live.app).sessions) as session:
        runs = (
            await session.scalars(
                select(InterviewRun).where(InterviewRun.interview_id == interview.id)
            )
        ).all()
    assert len(runs) == 1
    run = runs[0]
    assert run.stdin == "Grace\ncrash\n"
    terminal = run.result["terminal"]
    assert terminal["mode"] == "program"
    streams = [(stream, text) for _, stream, text in terminal["transcript"]]
    assert streams[:3] == [
        ("stdout", "Name: "), ("stdin", "Grace\n"), ("stdout", "Hello, Grace!\n"),
    ]  # fmt: skip
    times = [ms for ms, _, _ in terminal["transcript"]]
    assert times == sorted(times)
    # A late joiner sees the last run's verdict.
    late = await connect({"token": await live.candidate_token(interview, "Late Larry")})
    state = await late.wait_for("terminal:state")
    assert state["running"] is None and state["last"]["result"]["status"] == "runtime_error"
