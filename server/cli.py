"""The `onsite` command: `serve` here, the engine's commands from `runners.cli`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from collections.abc import Sequence


def _serve(args: argparse.Namespace) -> int:
    from hypercorn.asyncio import serve
    from hypercorn.config import Config
    from hypercorn.utils import LifespanFailureError

    from server.asgi import build_asgi
    from server.settings import Settings, SettingsError

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.load()
    except SettingsError as exc:
        print(f"onsite serve: {exc}", file=sys.stderr)
        return 2
    if args.host:
        settings.server.host = args.host
    if args.port is not None:
        settings.server.port = args.port
    config = Config()
    config.bind = [f"{settings.server.host}:{settings.server.port}"]
    config.accesslog = "-" if args.access_log else None
    print(f"Onsite on http://{settings.server.host}:{settings.server.port}/", flush=True)
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve(build_asgi(settings), config))
    except LifespanFailureError as exc:
        # e.g. the database is unreachable: the cause is in the message, the trace adds nothing
        print(f"onsite serve: could not start: {exc}", file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    from runners import cli as engine_cli

    parser = argparse.ArgumentParser(prog="onsite", description="Onsite interview platform")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the web app and the room")
    serve.add_argument("--host", help="bind address (default: settings server.host)")
    serve.add_argument("--port", type=int, help="port (default: settings server.port)")
    serve.add_argument("--access-log", action="store_true", help="log every request")
    serve.set_defaults(func=_serve)
    engine_cli.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
