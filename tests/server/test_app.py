"""create_app: serving hooks, the unit of work, the browser app with SPA fallback, docs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from quart import Blueprint, Quart
from sqlalchemy import func, select

from server.accounts.models import User
from server.app import create_app
from server.kit.db import current_session, new_id, unit_of_work, utcnow
from server.kit.errors import ConflictError
from server.kit.state import get_state
from server.settings import Settings
from tests.support.fake_engine import FakeEngine


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><title>Onsite SPA</title>")
    (root / "assets" / "app.js").write_text("console.log('onsite')")
    (tmp_path / "secret.txt").write_text("outside dist")
    return root


@pytest.fixture
def settings_overrides(dist: Path) -> dict[str, Any]:
    return {"server": {"client_dist": str(dist)}}


def _probe_blueprint() -> Blueprint:
    """Routes that write and then succeed or fail, to watch the request boundary."""
    probe = Blueprint("probe", __name__, url_prefix="/api/probe")

    async def add_user(email: str) -> None:
        session = current_session()
        session.add(User(id=new_id(), email=email, name="Probe", created_at=utcnow()))
        await session.flush()

    @probe.post("/ok/<email>")
    async def ok(email: str) -> dict[str, str]:
        await add_user(email)
        return {"status": "ok"}

    @probe.post("/fail/<email>")
    async def fail(email: str) -> dict[str, str]:
        await add_user(email)
        raise ConflictError("on purpose")

    @probe.post("/crash/<email>")
    async def crash(email: str) -> dict[str, str]:
        await add_user(email)
        raise RuntimeError("a bug")

    return probe


@pytest.fixture
async def probe_app(settings: Settings, fake_engine: FakeEngine) -> AsyncIterator[Quart]:
    quart_app = create_app(settings, fake_engine)
    quart_app.register_blueprint(_probe_blueprint())
    async with quart_app.test_app():
        yield quart_app


async def count_users(app: Quart, email: str) -> int:
    async with unit_of_work(get_state(app).sessions) as session:
        result = await session.execute(
            select(func.count()).select_from(User).where(User.email == email)
        )
        return int(result.scalar_one())


async def test_request_boundary_commits_only_successes(probe_app: Quart) -> None:
    client = probe_app.test_client()
    assert (await client.post("/api/probe/ok/a@example.com")).status_code == 200
    assert await count_users(probe_app, "a@example.com") == 1
    failed = await client.post("/api/probe/fail/b@example.com")
    assert failed.status_code == 409
    assert await count_users(probe_app, "b@example.com") == 0
    crashed = await client.post("/api/probe/crash/c@example.com")
    assert crashed.status_code == 500
    assert (await crashed.get_json())["error"]["code"] == "internal_error"
    assert await count_users(probe_app, "c@example.com") == 0


async def test_unit_of_work_rolls_back_on_exceptions(app: Quart) -> None:
    with pytest.raises(ValueError):
        async with unit_of_work(get_state(app).sessions) as session:
            session.add(User(id=new_id(), email="u@example.com", name="U", created_at=utcnow()))
            await session.flush()
            raise ValueError("abort")
    assert await count_users(app, "u@example.com") == 0


async def test_serving_hooks_opened_everything(app: Quart, fake_engine: FakeEngine) -> None:
    state = get_state(app)
    assert state.session_factory is not None and state.db_engine is not None
    assert fake_engine.started
    assert (state.settings.data_dir / "outbox").is_dir()


async def test_spa_fallback_and_static_files(app: Quart) -> None:
    client = app.test_client()
    for path in [
        "/",
        "/join/abc123",
        "/rooms/xyz",
        "/account/delete?token=t",
        "/reset-password?token=t",
    ]:
        response = await client.get(path)
        assert response.status_code == 200, path
        assert "Onsite SPA" in await response.get_data(as_text=True), path
    asset = await client.get("/assets/app.js")
    assert asset.status_code == 200
    assert "console.log" in await asset.get_data(as_text=True)
    escape = await client.get("/../secret.txt")
    assert "outside dist" not in await escape.get_data(as_text=True)
    assert (await client.get("/reset-password?token=t")).headers["Referrer-Policy"] == (
        "no-referrer"
    )
    api = await client.get("/api/unknown/thing")
    assert api.headers["Cache-Control"] == "no-store"
    assert api.status_code == 404
    assert (await api.get_json())["error"]["code"] == "not_found"


@pytest.mark.parametrize("settings_overrides", [{}])
async def test_without_a_built_client_the_page_says_what_to_do(app: Quart) -> None:
    response = await app.test_client().get("/interviews")
    assert response.status_code == 200
    assert "make client" in await response.get_data(as_text=True)


async def test_openapi_and_docs(app: Quart) -> None:
    client = app.test_client()
    spec = await (await client.get("/openapi.json")).get_json()
    assert spec["info"]["title"] == "Onsite API"
    login = spec["paths"]["/api/auth/login"]["post"]
    assert {"200", "400", "401", "429"} <= set(login["responses"])
    error_schema = login["responses"]["401"]["content"]["application/json"]["schema"]
    assert "error" in error_schema["properties"]
    assert not any(p == "/" or p.startswith("/{") for p in spec["paths"])
    with_body = [
        op for item in spec["paths"].values() for op in item.values() if "requestBody" in op
    ]
    assert len(with_body) >= 8
    for operation in with_body:  # refusals every body-taking route can answer
        assert {"400", "413", "415"} <= set(operation["responses"])
    logout = spec["paths"]["/api/auth/logout"]["post"]["responses"]["204"]
    assert "content" not in logout
    docs = await client.get("/docs")
    assert docs.status_code == 200
