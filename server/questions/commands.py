"""``onsite questions import|export PATH``: the bank to and from plain files, from a shell.

A company keeps its questions in git and loads them with one command; the same folder layout
the REST import takes (``server.questions.bundle``). Import is all or nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from server.accounts import service as accounts
from server.kit.db import open_database
from server.questions import bundle, service
from server.questions.schemas import Visibility
from server.settings import Settings, SettingsError


def catalogue_extensions() -> Mapping[str, str]:
    from runners.catalogue import load_catalogue
    from runners.settings import EngineSettings

    catalogue = load_catalogue(EngineSettings.load().catalogue_path)
    return {info.id: PurePosixPath(info.source_file).suffix for info in catalogue.infos()}


class NoSuchAccountError(Exception):
    """No account has the e-mail address given with ``--owner``."""


def _read(path: Path, languages: Mapping[str, str]) -> list[bundle.QuestionFiles]:
    if path.is_file():
        return bundle.read_zip(path.read_bytes(), languages)
    return bundle.read_folder(path, languages)


def _import(args: argparse.Namespace, settings: Settings) -> int:
    languages = catalogue_extensions()
    questions = _read(Path(args.path), languages)
    for title, question_id in asyncio.run(_imported(args, settings, questions, languages)):
        print(f"imported {title!r} ({question_id})")
    return 0


async def _imported(
    args: argparse.Namespace,
    settings: Settings,
    questions: list[bundle.QuestionFiles],
    languages: Mapping[str, str],
) -> list[tuple[str, str]]:
    engine, sessions = await open_database(settings)
    try:
        async with sessions() as session:
            owner = await accounts.user_by_email(session, args.owner)
            if owner is None:
                raise NoSuchAccountError(args.owner)
            visibility = Visibility.SHARED if args.shared else Visibility.PRIVATE
            added = await service.import_questions(
                session, owner.id, questions, languages, visibility=visibility
            )
            await session.commit()
            return [(item.question.title, item.question.id) for item in added]
    finally:
        await engine.dispose()


async def _exported(args: argparse.Namespace, settings: Settings) -> list[bundle.QuestionFiles]:
    engine, sessions = await open_database(settings)
    try:
        async with sessions() as session:
            user_id = None
            if args.owner:
                owner = await accounts.user_by_email(session, args.owner)
                if owner is None:
                    raise NoSuchAccountError(args.owner)
                user_id = owner.id
            return await service.export_questions(session, user_id)
    finally:
        await engine.dispose()


def _export(args: argparse.Namespace, settings: Settings) -> int:
    languages = catalogue_extensions()
    questions = asyncio.run(_exported(args, settings))
    target = Path(args.path)
    if target.suffix == ".zip":
        target.write_bytes(bundle.write_zip(questions, languages))
    else:
        used: set[str] = set()
        for question in questions:
            folder, n = question.slug(), 2
            while folder in used:
                folder, n = f"{question.slug()}-{n}", n + 1
            used.add(folder)
            for name, data in bundle.write_files(question, languages).items():
                path = target / folder / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
    print(f"exported {len(questions)} question(s) to {target}")
    return 0


def run(args: argparse.Namespace) -> int:
    try:
        settings = Settings.load()
    except SettingsError as exc:
        print(f"onsite questions: {exc}", file=sys.stderr)
        return 2
    action = _import if args.action == "import" else _export
    try:
        return action(args, settings)
    except NoSuchAccountError as exc:
        print(f"onsite questions: no account with the address {exc}", file=sys.stderr)
        return 1
    except (bundle.BundleError, service.InvalidBundleError) as exc:
        print(f"onsite questions: nothing imported: {exc}", file=sys.stderr)
        return 1
    except service.UnknownStarterLanguageError as exc:
        print(f"onsite questions: nothing imported: {exc.message}", file=sys.stderr)
        return 1


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("questions", help="import or export the question bank as files")
    parser.add_argument("action", choices=["import", "export"])
    parser.add_argument("path", help="a folder of questions, or a .zip")
    parser.add_argument(
        "--owner", help="e-mail of the account that owns imported questions (required to import);"
        " to export, whose visible questions (default: every question)",
    )  # fmt: skip
    parser.add_argument("--shared", action="store_true", help="import as shared with everyone")
    parser.set_defaults(func=_checked)


def _checked(args: argparse.Namespace) -> int:
    if args.action == "import" and not args.owner:
        print("onsite questions import: --owner EMAIL is required", file=sys.stderr)
        return 2
    return run(args)
