"""The shared terminal's line discipline on plain text."""

from __future__ import annotations

from server.rooms.line_discipline import Action, LineDiscipline


def test_typing_echoes_and_enter_hands_over_the_line() -> None:
    line = LineDiscipline()
    assert line.feed("Ad").echo == "Ad"
    typed = line.feed("a\r")
    assert typed.echo == "a\r\n" and typed.to_program == ["Ada\n"]


def test_backspace_and_ctrl_u_edit_the_line() -> None:
    line = LineDiscipline()
    typed = line.feed("abx\x7f\x7f\x7f\x7fc\x15zz\bz\n")
    assert typed.to_program == ["zz\n"]
    assert "\b \b" in typed.echo


def test_ctrl_c_and_ctrl_d_are_actions() -> None:
    line = LineDiscipline()
    assert line.feed("ab\x03").to_program == [Action.INTERRUPT]
    assert line.feed("\x04").to_program == [Action.EOF]
    assert line.feed("rest\x04").to_program == ["rest"]


def test_escape_sequences_and_control_bytes_are_dropped() -> None:
    line = LineDiscipline()
    typed = line.feed("\x1b[A\x1b[1;5Cok\x00\x07\r")
    assert typed.to_program == ["ok\n"] and typed.echo == "ok\r\n"


def test_a_line_is_bounded() -> None:
    line = LineDiscipline()
    typed = line.feed("x" * 10_000 + "\r")
    assert typed.to_program == ["x" * 4096 + "\n"]
