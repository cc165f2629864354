"""What every answer tells the browser: a Content-Security-Policy with no inline script and no
framing, nosniff, HSTS and Secure cookies once the public URL is https; production refuses a
plain-http public URL; ``/docs`` is served from our own origin."""

from __future__ import annotations

from pathlib import Path

import pytest
from quart.typing import TestClientProtocol as Client

from server.app import create_app
from server.settings import Settings, SettingsError
from tests.support.fake_engine import FakeEngine
from tests.support.org import OPEN_SIGNUP, merged


def directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.mark.parametrize("path", ["/", "/api/languages", "/openapi.json", "/docs", "/nope"])
async def test_every_answer_carries_the_policy(client: Client, path: str) -> None:
    response = await client.get(path)
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval', no CDN
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response.headers  # public_url is http here


async def test_https_public_url_brings_hsts_and_secure_cookies(tmp_path: Path) -> None:
    settings = Settings.for_tests(
        tmp_path, **merged(OPEN_SIGNUP, {"server": {"public_url": "https://onsite.example"}})
    )
    app = create_app(settings, FakeEngine())
    async with app.test_app():
        client = app.test_client()
        response = await client.get("/api/languages")
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        response = await client.post(
            "/api/auth/register",
            json={"email": "ada@example.com", "password": "correct horse battery", "name": "A"},
        )
        assert response.status_code == 201
        cookies = response.headers.getlist("Set-Cookie")
        assert len(cookies) == 3
        assert all("Secure" in cookie for cookie in cookies), cookies


async def test_https_cookies_carry_the_host_prefix_and_work(tmp_path: Path) -> None:
    """``__Host-``: the browser keeps the cookie only Secure, for this exact host, at path /, so
    a sibling subdomain cannot plant a session or a CSRF value; the refresh cookie's path is
    /api/auth, so it carries ``__Secure-``."""
    settings = Settings.for_tests(
        tmp_path, **merged(OPEN_SIGNUP, {"server": {"public_url": "https://onsite.example"}})
    )
    app = create_app(settings, FakeEngine())
    async with app.test_app():
        response = await app.test_client().post(
            "/api/auth/register",
            json={"email": "ada@example.com", "password": "correct horse battery", "name": "A"},
        )
        assert response.status_code == 201
        jar = {}
        for header in response.headers.getlist("Set-Cookie"):
            name, _, rest = header.partition("=")
            jar[name] = rest.split(";", 1)[0]
            assert "Secure" in header
            if name.startswith("__Host-"):
                assert "Path=/;" in header + ";" and "Domain" not in header
        assert set(jar) == {"__Host-onsite_access", "__Secure-onsite_refresh", "__Host-onsite_csrf"}
        cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
        me = await app.test_client().get("/api/auth/me", headers={"Cookie": cookie})
        assert me.status_code == 200
        planted = "onsite_access=" + jar["__Host-onsite_access"]  # a cookie without the prefix
        assert (
            await app.test_client().get("/api/auth/me", headers={"Cookie": planted})
        ).status_code == 401
        logout = await app.test_client().post(
            "/api/auth/logout",
            headers={"Cookie": cookie, "X-CSRF-Token": jar["__Host-onsite_csrf"]},
        )
        assert logout.status_code == 204


async def test_plain_http_cookies_stay_usable_in_development(client: Client) -> None:
    response = await client.post(
        "/api/auth/register",
        json={"email": "ada@example.com", "password": "correct horse battery", "name": "A"},
    )
    assert response.status_code == 201
    assert not any("Secure" in c for c in response.headers.getlist("Set-Cookie"))


def test_production_refuses_a_plain_http_public_url(tmp_path: Path) -> None:
    env = {
        "ONSITE_ENVIRONMENT": "production",
        "ONSITE_DATA_DIR": str(tmp_path),
        "ONSITE_SERVER_PUBLIC_URL": "http://onsite.example",
    }
    with pytest.raises(SettingsError, match="must be https"):
        Settings.load(environ=env)
    allowed = Settings.load(environ={**env, "ONSITE_SERVER_ALLOW_INSECURE_HTTP": "true"})
    assert not allowed.uses_https
    secure = Settings.load(environ={**env, "ONSITE_SERVER_PUBLIC_URL": "https://onsite.example"})
    assert secure.secure_cookies


async def test_docs_are_served_from_our_origin(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    (dist / "docs").mkdir(parents=True)
    (dist / "docs" / "swagger-ui-bundle.js").write_text("/* bundle */")
    (dist / "index.html").write_text("<!doctype html><title>app</title>")
    settings = Settings.for_tests(tmp_path, server={"client_dist": str(dist)})
    app = create_app(settings, FakeEngine())
    async with app.test_app():
        response = await app.test_client().get("/docs")
        page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<script src="/docs/swagger-ui-bundle.js"></script>' in page
    assert "cdn" not in page.lower() and "http" not in page.split("<body>")[1]
    assert "<script>" not in page  # nothing inline: the policy would block it


async def test_docs_without_a_client_build_say_how_to_build_it(client: Client) -> None:
    response = await client.get("/docs")
    assert "make client" in await response.get_data(as_text=True)
