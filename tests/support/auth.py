"""Sign-up helpers for tests that need an interviewer."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from quart.typing import TestClientProtocol as Client

DEFAULT_PASSWORD = "correct horse battery"


@dataclass
class SignedIn:
    """A user whose session cookies live in ``client``'s cookie jar."""

    client: Client
    user: dict[str, Any]
    email: str
    password: str

    def csrf_value(self) -> str:
        jar = self.client.cookie_jar
        assert jar is not None, "the test client keeps no cookies"
        for cookie in jar:
            # ``__Host-onsite_csrf`` when the app's public URL is https
            if cookie.name in ("onsite_csrf", "__Host-onsite_csrf"):
                return str(cookie.value)
        raise AssertionError("no onsite_csrf cookie in the client")

    @property
    def csrf(self) -> dict[str, str]:
        """Headers for a state-changing request: ``client.post(url, json=…, headers=s.csrf)``."""
        return {"X-CSRF-Token": self.csrf_value()}


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


async def register_and_login(
    client: Client,
    *,
    email: str | None = None,
    password: str = DEFAULT_PASSWORD,
    name: str = "Ada Interviewer",
) -> SignedIn:
    """Register (which also signs in) and return the user with its cookies in ``client``."""
    email = email or unique_email()
    response = await client.post(
        "/api/auth/register", json={"email": email, "password": password, "name": name}
    )
    body = await response.get_json()
    assert response.status_code == 201, body
    return SignedIn(client=client, user=body["user"], email=email, password=password)
