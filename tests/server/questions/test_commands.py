"""``onsite questions import|export`` as a shell runs it (a subprocess), against the same
database the app under test uses: SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from server.settings import Settings
from tests.support.auth import SignedIn

EXAMPLES = Path(__file__).resolve().parents[3] / "config" / "questions"

# The command runs in another process: it must see the test's account, so the app's writes are
# committed (a fresh database), not held in the usual rolled-back transaction.
pytestmark = pytest.mark.fresh_database


async def onsite(settings: Settings, *args: str) -> tuple[int, str]:
    env = {
        **os.environ,
        "ONSITE_DATA_DIR": str(settings.data_dir),
        "ONSITE_DATABASE_URL": settings.database_url,
        "ONSITE_DATABASE_SCHEMA": settings.database_schema,
        "ONSITE_AUTH_JWT_SECRET": settings.auth.jwt_secret,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "server.cli", "questions", *args,
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode()


async def test_import_a_folder_then_export_it(
    settings: Settings, signed_in: SignedIn, tmp_path: Path
) -> None:
    code, out = await onsite(settings, "import", str(EXAMPLES), "--owner", signed_in.email)
    assert code == 0, out
    assert out.count("imported ") == 3
    listing = await (await signed_in.client.get("/api/questions?scope=mine")).get_json()
    assert sorted(q["title"] for q in listing["items"]) == [
        "Balanced Brackets", "LRU Cache", "Two Sum"
    ]  # fmt: skip
    assert all(len(q["languages"]) >= 14 for q in listing["items"])
    target = tmp_path / "exported"
    code, out = await onsite(settings, "export", str(target), "--owner", signed_in.email)
    assert code == 0, out
    # the built-in examples are visible too (with the fake engine's two languages only)
    javas = [p.read_text() for p in target.glob("lru-cache*/starter/java.java")]
    assert javas == [(EXAMPLES / "lru-cache" / "starter" / "java.java").read_text()]
    assert len(list(target.glob("*/question.toml"))) == 6


async def test_a_bad_folder_imports_nothing(
    settings: Settings, signed_in: SignedIn, tmp_path: Path
) -> None:
    folder = tmp_path / "bundle" / "q"
    folder.mkdir(parents=True)
    (folder / "question.toml").write_text('title = "x"\nsecret = 1\n')
    (folder / "prompt.md").write_text("x")
    code, out = await onsite(settings, "import", str(folder.parent), "--owner", signed_in.email)
    assert code == 1 and "nothing imported" in out and "unknown key 'secret'" in out
    code, out = await onsite(settings, "import", str(EXAMPLES), "--owner", "nobody@example.com")
    assert code == 1 and "no account" in out
    code, out = await onsite(settings, "import", str(EXAMPLES))
    assert code == 2 and "--owner" in out
    listing = await (await signed_in.client.get("/api/questions?scope=mine")).get_json()
    assert listing["total"] == 0
