"""Sign-up settings for tests.

The installation's defaults close sign-up after the first account and make every new account
verify its address by mail. Most tests sign several users up freely, so the ``settings``
fixture (``tests/conftest.py``) starts them with ``OPEN_SIGNUP``; a test of the defaults asks
for ``INSTALLATION_DEFAULTS`` through ``settings_overrides``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from email.message import EmailMessage
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


async def sign_up_and_verify(
    client: Any,
    data_dir: Any,
    email: str,
    password: str = "correct horse battery",
    name: str = "Ada Admin",
) -> dict[str, Any]:
    """Sign up under the installation's defaults (202 and a mailed link), open the link with
    the password, and answer the signed-in user (its cookies are in ``client``)."""
    from tests.support.mail import token_from_link

    response = await client.post(
        "/api/auth/register", json={"email": email, "password": password, "name": name}
    )
    assert response.status_code == 202, await response.get_data()
    token = token_from_link(await mail_to(data_dir, email), "/verify-email")
    response = await client.post(
        "/api/auth/email/verify", json={"token": token, "password": password}
    )
    assert response.status_code == 200, await response.get_data()
    user: dict[str, Any] = (await response.get_json())["user"]
    return user


async def mail_to(data_dir: Any, address: str, count: int = 1) -> EmailMessage:
    """The newest outbox message to ``address``, once ``count`` of them are there (mail goes
    out after the answer, in a background task)."""
    from tests.support.mail import read_outbox

    for _ in range(200):
        mails = [m for m in read_outbox(data_dir) if address in str(m["To"])]
        if len(mails) >= count:
            return mails[-1]
        await asyncio.sleep(0.025)
    raise AssertionError(f"no mail to {address}")


def csrf_of(client: Any) -> dict[str, str]:
    for cookie in client.cookie_jar or []:
        if cookie.name in ("onsite_csrf", "__Host-onsite_csrf"):
            return {"X-CSRF-Token": str(cookie.value)}
    raise AssertionError("no onsite_csrf cookie")
