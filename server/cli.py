"""The `onsite` command: `serve` here, the engine's commands from `runners.cli`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from runners import cli as engine_cli


def _serve(args: argparse.Namespace) -> int:
    raise SystemExit("onsite serve: not wired yet")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="onsite", description="Onsite interview platform")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the web app and the room")
    serve.set_defaults(func=_serve)
    engine_cli.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
