"""The shared terminal's line discipline, the part of a tty a pipe lacks. Pure: text in, echo and
program input out.

An interactive run's stdin is a pipe, so nothing echoes what is typed or lets a backspace take a
character back. The room keeps one line buffer per run (everyone types into the same line, like
one shared keyboard): printable characters are added and echoed, Backspace and Ctrl+U edit the
line, Enter hands the line to the program, Ctrl+C and Ctrl+D are actions. Escape sequences (arrow
keys, function keys) have no meaning on a pipe and are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|O.|.)?", re.DOTALL)
MAX_LINE_CHARS = 4096


class Action(StrEnum):
    INTERRUPT = "interrupt"
    EOF = "eof"


@dataclass(frozen=True, slots=True)
class Typed:
    echo: str
    """What the terminal shows for these keystrokes (``\\r\\n`` for Enter)."""
    to_program: list[str | Action]
    """Lines (with their newline) and actions, in order."""


@dataclass(slots=True)
class LineDiscipline:
    line: list[str] = field(default_factory=list)

    def feed(self, text: str) -> Typed:
        echo: list[str] = []
        out: list[str | Action] = []
        for char in ESCAPE.sub("", text):
            if char in "\r\n":
                echo.append("\r\n")
                out.append("".join(self.line) + "\n")
                self.line.clear()
            elif char in "\x7f\b":
                if self.line:
                    self.line.pop()
                    echo.append("\b \b")
            elif char == "\x15":  # Ctrl+U
                echo.append("\b \b" * len(self.line))
                self.line.clear()
            elif char == "\x03":
                echo.append("^C\r\n")
                self.line.clear()
                out.append(Action.INTERRUPT)
            elif char == "\x04":
                if self.line:  # as a tty does: hand over the line without a newline
                    out.append("".join(self.line))
                    self.line.clear()
                else:
                    out.append(Action.EOF)
            elif (char == "\t" or char >= " ") and len(self.line) < MAX_LINE_CHARS:
                self.line.append(char)
                echo.append(char)
        return Typed("".join(echo), out)
