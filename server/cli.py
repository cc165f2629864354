"""The `onsite` command: `serve` here, the engine's commands from `runners.cli`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from collections.abc import Sequence


def _serve(args: argparse.Namespace) -> int:
    """Serves under uvicorn on uvloop, set up as ``server.kit.runtime`` says."""
    import uvicorn

    from server.asgi import build_asgi
    from server.kit.runtime import event_loop_factory, tune_garbage_collector, uvicorn_config
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
    config = uvicorn_config(
        build_asgi(settings),
        settings.server.host,
        settings.server.port,
        access_log=args.access_log,
    )
    server = uvicorn.Server(config)
    tune_garbage_collector(settings.server.gc_gen0_threshold)
    print(f"Onsite on http://{settings.server.host}:{settings.server.port}/", flush=True)
    try:
        with (
            contextlib.suppress(KeyboardInterrupt),
            asyncio.Runner(loop_factory=event_loop_factory()) as runner,
        ):
            runner.run(server.serve())
    except SystemExit:  # uvicorn exits this way when the app's startup fails
        pass
    if not server.started:
        # e.g. the database is unreachable: the cause is already logged, in a sentence
        print("onsite serve: could not start (see the error above)", file=sys.stderr)
        return 1
    return 0


def _turn_config(args: argparse.Namespace) -> int:
    """Writes coturn's configuration from the settings (generating the shared secret once), so
    coturn and the server that hands out its credentials can never disagree."""
    import os
    from pathlib import Path

    from server.rooms.ice import coturn_config
    from server.settings import Settings, SettingsError

    try:
        settings = Settings.load()
    except SettingsError as exc:
        print(f"onsite turn-config: {exc}", file=sys.stderr)
        return 2
    if not settings.turn.enabled:
        print("onsite turn-config: [turn] enabled is false; nothing to configure", file=sys.stderr)
        return 1
    data = settings.data_dir / "coturn"
    text = coturn_config(
        settings,
        pidfile=args.pidfile or str((data / "turnserver.pid").resolve()),
        log_file=args.log_file or str((data / "turnserver.log").resolve()),
    )
    if not args.output:
        sys.stdout.write(text)
        return 0
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it holds the secret
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
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
    turn = sub.add_parser("turn-config", help="write coturn's configuration from the settings")
    turn.add_argument("--output", help="file to write (mode 0600); default: standard output")
    turn.add_argument("--pidfile", help="coturn's pidfile (default: <data_dir>/coturn/)")
    turn.add_argument("--log-file", help="coturn's log file (default: <data_dir>/coturn/)")
    turn.set_defaults(func=_turn_config)
    engine_cli.register(sub)
    from server.questions import commands as questions_commands

    questions_commands.register(sub)
    from server.organization import commands as admin_commands

    admin_commands.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
