"""A question as plain files, so a company can keep its questions in git. Pure: bytes in and out.

One question is a folder::

    question.toml          title, difficulty, tags, comparison, per-test options
    prompt.md              the prompt both sides see (Markdown)
    guide.md               the interviewer-only guide (optional)
    starter/<lang>.<ext>   starter code per language id (``starter/python.py``)
    tests/<NAME>.in        a test's standard input
    tests/<NAME>.out       its expected standard output (optional: a test without one only runs)

Tests run in the order of their ``[tests.NAME]`` tables in ``question.toml``, then by name.

A bundle is one such folder, or a folder (or ZIP) of them. Reading is all or nothing: any
problem (an unknown key, a path that climbs out, a file that is not UTF-8, a size over its bound,
an unknown language) raises ``BundleError`` naming the file, and nothing is imported.
"""

from __future__ import annotations

import io
import re
import stat
import tomllib
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

PROMPT_MAX_BYTES = 64 * 1024
GUIDE_MAX_BYTES = 64 * 1024
STARTER_MAX_BYTES = 64 * 1024
TEST_FILE_MAX_BYTES = 256 * 1024
TESTS_MAX = 100
TESTS_TOTAL_MAX_BYTES = 4 * 1024 * 1024
BUNDLE_MAX_BYTES = 32 * 1024 * 1024
"""Uncompressed, all files together: a ZIP bomb stops here, not in memory."""
BUNDLE_MAX_FILES = 5_000
QUESTIONS_MAX = 200
TITLE_MAX = 200
TAGS_MAX = 20
DIFFICULTIES = ("easy", "medium", "hard")
COMPARISONS = ("exact", "trailing_whitespace", "tokens", "float")
TEST_LIMIT_KEYS = frozenset({"run_timeout_ms", "memory_mb"})
TOP_KEYS = frozenset({"title", "difficulty", "tags", "comparison", "tests"})
COMPARISON_KEYS = frozenset({"mode", "abs_tolerance", "rel_tolerance"})
TEST_KEYS = frozenset({"hidden", "weight", "limits"})
TEST_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
SLUG = re.compile(r"[^a-z0-9]+")


class BundleError(ValueError):
    """The bundle cannot be imported; the message names the file and what is wrong."""


@dataclass(frozen=True, slots=True)
class BundleTest:
    name: str
    stdin: str
    expected_stdout: str | None = None
    hidden: bool = False
    weight: int = 1
    limits: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Comparison:
    mode: str = "trailing_whitespace"
    abs_tolerance: float = 1e-6
    rel_tolerance: float = 1e-6


@dataclass(frozen=True, slots=True)
class QuestionFiles:
    """One question's content, as read from (or written to) its files."""

    title: str
    prompt: str
    difficulty: str = "medium"
    tags: tuple[str, ...] = ()
    guide: str = ""
    starters: Mapping[str, str] = field(default_factory=dict)
    tests: tuple[BundleTest, ...] = ()
    comparison: Comparison = field(default_factory=Comparison)

    def slug(self) -> str:
        return SLUG.sub("-", self.title.casefold()).strip("-")[:60] or "question"


# ---- reading ----------------------------------------------------------------------------------


def _text(path: str, data: bytes, limit: int) -> str:
    if len(data) > limit:
        raise BundleError(f"{path}: {len(data)} bytes is over the limit of {limit}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BundleError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if "\x00" in text:
        raise BundleError(f"{path}: contains a NUL character")
    return text.removeprefix("\ufeff")


def _unknown(where: str, keys: Iterable[str], known: frozenset[str]) -> None:
    extra = sorted(set(keys) - known)
    if extra:
        raise BundleError(
            f"{where}: unknown key {extra[0]!r}; known keys: {', '.join(sorted(known))}"
        )


def _manifest(path: str, data: bytes) -> dict[str, Any]:
    try:
        table = tomllib.loads(_text(path, data, 64 * 1024))
    except tomllib.TOMLDecodeError as exc:
        raise BundleError(f"{path}: not valid TOML: {exc}") from None
    _unknown(path, table, TOP_KEYS)
    return table


def _comparison(path: str, raw: Any) -> Comparison:
    if raw is None:
        return Comparison()
    if isinstance(raw, str):
        raw = {"mode": raw}
    if not isinstance(raw, dict):
        raise BundleError(f"{path}: comparison must be a mode name or a table")
    _unknown(f"{path} [comparison]", raw, COMPARISON_KEYS)
    mode = raw.get("mode", "trailing_whitespace")
    if mode not in COMPARISONS:
        raise BundleError(
            f"{path}: comparison mode {mode!r} is not one of {', '.join(COMPARISONS)}"
        )
    values: dict[str, float] = {}
    for key in ("abs_tolerance", "rel_tolerance"):
        if key in raw:
            value = raw[key]
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1:
                raise BundleError(f"{path}: comparison {key} must be a number in [0, 1)")
            values[key] = float(value)
    return Comparison(mode, **values)


def _test_options(path: str, raw: Any) -> dict[str, dict[str, Any]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise BundleError(f"{path}: [tests] must be a table of test names")
    for name, options in raw.items():
        if not isinstance(options, dict):
            raise BundleError(f"{path}: [tests.{name}] must be a table")
        _unknown(f"{path} [tests.{name}]", options, TEST_KEYS)
        if "hidden" in options and not isinstance(options["hidden"], bool):
            raise BundleError(f"{path}: [tests.{name}] hidden must be true or false")
        weight = options.get("weight", 1)
        if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= 100:
            raise BundleError(f"{path}: [tests.{name}] weight must be a whole number 1-100")
        limits = options.get("limits", {})
        if not isinstance(limits, dict):
            raise BundleError(f"{path}: [tests.{name}] limits must be a table")
        _unknown(f"{path} [tests.{name}.limits]", limits, TEST_LIMIT_KEYS)
        for key, value in limits.items():
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise BundleError(f"{path}: [tests.{name}.limits] {key} must be a positive integer")
    return raw


def _question(root: str, files: Mapping[str, bytes], languages: Mapping[str, str]) -> QuestionFiles:
    """``files`` are this question's, keyed by their path below ``root``."""
    where = f"{root}/" if root else ""
    if "prompt.md" not in files:
        raise BundleError(f"{where}prompt.md is missing")
    table = _manifest(f"{where}question.toml", files["question.toml"])
    title = table.get("title")
    if not isinstance(title, str) or not title.strip() or len(title) > TITLE_MAX:
        raise BundleError(f"{where}question.toml: title must be text of 1-{TITLE_MAX} characters")
    difficulty = table.get("difficulty", "medium")
    if difficulty not in DIFFICULTIES:
        raise BundleError(
            f"{where}question.toml: difficulty must be one of {', '.join(DIFFICULTIES)}"
        )
    tags = table.get("tags", [])
    if (
        not isinstance(tags, list)
        or len(tags) > TAGS_MAX
        or not all(isinstance(t, str) and 0 < len(t.strip()) <= 40 for t in tags)
    ):
        raise BundleError(f"{where}question.toml: tags must be at most {TAGS_MAX} short texts")
    options = _test_options(f"{where}question.toml", table.get("tests"))
    by_extension = {ext: lang for lang, ext in languages.items()}
    starters: dict[str, str] = {}
    inputs: dict[str, str] = {}
    outputs: dict[str, str] = {}
    for name, data in sorted(files.items()):
        path = PurePosixPath(name)
        shown = f"{where}{name}"
        if name in ("question.toml", "prompt.md", "guide.md"):
            continue
        if len(path.parts) == 2 and path.parts[0] == "starter":
            language = path.stem
            if language not in languages:
                raise BundleError(f"{shown}: {language!r} is not a language of this server")
            if path.suffix != languages[language]:
                expected = f"starter/{language}{languages[language]}"
                raise BundleError(f"{shown}: the starter for {language} is named {expected}")
            starters[language] = _text(shown, data, STARTER_MAX_BYTES)
        elif len(path.parts) == 2 and path.parts[0] == "tests" and path.suffix in (".in", ".out"):
            if not TEST_NAME.match(path.stem):
                raise BundleError(f"{shown}: test names are letters, digits, '_', '-', '.'")
            target = inputs if path.suffix == ".in" else outputs
            target[path.stem] = _text(shown, data, TEST_FILE_MAX_BYTES)
        else:
            hint = " (a starter's name is its language id)" if path.suffix in by_extension else ""
            raise BundleError(f"{shown}: not part of a question{hint}")
    orphans = sorted(set(outputs) - set(inputs)) + sorted(set(options) - set(inputs))
    if orphans:
        raise BundleError(f"{where}tests/{orphans[0]}.in is missing")
    if len(inputs) > TESTS_MAX:
        raise BundleError(f"{where}tests: {len(inputs)} tests; at most {TESTS_MAX}")
    total = sum(len(t.encode()) for t in [*inputs.values(), *outputs.values()])
    if total > TESTS_TOTAL_MAX_BYTES:
        raise BundleError(f"{where}tests: {total} bytes in all; at most {TESTS_TOTAL_MAX_BYTES}")
    tests = tuple(
        BundleTest(
            name=name,
            stdin=inputs[name],
            expected_stdout=outputs.get(name),
            hidden=bool(options.get(name, {}).get("hidden", False)),
            weight=int(options.get(name, {}).get("weight", 1)),
            limits=dict(options.get(name, {}).get("limits", {})),
        )
        for name in [*[n for n in options if n in inputs], *sorted(set(inputs) - set(options))]
    )
    return QuestionFiles(
        title=title.strip(),
        prompt=_text(f"{where}prompt.md", files["prompt.md"], PROMPT_MAX_BYTES),
        difficulty=difficulty,
        tags=tuple(t.strip() for t in tags),
        guide=_text(f"{where}guide.md", files["guide.md"], GUIDE_MAX_BYTES)
        if "guide.md" in files
        else "",
        starters=starters,
        tests=tests,
        comparison=_comparison(f"{where}question.toml", table.get("comparison")),
    )


def _safe_path(name: str) -> str:
    path = PurePosixPath(name.replace("\\", "/"))
    if name.startswith(("/", "\\")) or path.is_absolute() or ".." in path.parts or ":" in name:
        raise BundleError(f"{name}: unsafe path (absolute or climbing out of the bundle)")
    return str(path)


def read_files(files: Mapping[str, bytes], languages: Mapping[str, str]) -> list[QuestionFiles]:
    """Questions from a map of relative paths to contents. ``languages`` maps each language id
    of the catalogue to its source extension (``{"python": ".py"}``)."""
    if len(files) > BUNDLE_MAX_FILES:
        raise BundleError(f"the bundle has {len(files)} files; at most {BUNDLE_MAX_FILES}")
    clean = {_safe_path(name): data for name, data in files.items()}
    roots = sorted(
        {str(PurePosixPath(n).parent) for n in clean if PurePosixPath(n).name == "question.toml"}
    )
    if not roots:
        raise BundleError("no question.toml in the bundle")
    if len(roots) > QUESTIONS_MAX:
        raise BundleError(f"the bundle has {len(roots)} questions; at most {QUESTIONS_MAX}")
    if "." in roots and len(roots) > 1:
        raise BundleError("a bundle is one question or a folder of questions, not both")
    owned: dict[str, dict[str, bytes]] = {root: {} for root in roots}
    for name, data in clean.items():
        parents = [r for r in roots if r == "." or name.startswith(r + "/")]
        if not parents:
            raise BundleError(f"{name}: not inside a question folder (one with question.toml)")
        root = max(parents, key=len)
        owned[root][name if root == "." else name[len(root) + 1 :]] = data
    return [
        _question("" if root == "." else root, owned[root], languages) for root in sorted(owned)
    ]


def read_zip(data: bytes, languages: Mapping[str, str]) -> list[QuestionFiles]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise BundleError("not a ZIP file") from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > BUNDLE_MAX_FILES:
            raise BundleError(f"the ZIP has {len(infos)} files; at most {BUNDLE_MAX_FILES}")
        total = 0
        files: dict[str, bytes] = {}
        for info in infos:
            name = _safe_path(info.filename)
            if stat.S_ISLNK(info.external_attr >> 16):
                raise BundleError(f"{name}: symbolic links are not allowed")
            total += info.file_size
            if total > BUNDLE_MAX_BYTES:
                raise BundleError(f"the ZIP unpacks to more than {BUNDLE_MAX_BYTES} bytes")
            with archive.open(info) as member:
                # Read one byte past the declared size: a lying header does not get further.
                content = member.read(info.file_size + 1)
            if len(content) > info.file_size:
                raise BundleError(f"{name}: larger than its ZIP header says")
            files[name] = content
    return read_files(files, languages)


def read_folder(folder: Path, languages: Mapping[str, str]) -> list[QuestionFiles]:
    if not folder.is_dir():
        raise BundleError(f"{folder}: not a folder")
    files: dict[str, bytes] = {}
    total = 0
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if any(part.startswith(".") for part in PurePosixPath(relative).parts):
            continue  # .git, editor files
        if path.is_symlink():
            raise BundleError(f"{relative}: symbolic links are not allowed")
        if path.is_file():
            total += path.stat().st_size
            if total > BUNDLE_MAX_BYTES:
                raise BundleError(f"{folder}: more than {BUNDLE_MAX_BYTES} bytes")
            files[relative] = path.read_bytes()
    return read_files(files, languages)


# ---- writing ----------------------------------------------------------------------------------


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(c if c >= " " or c == "\t" else f"\\u{ord(c):04x}" for c in escaped)
    return f'"{escaped}"'


def _manifest_text(question: QuestionFiles) -> str:
    lines = [
        f"title = {_toml_string(question.title)}",
        f"difficulty = {_toml_string(question.difficulty)}",
        "tags = [" + ", ".join(_toml_string(t) for t in question.tags) + "]",
        "",
        "[comparison]",
        f"mode = {_toml_string(question.comparison.mode)}",
    ]
    if question.comparison.mode == "float":
        lines += [
            f"abs_tolerance = {question.comparison.abs_tolerance!r}",
            f"rel_tolerance = {question.comparison.rel_tolerance!r}",
        ]
    for test in question.tests:
        options = []
        if test.hidden:
            options.append("hidden = true")
        if test.weight != 1:
            options.append(f"weight = {test.weight}")
        if test.limits:
            inner = ", ".join(f"{k} = {v}" for k, v in sorted(test.limits.items()))
            options.append(f"limits = {{ {inner} }}")
        # Every test gets its table, options or not: the tables keep the tests' order.
        lines += ["", f"[tests.{_toml_string(test.name)}]", *options]
    return "\n".join(lines) + "\n"


def write_files(question: QuestionFiles, languages: Mapping[str, str]) -> dict[str, bytes]:
    """The files of one question (relative paths), readable back by ``read_files``."""
    files = {
        "question.toml": _manifest_text(question).encode(),
        "prompt.md": question.prompt.encode(),
    }
    if question.guide:
        files["guide.md"] = question.guide.encode()
    for language, code in sorted(question.starters.items()):
        files[f"starter/{language}{languages.get(language, '.txt')}"] = code.encode()
    for test in question.tests:
        files[f"tests/{test.name}.in"] = test.stdin.encode()
        if test.expected_stdout is not None:
            files[f"tests/{test.name}.out"] = test.expected_stdout.encode()
    return files


def write_zip(questions: Iterable[QuestionFiles], languages: Mapping[str, str]) -> bytes:
    """A ZIP with one folder per question (named by its slug, made unique)."""
    buffer = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for question in questions:
            folder, n = question.slug(), 2
            while folder in used:
                folder, n = f"{question.slug()}-{n}", n + 1
            used.add(folder)
            for name, data in write_files(question, languages).items():
                archive.writestr(f"{folder}/{name}", data)
    return buffer.getvalue()
