"""``onsite admin create EMAIL``: an admin account from a shell, for the first start of an
installation whose sign-up should never be open, or to recover a locked-out organization.

The password is read from standard input when it is not a terminal (``--password-stdin``
style, so it never appears in ``ps`` or shell history), otherwise asked for twice. An account
that exists already is made an admin (and reactivated, its address marked verified); without
a password it keeps its own.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from server.kit.db import open_database
from server.kit.errors import AppError
from server.organization import service
from server.settings import Settings, SettingsError


def _password(args: argparse.Namespace) -> str | None:
    if args.no_password:
        return None
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n") or None
    first = getpass.getpass("Password for the admin account: ")
    if first != getpass.getpass("The same password again: "):
        raise ValueError("the two passwords differ")
    return first or None


async def _create(
    settings: Settings, email: str, name: str, password: str | None
) -> tuple[str, bool]:
    engine, sessions = await open_database(settings)
    try:
        async with sessions() as session:
            user, created = await service.create_admin(session, settings, email, name, password)
            await session.commit()
            return user.email, created
    finally:
        await engine.dispose()


def run(args: argparse.Namespace) -> int:
    try:
        settings = Settings.load()
    except SettingsError as exc:
        print(f"onsite admin: {exc}", file=sys.stderr)
        return 2
    try:
        password = _password(args)
        email, created = asyncio.run(_create(settings, args.email, args.name or "", password))
    except ValueError as exc:
        print(f"onsite admin: {exc}", file=sys.stderr)
        return 1
    except AppError as exc:
        print(f"onsite admin: {exc.message}", file=sys.stderr)
        return 1
    what = "created the admin account" if created else "made the account an admin:"
    print(f"onsite admin: {what} {email}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("admin", help="manage the organization's admins")
    actions = parser.add_subparsers(dest="action", required=True)
    create = actions.add_parser(
        "create",
        help="create an admin account (or make an account an admin); the password is read "
        "from standard input, or asked for",
    )
    create.add_argument("email")
    create.add_argument("--name", help="display name (default: the address's local part)")
    create.add_argument(
        "--no-password",
        action="store_true",
        help="no password (the admin signs in through a provider, or resets it by mail)",
    )
    create.set_defaults(func=run)
