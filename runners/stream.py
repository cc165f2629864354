"""The pure halves of an interactive session's output: where streamed bytes may be cut, and the
rate limit. No sockets, no Docker; tested on plain bytes.

An interactive session shows the program's output while it runs, but the launcher's END record
(``\\n#ONSITE:<nonce> …``) arrives on the same streams. Bytes are passed on up to the record's
start; when the buffer ends with what could be the start of the marker, those bytes wait for the
next chunk (they are the program's if the marker does not follow).
"""

from __future__ import annotations

from dataclasses import dataclass


def safe_cut(buffer: bytes | bytearray, marker: bytes) -> tuple[int, bool]:
    """``(n, found)``: the first ``n`` bytes are the program's output; ``found`` when the marker
    starts at ``n`` (nothing after it is the program's)."""
    at = buffer.find(marker)
    if at >= 0:
        return at, True
    size = len(buffer)
    for keep in range(min(len(marker) - 1, size), 0, -1):
        if buffer.endswith(marker[:keep]):
            return size - keep, False
    return size, False


@dataclass(slots=True)
class RateLimit:
    """A token bucket: ``rate`` bytes a second, a burst of one second's worth. What exceeds it is
    dropped and counted, never queued (a flood must not grow memory or delay the prompt)."""

    rate: int
    tokens: float = -1.0
    last: float | None = None

    def take(self, size: int, now: float) -> int:
        """How many of ``size`` bytes may pass now."""
        if self.tokens < 0 or self.last is None:
            self.tokens, self.last = float(self.rate), now
        self.tokens = min(float(self.rate), self.tokens + (now - self.last) * self.rate)
        self.last = now
        allowed = min(size, int(self.tokens))
        self.tokens -= allowed
        return allowed


@dataclass(slots=True)
class Transcript:
    """The head of what a stream showed (at most ``cap`` bytes, for the final ``RunResult``) and
    counts of what was shown and dropped."""

    cap: int
    head: bytearray
    shown: int = 0
    dropped: int = 0

    @classmethod
    def capped(cls, cap: int) -> Transcript:
        return cls(cap, bytearray())

    def show(self, data: bytes) -> None:
        room = self.cap - len(self.head)
        if room > 0:
            self.head += data[:room]
        self.shown += len(data)

    @property
    def truncated(self) -> bool:
        return self.shown > len(self.head) or self.dropped > 0
