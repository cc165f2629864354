"""The language catalogue: ``config/languages.toml`` loaded into frozen dataclasses and validated.

Languages are data. ``[defaults]`` fills in whatever an entry leaves out; an entry without
``compile`` is interpreted. Everything is checked when the catalogue loads (at start-up), so a
typo stops the process with a message naming the entry and key instead of failing a user's run.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from runners.contract import LanguageInfo, UnknownLanguageError


class CatalogueError(ValueError):
    """The catalogue file is wrong; the message says where and how."""


@dataclass(frozen=True, slots=True)
class Limits:
    compile_timeout_ms: int
    run_timeout_ms: int
    memory_mb: int
    pids: int
    output_kb: int
    cpus: float
    nofile: int
    fsize_mb: int
    tmpfs_mb: int


# Hard sanity bounds for catalogue values (inclusive). Server-side maxima for requests are
# settings; these only catch nonsense such as a 0 ms timeout or a 1 TB memory limit.
LIMIT_BOUNDS: Mapping[str, tuple[float, float]] = {
    "compile_timeout_ms": (100, 300_000),
    "run_timeout_ms": (100, 300_000),
    "memory_mb": (16, 16_384),
    "pids": (8, 4096),
    "output_kb": (1, 16_384),
    "cpus": (0.1, 64),
    "nofile": (16, 65_536),
    "fsize_mb": (1, 4096),
    "tmpfs_mb": (8, 4096),
}

_TEXT_KEYS = {
    "name", "version", "image", "source_file", "compile", "run", "warm", "stub", "smoke", "editor",
    "interactive_run", "repl",
}  # fmt: skip
"""``interactive_run``: the command of an interactive session (the room's terminal) when ``run``
would keep a prompt in a buffer on a pipe (C's stdio: ``stdbuf -i0 -oL`` makes glibc flush
line-buffered output before each read); absent: ``run``. ``repl``: the language's own REPL on a
pipe, the editor's code (``source_file``) loaded first; absent: no REPL mode."""
_FLAG_KEYS = {"strip_bom", "default"}
"""``strip_bom``: drop a byte-order mark the runtime writes first (Mono once a program sets
``Console.OutputEncoding`` to UTF-8). ``default``: a new room starts in this language."""
_DEFAULT_ONLY_KEYS = {"smoke_sentinel"}
_REQUIRED = ("name", "version", "image", "source_file", "run", "stub", "smoke")
_ID = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_SOURCE_FILE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True, slots=True)
class Language:
    id: str
    name: str
    version: str
    image: str
    source_file: str
    compile: str | None
    run: str
    warm: str | None
    stub: str
    smoke: str
    smoke_sentinel: str
    limits: Limits
    editor: str = "plain"
    strip_bom: bool = False
    default: bool = False
    interactive_run: str | None = None
    repl: str | None = None

    @property
    def compiled(self) -> bool:
        return self.compile is not None

    def info(self) -> LanguageInfo:
        return LanguageInfo(
            id=self.id,
            name=self.name,
            version=self.version,
            source_file=self.source_file,
            stub=self.stub,
            compiled=self.compiled,
            editor=self.editor,
            default=self.default,
        )

    def fingerprint(self) -> str:
        """What of this entry ends up inside its image (part of the image's content hash)."""
        return f"{self.id}\n{self.image}\n{self.version}"


@dataclass(frozen=True, slots=True)
class Catalogue:
    languages: Mapping[str, Language]

    def __iter__(self) -> Iterator[Language]:
        return iter(self.languages.values())

    def __len__(self) -> int:
        return len(self.languages)

    def get(self, language_id: str) -> Language:
        try:
            return self.languages[language_id]
        except KeyError:
            known = ", ".join(self.languages)
            raise UnknownLanguageError(
                f"unknown language {language_id!r}; known languages: {known}"
            ) from None

    def infos(self) -> list[LanguageInfo]:
        return [language.info() for language in self]


DEFAULT_SUITE = "trixie"


def load_catalogue(path: Path | str, suite: str = DEFAULT_SUITE) -> Catalogue:
    """``suite`` (``[engine] debian_suite``) fills ``{suite}`` in image names."""
    file = Path(path)
    try:
        with file.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise CatalogueError(f"language catalogue {file} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"language catalogue {file} is not valid TOML: {exc}") from None
    return parse_catalogue(data, where=str(file), suite=suite)


def parse_catalogue(
    data: Mapping[str, Any], where: str = "catalogue", suite: str = DEFAULT_SUITE
) -> Catalogue:
    extra = sorted(set(data) - {"defaults", "languages"})
    if extra:
        raise CatalogueError(f"{where}: unknown top-level table(s): {', '.join(extra)}")
    defaults = data.get("defaults", {})
    entries = data.get("languages")
    if not isinstance(defaults, Mapping) or not isinstance(entries, Mapping) or not entries:
        raise CatalogueError(f"{where}: needs a [defaults] table and at least one [languages.<id>]")
    _check_keys(defaults, f"{where} [defaults]", allow_default_only=True)
    if "default" in defaults:
        raise CatalogueError(f"{where} [defaults]: default names one language, not all of them")
    languages: dict[str, Language] = {}
    for language_id, entry in entries.items():
        context = f"{where} [languages.{language_id}]"
        if not _ID.match(language_id):
            raise CatalogueError(f"{context}: id must be lowercase letters, digits or '_'")
        if not isinstance(entry, Mapping):
            raise CatalogueError(f"{context}: must be a table")
        _check_keys(entry, context, allow_default_only=False)
        languages[language_id] = _build(language_id, {**defaults, **entry}, context, suite)
    chosen = [language.id for language in languages.values() if language.default]
    if len(chosen) > 1:
        raise CatalogueError(f"{where}: only one language may be the default, not {chosen}")
    if not chosen:  # the first entry, then
        first = next(iter(languages))
        languages[first] = replace(languages[first], default=True)
    return Catalogue(languages=languages)


def _check_keys(table: Mapping[str, Any], context: str, *, allow_default_only: bool) -> None:
    allowed = (
        _TEXT_KEYS | _FLAG_KEYS | set(LIMIT_BOUNDS)
        | (_DEFAULT_ONLY_KEYS if allow_default_only else set())
    )  # fmt: skip
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise CatalogueError(f"{context}: unknown key(s) {', '.join(unknown)}")


def _build(language_id: str, merged: Mapping[str, Any], context: str, suite: str) -> Language:
    for key in _REQUIRED:
        value = merged.get(key)
        if not isinstance(value, str) or not value.strip():
            raise CatalogueError(f"{context}: {key} must be a non-empty string")
    for key in ("compile", "warm", "interactive_run", "repl"):
        if key in merged and (not isinstance(merged[key], str) or not merged[key].strip()):
            raise CatalogueError(f"{context}: {key}, when present, must be a non-empty command")
    for key in _FLAG_KEYS:
        if not isinstance(merged.get(key, False), bool):
            raise CatalogueError(f"{context}: {key} must be true or false")
    editor = merged.get("editor", "plain")
    if not isinstance(editor, str) or not re.fullmatch(r"[a-z][a-z0-9_-]{0,31}", editor):
        raise CatalogueError(f"{context}: editor must be a mode name such as 'python'")
    source_file = merged["source_file"]
    if not _SOURCE_FILE.match(source_file) or ".." in source_file:
        raise CatalogueError(
            f"{context}: source_file must be a plain file name, not {source_file!r}"
        )
    sentinel = merged.get("smoke_sentinel", "")
    if not isinstance(sentinel, str) or not sentinel:
        raise CatalogueError(f"{context}: smoke_sentinel must be a non-empty string")
    limits: dict[str, Any] = {}
    for key, (low, high) in LIMIT_BOUNDS.items():
        value = merged.get(key)
        if value is None:
            raise CatalogueError(f"{context}: limit {key} is missing (and not in [defaults])")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise CatalogueError(f"{context}: limit {key} must be a number, not {value!r}")
        if key != "cpus" and not isinstance(value, int):
            raise CatalogueError(f"{context}: limit {key} must be a whole number, not {value!r}")
        if not low <= value <= high:
            raise CatalogueError(f"{context}: limit {key}={value} is outside {low:g}..{high:g}")
        limits[key] = float(value) if key == "cpus" else value
    return Language(
        id=language_id,
        name=merged["name"],
        version=merged["version"],
        image=merged["image"].replace("{id}", language_id).replace("{suite}", suite),
        source_file=source_file,
        compile=merged.get("compile"),
        run=merged["run"],
        warm=merged.get("warm"),
        stub=merged["stub"],
        smoke=merged["smoke"],
        smoke_sentinel=sentinel,
        limits=Limits(**limits),
        editor=editor,
        strip_bom=merged.get("strip_bom", False),
        default=merged.get("default", False),
        interactive_run=merged.get("interactive_run"),
        repl=merged.get("repl"),
    )


def limit_names() -> list[str]:
    return [f.name for f in fields(Limits)]


def with_limits(language: Language, **changes: Any) -> Language:
    return replace(language, limits=replace(language.limits, **changes))
