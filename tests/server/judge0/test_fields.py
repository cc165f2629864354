"""Judge0's fields and timestamps (server.judge0.fields)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from server.judge0.fields import (
    ALL_FIELDS,
    DEFAULT_FIELDS,
    InvalidFieldsError,
    requested_fields,
    timestamp,
)


def test_fields() -> None:
    assert requested_fields(None) == DEFAULT_FIELDS
    assert requested_fields("*") == ALL_FIELDS
    assert requested_fields("stdout, status,stdout") == ("stdout", "status")
    with pytest.raises(InvalidFieldsError, match=r"invalid fields: \[nope, bad\]"):
        requested_fields("stdout,nope,bad")
    when = datetime(2026, 12, 1, 8, 0, 1, 123456, tzinfo=UTC)
    assert timestamp(when) == "2026-12-01T08:00:01.123Z"
