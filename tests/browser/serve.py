"""The whole Onsite app served for the browser tests, in its own process.

``python -m tests.browser.serve --port P --data-dir D`` runs ``build_asgi`` the way ``onsite
serve`` does (uvicorn on uvloop, the same GC settings: ``server.kit.runtime``) with test settings
(SQLite in ``D``, mail to the outbox, no STUN server: both browsers are on this machine) and the
built ``client/dist``. The engine is the real ``DockerEngine`` (warm pool off, so the test does
not start 13 sandboxes) when Docker answers and the Python image exists, else ``FakeEngine`` —
the tests read which one from the ready line and expect the matching output. With ``--oidc`` it
also runs the test OpenID Connect provider (``tests/support/oidc_provider.py``) and configures it
as "Test IdP".

A separate process keeps Playwright's own event loop and the server's apart, and makes sure the
browsers talk to the server only over the network, as in production.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path
from typing import Any

import uvicorn

from runners.contract import Engine
from server.asgi import build_asgi
from server.kit.runtime import event_loop_factory, tune_garbage_collector, uvicorn_config
from server.settings import REPO_ROOT, Settings
from tests.support.fake_engine import FakeEngine
from tests.support.oidc_provider import OidcProvider
from tests.support.org import INSTALLATION_DEFAULTS, OPEN_SIGNUP, merged
from tests.support.turn import Coturn, coturn_settings

READY_PREFIX = "ONSITE-BROWSER-READY "


def pick_engine(wanted: str) -> tuple[Engine, str]:
    """The real engine when it can run Python here, otherwise the fake (and say which)."""
    if wanted == "fake":
        return FakeEngine(), "fake"
    try:
        import docker

        from runners.engine import DockerEngine
        from runners.settings import EngineSettings

        engine = DockerEngine(EngineSettings.load(pool_enabled=False))
        image = engine.catalogue.get("python").image
        client = docker.from_env(timeout=5)
        try:
            client.images.get(image)
        finally:
            client.close()
        return engine, "docker"
    except Exception as exc:
        if wanted == "docker":
            raise
        print(f"serve: real engine unavailable ({exc}); using FakeEngine", file=sys.stderr)
        return FakeEngine(), "fake"


async def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--engine", choices=["auto", "docker", "fake"], default="auto")
    parser.add_argument("--client-dist", type=Path, default=REPO_ROOT / "client" / "dist")
    parser.add_argument(
        "--oidc", action="store_true", help="also run tests/support/oidc_provider.py as 'Test IdP'"
    )
    parser.add_argument(
        "--installation-defaults",
        action="store_true",
        help="sign-up as installed: closed after the first account, addresses confirmed by mail",
    )
    parser.add_argument(
        "--turn-relay-only",
        action="store_true",
        help="run a real coturn on loopback and make every client relay-only through it",
    )
    parser.add_argument(
        "--turn",
        action="store_true",
        help="run a real coturn on loopback (relay-only left to each room)",
    )
    args = parser.parse_args(argv)

    url = f"http://127.0.0.1:{args.port}"
    overrides: dict[str, Any] = {
        "server": {"client_dist": str(args.client_dist), "public_url": url, "port": args.port},
        "rooms": {"stun_urls": []},
        # Without a TURN server of its own the test would hand out a TURN URL nobody answers.
        "turn": {"enabled": False},
        # Every browser of the suite signs up from 127.0.0.1 within minutes.
        "auth": {"signups_per_ip": 10_000},
    }
    with_turn = args.turn or args.turn_relay_only
    if with_turn:
        relay_only = bool(args.turn_relay_only)
        turn = coturn_settings(args.data_dir / "coturn-settings", relay_only=relay_only).turn
        overrides["turn"] = turn.model_dump()
    provider: OidcProvider | None = None
    if args.oidc:
        provider = OidcProvider()
        await provider.start()
        overrides["oidc_providers"] = [
            {
                "id": "testidp",
                "name": "Test IdP",
                "issuer": provider.issuer,
                "client_id": provider.client_id,
                "client_secret": provider.client_secret,
            }
        ]
    # Every browser test signs its own interviewers up (tests.support.org), unless the server
    # is for the installation's own sign-up rules.
    signup = INSTALLATION_DEFAULTS if args.installation_defaults else OPEN_SIGNUP
    settings = Settings.for_tests(args.data_dir, **merged(signup, overrides))
    coturn = Coturn.start(settings, args.data_dir / "coturn") if with_turn else None
    engine, engine_kind = pick_engine(args.engine)

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    uvicorn_server = uvicorn.Server(
        uvicorn_config(build_asgi(settings, engine), "127.0.0.1", args.port)
    )
    tune_garbage_collector(settings.server.gc_gen0_threshold)
    # uvicorn handles SIGTERM/SIGINT itself: it shuts the app down (closing the engine's
    # containers), then re-raises the signal.
    server = asyncio.create_task(uvicorn_server.serve())
    for _ in range(400):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", args.port)
        except OSError:
            if server.done():
                server.result()
            await asyncio.sleep(0.05)
            continue
        writer.close()
        await writer.wait_closed()
        break
    print(READY_PREFIX + json.dumps({"url": url, "engine": engine_kind}), flush=True)
    try:
        await server
    finally:
        if provider is not None:
            await provider.stop()
        if coturn is not None:
            coturn.stop()


if __name__ == "__main__":
    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
        runner.run(main(sys.argv[1:]))
