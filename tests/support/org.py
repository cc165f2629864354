"""Sign-up settings for tests.

The installation's defaults close sign-up after the first account and make every new account
verify its address by mail. Most tests sign several users up freely, so the ``settings``
fixture (``tests/conftest.py``) starts them with ``OPEN_SIGNUP``; a test of the defaults asks
for ``INSTALLATION_DEFAULTS`` through ``settings_overrides``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

OPEN_SIGNUP: dict[str, Any] = {
    "organization": {"initial_signup_policy": "open"},
    "auth": {"require_email_verification": False},
}
INSTALLATION_DEFAULTS: dict[str, Any] = {
    "organization": {"initial_signup_policy": "closed"},
    "auth": {"require_email_verification": True},
}


def merged(*layers: Mapping[str, Any]) -> dict[str, Any]:
    """Later layers win; tables are merged key by key (``auth`` of one keeps the other's)."""
    out: dict[str, Any] = {}
    for layer in layers:
        for key, value in layer.items():
            if isinstance(value, Mapping) and isinstance(out.get(key), dict):
                out[key] = merged(out[key], value)
            elif isinstance(value, Mapping):
                out[key] = merged(value)
            else:
                out[key] = value
    return out
