"""The pure halves of interactive output: where streamed bytes may be cut, the rate limit."""

from __future__ import annotations

from runners.stream import RateLimit, Transcript, safe_cut

MARKER = b"\n#ONSITE:abc "


def test_output_without_a_marker_passes_whole() -> None:
    assert safe_cut(b"Name: ", MARKER) == (6, False)


def test_a_possible_start_of_the_marker_waits_for_the_next_chunk() -> None:
    assert safe_cut(b"Hello\n", MARKER) == (5, False)
    assert safe_cut(b"Hello\n#ONS", MARKER) == (5, False)
    # Not the marker after all: it is the program's and passes with the next chunk.
    assert safe_cut(b"\n#ONSx", MARKER) == (6, False)


def test_the_marker_ends_the_programs_output() -> None:
    assert safe_cut(b"bye\n#ONSITE:abc END 0 0\n", MARKER) == (3, True)
    assert safe_cut(b"\n#ONSITE:forged END\n", MARKER) == (19, False)  # the last newline waits


def test_the_rate_limit_passes_a_burst_then_the_rate() -> None:
    limit = RateLimit(1000)
    assert limit.take(800, now=0.0) == 800
    assert limit.take(800, now=0.0) == 200
    assert limit.take(800, now=0.5) == 500
    assert limit.take(5000, now=10.0) == 1000  # never more than one second's burst


def test_the_transcript_keeps_a_head_and_counts_the_rest() -> None:
    kept = Transcript.capped(4)
    kept.show(b"abc")
    kept.show(b"def")
    assert bytes(kept.head) == b"abcd" and kept.shown == 6 and kept.truncated
