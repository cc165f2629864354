"""`onsite run`, `onsite images …` and `onsite languages`: the engine's own commands.

They live beside the engine (not in the server) so the engine stays usable on its own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

import docker

from runners.catalogue import CatalogueError, load_catalogue
from runners.contract import EngineError, RunRequest, RunResult, TestCase, Verdict
from runners.images import ImageBuildError, ImageManager
from runners.settings import EngineSettings, SettingsError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the engine's subcommands; each sets ``func(args) -> int`` as its default."""
    run = subparsers.add_parser("run", help="run a source file in its language's sandbox")
    run.add_argument("--language", "-l", required=True, help="catalogue id, e.g. python")
    run.add_argument("--stdin", type=Path, help="file given to the program as standard input")
    run.add_argument(
        "--tests",
        type=Path,
        metavar="DIR",
        help="run NAME.in / NAME.out pairs from DIR as tests (compiled once); prints a table",
    )
    run.add_argument("--json", action="store_true", help="print the RunResult as JSON")
    run.add_argument("file", type=Path, help="the source file")
    run.set_defaults(func=_run)

    runner = subparsers.add_parser(
        "runner",
        help="serve the Redis run queue with this host's Docker engine (a runner host)",
        description='Take runs from the Redis queue ([redis] url, [engine] backend = "redis" '
        "on the servers) and run them in this host's Docker engine, warm pool and all.",
    )
    runner.add_argument("--redis-url", help="default: [redis] url / ONSITE_REDIS_URL")
    runner.add_argument("--key-prefix", help="default: [redis] key_prefix")
    runner.add_argument("--docker-url", help="default: [engine] docker_url, else DOCKER_HOST")
    runner.add_argument("--name", default="", help="this host's name in logs and heartbeats")
    runner.add_argument(
        "--languages", default="", help="comma-separated ids (default: those with an image here)"
    )
    runner.add_argument("--slots", type=int, help="runs at once (default: max_concurrent_runs)")
    runner.set_defaults(func=_runner)

    languages = subparsers.add_parser("languages", help="list the languages and their versions")
    languages.set_defaults(func=_languages)

    images = subparsers.add_parser("images", help="build, list, test or prune the sandbox images")
    images_sub = images.add_subparsers(dest="images_command", required=True)
    build = images_sub.add_parser("build", help="build images (all, or the languages named)")
    build.add_argument("--missing", action="store_true", help="only what is absent or stale")
    build.add_argument(
        "--no-cache", action="store_true", help="cold build: new debootstrap, no layer cache"
    )
    build.add_argument("languages", nargs="*", metavar="LANG")
    build.set_defaults(func=_images_build)
    listing = images_sub.add_parser("list", help="images with size, version and build date")
    listing.set_defaults(func=_images_list)
    test = images_sub.add_parser("test", help="run each language's stub and smoke program")
    test.add_argument("languages", nargs="*", metavar="LANG")
    test.set_defaults(func=_images_test)
    prune = images_sub.add_parser("prune", help="remove stale images and leftover sandboxes")
    prune.set_defaults(func=_images_prune)


def _say(line: str) -> None:
    print(line, flush=True)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _manager() -> ImageManager:
    settings = EngineSettings.load()
    client = (
        docker.DockerClient(base_url=settings.docker_url)
        if settings.docker_url
        else docker.from_env()
    )
    return ImageManager(
        client, load_catalogue(settings.catalogue_path, settings.debian_suite), settings
    )


def _runner(args: argparse.Namespace) -> int:
    import logging

    from runners.settings import RedisTarget
    from runners.worker import WorkerOptions, run_worker

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        target = RedisTarget.load()
        overrides: dict[str, Any] = {}
        if args.docker_url:
            overrides["docker_url"] = args.docker_url
        if args.slots is not None:
            overrides["max_concurrent_runs"] = args.slots
        settings = EngineSettings.load(**overrides)
    except SettingsError as exc:
        return _fail(str(exc))
    url = args.redis_url or target.url
    if not url:
        return _fail("onsite runner needs a Redis URL: --redis-url or [redis] url")
    options = WorkerOptions(
        redis_url=url,
        key_prefix=args.key_prefix or target.key_prefix,
        name=args.name,
        languages=tuple(filter(None, (x.strip() for x in args.languages.split(",")))),
    )
    return run_worker(options, settings)


def _languages(args: argparse.Namespace) -> int:
    try:
        settings = EngineSettings.load()
        catalogue = load_catalogue(settings.catalogue_path, settings.debian_suite)
    except (CatalogueError, SettingsError) as exc:
        return _fail(str(exc))
    print(f"{'ID':<12} {'NAME':<12} {'KIND':<12} VERSION")
    for language in catalogue:
        kind = "compiled" if language.compiled else "interpreted"
        print(f"{language.id:<12} {language.name:<12} {kind:<12} {language.version}")
    return 0


def _images_build(args: argparse.Namespace) -> int:
    try:
        manager = _manager()
        started = time.monotonic()
        built = manager.build(
            args.languages, missing=args.missing, progress=_say, no_cache=args.no_cache
        )
    except (CatalogueError, SettingsError, ImageBuildError, EngineError) as exc:
        return _fail(str(exc))
    except docker.errors.DockerException as exc:
        return _fail(f"the Docker engine did not answer: {exc}")
    seconds = time.monotonic() - started
    _say(f"built {len(built)} image(s) in {seconds:.0f} s" if built else "all images up to date")
    return 0


def _images_list(args: argparse.Namespace) -> int:
    try:
        manager = _manager()
    except (CatalogueError, SettingsError, ImageBuildError) as exc:
        return _fail(str(exc))
    except docker.errors.DockerException as exc:
        return _fail(f"the Docker engine did not answer: {exc}")
    print(f"{'IMAGE':<28} {'SIZE':>9} {'STATE':<8} {'BUILT':<21} VERSION")
    for tag in manager.specs:
        state = manager.state(tag)
        label = "fresh" if state.fresh else ("stale" if state.present else "missing")
        size = f"{state.size_mb:.0f} MB" if state.size_mb is not None else "-"
        print(f"{tag:<28} {size:>9} {label:<8} {state.built or '-':<21} {state.version or '-'}")
    return 0


def _images_prune(args: argparse.Namespace) -> int:
    try:
        removed = _manager().prune(_say)
    except docker.errors.DockerException as exc:
        return _fail(f"the Docker engine did not answer: {exc}")
    _say(f"removed {removed} item(s)")
    return 0


def _images_test(args: argparse.Namespace) -> int:
    from runners.engine import DockerEngine

    async def main() -> int:
        settings = EngineSettings.load(pool_enabled=False)
        engine = DockerEngine(settings)
        await engine.start()
        failures = 0
        try:
            ids = args.languages or [info.id for info in engine.languages()]
            for language_id in ids:
                language = engine.catalogue.get(language_id)
                checks = [
                    ("stub", language.stub, "Hello, world!"),
                    ("smoke", language.smoke, language.smoke_sentinel),
                ]
                for name, source, expected in checks:
                    result = await engine.run(RunRequest(language=language_id, source=source))
                    stdout = result.run.stdout if result.run else ""
                    ok = result.status is Verdict.OK and expected in stdout
                    failures += not ok
                    wall = (result.compile.wall_ms if result.compile else 0) + (
                        result.run.wall_ms if result.run else 0
                    )
                    mark = "pass" if ok else "FAIL"
                    verdict = result.status.value
                    _say(f"{mark}  {language_id:<11} {name:<6} {verdict:<14} {wall:>6} ms")
                    if not ok:
                        _say(json.dumps(result.to_dict(), ensure_ascii=False, indent=2)[:3000])
        except EngineError as exc:
            return _fail(exc.message)
        finally:
            await engine.close()
        _say("all languages passed" if not failures else f"{failures} check(s) failed")
        return 1 if failures else 0

    return asyncio.run(main())


def _run(args: argparse.Namespace) -> int:
    from runners.engine import DockerEngine

    try:
        source = args.file.read_text(encoding="utf-8")
        stdin = args.stdin.read_text(encoding="utf-8") if args.stdin else ""
        tests = read_tests(args.tests) if args.tests else ()
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return _fail(f"cannot read input: {exc}")
    request = RunRequest(language=args.language, source=source, stdin=stdin, tests=tests)

    async def main() -> RunResult:
        engine = DockerEngine(EngineSettings.load(pool_enabled=False))
        await engine.start()
        try:
            return await engine.run(request)
        finally:
            await engine.close()

    try:
        result = asyncio.run(main())
    except (EngineError, CatalogueError, SettingsError) as exc:
        return _fail(exc.message if isinstance(exc, EngineError) else str(exc))
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    elif result.tests is not None:
        print(test_table(result))
    else:
        _print_readable(result)
    return 0 if result.status in {Verdict.OK, Verdict.ACCEPTED} else 1


def read_tests(folder: Path) -> tuple[TestCase, ...]:
    """``NAME.in`` (stdin) / ``NAME.out`` (expected stdout) pairs, in name order; a lone
    ``.in`` is a test without an expected output, a lone ``.out`` one with an empty stdin."""
    if not folder.is_dir():
        raise ValueError(f"{folder} is not a folder")
    names = sorted(
        {p.stem for p in folder.iterdir() if p.suffix in {".in", ".out"} and p.is_file()},
        key=_natural,
    )
    if not names:
        raise ValueError(f"{folder} holds no NAME.in / NAME.out files")
    tests = []
    for name in names:
        given, wanted = folder / f"{name}.in", folder / f"{name}.out"
        tests.append(
            TestCase(
                stdin=given.read_text(encoding="utf-8") if given.exists() else "",
                expected_stdout=wanted.read_text(encoding="utf-8") if wanted.exists() else None,
                name=name,
            )
        )
    return tuple(tests)


def _natural(name: str) -> list[int | str]:
    """``2`` before ``10``."""
    import re

    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def test_table(result: RunResult) -> str:
    """One line per test, then the submission's verdict and passed/total."""
    rows = [f"{'TEST':<20} {'STATUS':<14} {'WALL':>8} {'CPU':>8} {'MEMORY':>9}"]
    if result.compile is not None and result.status is Verdict.COMPILE_ERROR:
        rows.append(result.compile.stderr.rstrip() or result.compile.stdout.rstrip())
    for test in result.tests or ():
        stage = test.stage
        cpu = f"{stage.cpu_ms} ms" if stage.cpu_ms is not None else "-"
        memory = f"{stage.memory_kb // 1024} MiB" if stage.memory_kb is not None else "-"
        rows.append(
            f"{test.name[:20]:<20} {test.status.value:<14} {stage.wall_ms:>5} ms {cpu:>8}"
            f" {memory:>9}"
        )
    summary = f"-- {result.status.value}: {result.passed}/{result.total} passed"
    if result.message and result.status is not Verdict.ACCEPTED:
        summary += f" ({result.message})"
    rows.append(summary)
    return "\n".join(rows)


test_table.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def _print_readable(result: RunResult) -> None:
    for name, stage in (("compile", result.compile), ("run", result.run)):
        if stage is None:
            continue
        if stage.stdout:
            sys.stdout.write(stage.stdout if stage.stdout.endswith("\n") else stage.stdout + "\n")
        if stage.stderr:
            sys.stderr.write(stage.stderr if stage.stderr.endswith("\n") else stage.stderr + "\n")
        details = [f"{stage.wall_ms} ms"]
        if stage.exit_code is not None:
            details.append(f"exit {stage.exit_code}")
        if stage.signal:
            details.append(stage.signal)
        if stage.memory_kb is not None:
            details.append(f"{stage.memory_kb // 1024} MiB")
        print(f"-- {name}: {', '.join(details)}", file=sys.stderr)
    line = f"-- {result.status.value}"
    if result.message:
        line += f": {result.message}"
    print(line, file=sys.stderr)
