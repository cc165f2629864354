"""Reading what the app mailed, from the outbox directory or a received message."""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage
from pathlib import Path


def read_outbox(data_dir: Path) -> list[EmailMessage]:
    """Messages written to ``<data_dir>/outbox``, oldest first."""
    outbox = data_dir / "outbox"
    if not outbox.is_dir():
        return []
    messages = []
    for path in sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns):
        parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        messages.append(parsed)
    return messages


def text_body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, "message has no text/plain part"
    content = part.get_content()
    assert isinstance(content, str)
    return content


def token_from_link(message: EmailMessage, path: str) -> str:
    """The ``token`` of the first link to ``path`` in the message (in its fragment)."""
    match = re.search(re.escape(path) + r"#token=([A-Za-z0-9_\-]+)", text_body(message))
    assert match, f"no {path}#token=… link in: {text_body(message)!r}"
    return match.group(1)
