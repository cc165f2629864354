"""`onsite run`, `onsite images …` and `onsite languages`: the engine's own commands.

They live beside the engine (not in the server) so the engine stays usable on its own.
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the engine's subcommands; each sets ``func(args) -> int`` as its default."""
