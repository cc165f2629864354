"""Judge0's base64: Ruby's ``Base64.encode64`` (lines of 60 characters, each ending in a newline)
out, and on the way in either that or the plain one-line form the SDKs send.

Unlike Ruby's lenient ``decode64``, a character outside the alphabet or a wrong length is an
error here (the caller answers 422 naming the field): decoding garbage into a program is worse.
"""

from __future__ import annotations

import base64
import binascii

LINE = 60
_WHITESPACE = str.maketrans("", "", "\r\n\t ")


class Base64Error(ValueError):
    """The text is not base64."""


def encode64(data: bytes | str) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if not raw:
        return ""
    flat = base64.b64encode(raw).decode("ascii")
    return "".join(flat[i : i + LINE] + "\n" for i in range(0, len(flat), LINE))


def decode64_bytes(text: str) -> bytes:
    compact = text.translate(_WHITESPACE)
    try:
        return base64.b64decode(compact.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise Base64Error("is not valid base64") from exc


def decode64(text: str) -> str:
    """Base64 to text; bytes that are not UTF-8 are replaced (Judge0 does the same)."""
    return decode64_bytes(text).decode("utf-8", errors="replace")
