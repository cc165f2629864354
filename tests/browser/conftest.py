"""Browser fixtures: the real app in a subprocess, Debian's Chromium driven by Playwright.

* ``onsite_server`` (session) — ``tests/browser/serve.py`` on a free loopback port with a temp
  data dir, SQLite, outbox mail, the test OpenID Connect provider as "Test IdP", and the real
  Docker engine when it can run Python (else the fake; ``onsite_server.engine`` says which).
  Builds ``client/dist`` first if it is missing or older than what it is built from (the client
  sources and ``config/protocol.json``, which the bundle embeds: a stale bundle would speak the
  old wire serializer).
* ``browser`` (module) — Chromium with fake camera/microphone devices (auto-accepted).
* ``open_page`` — a new isolated browser context (its own cookies, like another person's browser)
  and page; every console error and uncaught page error is collected and the test fails on any.
* ``output_dir`` — where screenshots go: ``$ONSITE_TEST_OUTPUT`` (default ``test-output/``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    sync_playwright,
)

from tests.browser.serve import READY_PREFIX
from tests.support.net import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
CLIENT_DIR = REPO_ROOT / "client"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@dataclass
class OnsiteServer:
    url: str
    engine: str
    data_dir: Path
    log: list[str] = field(default_factory=list)


def _client_inputs() -> list[Path]:
    inputs = [p for p in (CLIENT_DIR / "src").rglob("*") if p.is_file()]
    names = ("index.html", "package.json", "package-lock.json", "vite.config.ts", "tsconfig.json")
    inputs.extend(CLIENT_DIR / name for name in names)
    inputs.append(REPO_ROOT / "config" / "protocol.json")
    return [p for p in inputs if p.exists()]


def _ensure_client_built() -> None:
    built = CLIENT_DIR / "dist" / "index.html"
    if built.exists():
        built_at = built.stat().st_mtime
        if all(p.stat().st_mtime <= built_at for p in _client_inputs()):
            return
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("client/dist is missing or stale and npm is not installed: run `make client`")
    if not (CLIENT_DIR / "node_modules").exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=CLIENT_DIR, check=True)
    subprocess.run([npm, "run", "build"], cwd=CLIENT_DIR, check=True)


@pytest.fixture(scope="session")
def output_dir() -> Path:
    path = Path(os.environ.get("ONSITE_TEST_OUTPUT") or REPO_ROOT / "test-output")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def onsite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OnsiteServer]:
    _ensure_client_built()
    data_dir = tmp_path_factory.mktemp("onsite-browser")
    engine = os.environ.get("ONSITE_BROWSER_ENGINE", "auto")
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.browser.serve", "--port", str(free_port()),
         "--data-dir", str(data_dir), "--engine", engine, "--oidc"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    assert process.stdout is not None
    log: list[str] = []
    ready: dict[str, Any] | None = None
    for line in process.stdout:
        log.append(line)
        if line.startswith(READY_PREFIX):
            ready = json.loads(line[len(READY_PREFIX) :])
            break
    if ready is None:
        process.wait(timeout=10)
        pytest.fail("the Onsite server did not start:\n" + "".join(log[-40:]))
    server = OnsiteServer(url=ready["url"], engine=ready["engine"], data_dir=data_dir, log=log)
    # Keep draining the server's output so it never blocks on a full pipe.
    drain = threading.Thread(target=lambda: log.extend(process.stdout or []), daemon=True)
    drain.start()
    try:
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        drain.join(timeout=5)
        process.stdout.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Module scope, not session: while Playwright's sync API is open it leaves its event loop
    # marked as running in this thread, and pytest-asyncio's tests after ours would refuse to
    # start ("Runner.run() cannot be called from a running event loop").
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class ConsoleErrors:
    """Console errors and uncaught exceptions of every page a test opened."""

    items: list[str] = field(default_factory=list)

    def watch(self, page: Page, who: str) -> None:
        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                self.items.append(f"{who}: console.error: {message.text} @ {message.location}")

        def on_page_error(error: Error) -> None:
            self.items.append(f"{who}: uncaught: {error.message}")

        page.on("console", on_console)
        page.on("pageerror", on_page_error)


PageFactory = Callable[..., Page]


@pytest.fixture
def console_errors() -> ConsoleErrors:
    return ConsoleErrors()


@pytest.fixture
def open_page(
    browser: Browser, onsite_server: OnsiteServer, console_errors: ConsoleErrors
) -> Iterator[PageFactory]:
    """``open_page(who, width=1280, height=720)``: a page in a fresh context at the app's URL."""
    contexts: list[BrowserContext] = []

    def make(who: str, width: int = 1280, height: int = 720, **options: Any) -> Page:
        context = browser.new_context(
            base_url=onsite_server.url,
            viewport={"width": width, "height": height},
            permissions=["camera", "microphone", "clipboard-read", "clipboard-write"],
            **options,
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        console_errors.watch(page, who)
        return page

    yield make
    for context in contexts:
        context.close()
