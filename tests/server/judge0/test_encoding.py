"""Judge0's base64 (server.judge0.encoding)."""

from __future__ import annotations

import base64

import pytest

from server.judge0.encoding import Base64Error, decode64, encode64


def test_encode64_is_rubys_line_wrapped_form() -> None:
    text = "x" * 100
    encoded = encode64(text)
    lines = encoded.split("\n")
    assert encoded.endswith("\n") and all(len(line) <= 60 for line in lines)
    assert len(lines[0]) == 60
    assert base64.b64decode(encoded.replace("\n", "")) == text.encode()
    assert encode64("") == ""


@pytest.mark.parametrize("given", [encode64("héllo\n" * 30), base64.b64encode(b"plain").decode()])
def test_decode64_accepts_wrapped_and_plain(given: str) -> None:
    assert decode64(given) in ("héllo\n" * 30, "plain")


@pytest.mark.parametrize("bad", ["not base64!", "abc", "ab=c"])
def test_decode64_refuses_garbage(bad: str) -> None:
    with pytest.raises(Base64Error):
        decode64(bad)
