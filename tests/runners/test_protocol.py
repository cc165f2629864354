"""The launcher's wire protocol on plain bytes: no Docker."""

from __future__ import annotations

import pytest

from runners.protocol import (
    STDERR,
    STDOUT,
    Frames,
    ProtocolError,
    Records,
    escape_arg,
    frame,
    header,
    new_nonce,
    test_header,
)

NONCE = "0123456789abcdef0123456789abcdef"


def rec(body: str, nonce: str = NONCE) -> bytes:
    return f"\n#ONSITE:{nonce} {body}\n".encode()


def test_frames_split_streams_across_chunk_boundaries() -> None:
    wire = frame(STDOUT, b"hello ") + frame(STDERR, b"oops") + frame(STDOUT, b"world")
    frames = Frames()
    for i in range(0, len(wire), 3):  # every split point, 3 bytes at a time
        frames.feed(wire[i : i + 3])
    assert bytes(frames.stdout) == b"hello world"
    assert bytes(frames.stderr) == b"oops"
    assert frames.pending == bytearray()


def test_header_carries_nonce_files_and_escaped_args() -> None:
    data = header(
        NONCE, "tests", 65536, [("main.py", b"print(1)\n"), ("d/x.txt", b"")], ["a b", ""]
    )
    first, rest = data.split(b"\n", 1)
    words = first.split(b" ")
    assert words[:5] == [b"ONSITE2", NONCE.encode(), b"tests", b"65536", b"2"]
    assert words[5:] == [b"x\\x61\\x20\\x62", b"x"]  # no space, quote or $ reaches the shell
    assert rest == b"9 main.py\nprint(1)\n0 d/x.txt\n"
    assert escape_arg("é") == "x\\xc3\\xa9"
    with pytest.raises(ValueError):
        header(NONCE, "interactive", 1, [])


def test_test_header() -> None:
    assert test_header(b"1 2\n", 1500, 3) == b"TEST 4 1500 3\n1 2\n"


def test_nonces_are_fresh() -> None:
    assert len({new_nonce() for _ in range(100)}) == 100
    assert len(new_nonce()) == 32


def test_compile_record_with_output() -> None:
    records = Records(NONCE)
    data = rec("COMPILE 1 5 7 5 3 123") + b"warn!err" + b"program output"
    found = records.compile_record(data)
    assert found is not None
    record, end = found
    assert (record.status, record.cpu_ns) == (1, 123)
    assert (record.stdout, record.stderr) == (b"warn!", b"err")
    assert (record.stdout_size, record.stderr_size) == (5, 7)
    assert data[end:] == b"program output"


def test_compile_record_waits_until_complete() -> None:
    records = Records(NONCE)
    whole = rec("COMPILE 0 4 0 4 0 9") + b"abcd"
    for cut in range(len(whole)):
        assert records.compile_record(whole[:cut]) is None, cut
    assert records.compile_record(whole) is not None


def test_interpreted_compile_record() -> None:
    found = Records(NONCE).compile_record(rec("COMPILE - -1") + b"x")
    assert found is not None and found[0].status is None and found[0].cpu_ns == -1


@pytest.mark.parametrize(
    "data",
    [
        b"#ONSITE-COMPILE - 0\n",  # the old record: not ours
        rec("COMPILE - 0", nonce="f" * 32),  # somebody else's nonce
        rec("COMPILE banana"),
        b"x" * 400,
    ],
)
def test_anything_but_our_compile_record_first_is_a_protocol_error(data: bytes) -> None:
    with pytest.raises(ProtocolError):
        Records(NONCE).compile_record(data)


def test_forged_end_records_are_output() -> None:
    records = Records(NONCE)
    forged = b"\n#ONSITE-END 0 5000000 1048576 0\n" + rec("END 0 0 0 1 1 1 0", nonce="e" * 32)
    assert records.find_end(forged) is None
    real = rec("END 0 3 0 1500 99 4096 0")
    found = records.find_end(forged + real)
    assert found is not None
    at, record, end = found
    assert (forged + real)[:at] == forged  # the forgery stays in the program's output
    assert (record.test, record.status, record.timed_out, record.wall_us) == (0, 3, False, 1500)
    assert (record.cpu_ns, record.max_memory, record.oom_kills) == (99, 4096, 0)
    assert end == len(forged + real)


def test_end_record_incomplete_then_malformed() -> None:
    records = Records(NONCE)
    whole = rec("END 2 0 1 10 -1 -1 -1")
    for cut in range(len(whole)):
        assert records.find_end(whole[:cut]) is None
    found = records.find_end(whole)
    assert found is not None and found[1].timed_out and found[1].test == 2
    with pytest.raises(ProtocolError):
        records.find_end(rec("END x"))


def test_stderr_marker() -> None:
    records = Records(NONCE)
    data = b"err of test 1" + rec("END 1") + b"err of test 2"
    found = records.find_stderr_end(data)
    assert found is not None
    at, test, end = found
    assert (data[:at], test, data[end:]) == (b"err of test 1", 1, b"err of test 2")
    assert records.find_stderr_end(b"\n#ONSITE-END 1\n") is None
