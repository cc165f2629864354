"""Which callback URLs may be called (server.judge0.callbacks): allowed hosts only, never
private addresses unless the settings say so."""

from __future__ import annotations

import pytest

from server.judge0.callbacks import callback_url_problem, send_callback
from server.settings import Judge0Settings


@pytest.mark.parametrize(
    ("url", "hosts", "private", "problem"),
    [
        ("https://hooks.example.com/j0", ["hooks.example.com"], False, None),
        ("https://HOOKS.example.com:8443/j0", ["hooks.example.com"], False, None),
        ("https://other.example.com/j0", ["hooks.example.com"], False, "is not allowed"),
        ("https://hooks.example.com/j0", [], False, "not enabled"),
        ("ftp://hooks.example.com/j0", ["hooks.example.com"], False, "not a valid URL"),
        ("http://hooks.example.com:99999/", ["hooks.example.com"], False, "not a valid URL"),
        ("http://127.0.0.1/j0", ["127.0.0.1"], False, "private address"),
        ("http://[::1]/j0", ["::1"], False, "private address"),
        ("http://169.254.169.254/latest", ["169.254.169.254"], False, "private address"),
        ("http://192.168.1.5/j0", ["192.168.1.5"], True, None),
    ],
)
def test_callback_url_problem(
    url: str, hosts: list[str], private: bool, problem: str | None
) -> None:
    settings = Judge0Settings(callback_allowed_hosts=hosts, callback_allow_private=private)
    found = callback_url_problem(url, settings)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


async def test_a_public_name_resolving_inside_is_not_called() -> None:
    settings = Judge0Settings(callback_allowed_hosts=["localhost"], callbacks_max_tries=1)
    assert await send_callback("http://localhost:9/hook", {"token": "x"}, settings) is False
