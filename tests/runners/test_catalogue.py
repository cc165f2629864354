"""The catalogue loader: the real file loads; every kind of mistake stops with a clear message."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import pytest

from runners.catalogue import CatalogueError, load_catalogue, parse_catalogue
from runners.contract import UnknownLanguageError
from runners.settings import REPO_ROOT
from tests.runners.programs import load_programs

CATALOGUE = REPO_ROOT / "config" / "languages.toml"
SOME_IDS = [
    "c",
    "cpp",
    "java",
    "python",
    "csharp",
    "go",
    "javascript",
    "node",
    "php",
    "perl",
    "typescript",
    "kotlin",
    "ruby",
]


def raw() -> dict[str, Any]:
    with CATALOGUE.open("rb") as fh:
        return tomllib.load(fh)


def test_every_language_is_an_entry_and_an_image_folder() -> None:
    """A language is two things: its entry and ``images/<id>/`` (a Dockerfile, test programs)."""
    catalogue = load_catalogue(CATALOGUE)
    ids = [language.id for language in catalogue]
    assert ids[: len(SOME_IDS)] == SOME_IDS  # the first ones, in order; more may follow
    for language in catalogue:
        assert language.version and language.stub and language.smoke
        assert (REPO_ROOT / "images" / language.id / "Dockerfile").is_file()
        assert load_programs(language, REPO_ROOT / "images") is not None, language.id
        assert language.image == f"onsite/{language.id}:trixie"
        assert language.editor != "plain", f"{language.id} names no editor mode"


def test_editor_quirks_and_default_are_catalogue_keys() -> None:
    catalogue = load_catalogue(CATALOGUE)
    assert [language.id for language in catalogue if language.strip_bom] == ["csharp"]
    assert [language.id for language in catalogue if language.default] == ["python"]
    info = catalogue.get("node").info().to_dict()
    assert (info["editor"], info["default"]) == ("javascript", False)


def test_interpreted_means_no_compile_command() -> None:
    catalogue = load_catalogue(CATALOGUE)
    compiled = {language.id for language in catalogue if language.compiled}
    assert {"c", "cpp", "java", "csharp", "go", "typescript", "kotlin"} <= compiled
    assert not compiled & {"python", "javascript", "node", "php", "perl", "ruby"}
    assert catalogue.get("python").compile is None


def test_defaults_fill_in_and_entries_override() -> None:
    catalogue = load_catalogue(CATALOGUE)
    assert catalogue.get("python").limits.memory_mb == raw()["defaults"]["memory_mb"]
    assert catalogue.get("java").limits.memory_mb == 512


def test_unknown_language_names_the_known_ones() -> None:
    with pytest.raises(UnknownLanguageError, match=r"cobol.*python"):
        load_catalogue(CATALOGUE).get("cobol")


def _mutated(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(raw())
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["languages"]["python"].update(colour="blue"), r"python.*unknown key.*colour"),
        (lambda d: d["defaults"].update(colour="blue"), r"defaults.*unknown key.*colour"),
        (lambda d: d["languages"]["python"].update(run="  "), r"python.*run must be a non-empty"),
        (lambda d: d["languages"]["go"].update(compile=""), r"go.*compile.*non-empty"),
        (lambda d: d["languages"]["c"].update(memory_mb=0), r"c\].*memory_mb=0 is outside"),
        (lambda d: d["languages"]["c"].update(run_timeout_ms=10**9), r"run_timeout_ms.*outside"),
        (lambda d: d["languages"]["c"].update(pids="many"), r"pids must be a number"),
        (lambda d: d["languages"]["c"].update(pids=True), r"pids must be a number"),
        (lambda d: d["languages"]["c"].update(pids=12.5), r"pids must be a whole number"),
        (lambda d: d["languages"]["c"].update(source_file="../etc/passwd"), r"plain file name"),
        (lambda d: d["languages"]["c"].update(source_file="a/b.c"), r"plain file name"),
        (lambda d: d["languages"].update(Bad={"name": "x"}), r"id must be lowercase"),
        (lambda d: d["languages"]["ruby"].pop("version"), r"ruby.*version must be"),
        (lambda d: d.update(extra={}), r"unknown top-level"),
        (lambda d: d.update(languages={}), r"at least one"),
        (lambda d: d["languages"]["c"].update(editor="C++!"), r"editor must be a mode name"),
        (lambda d: d["languages"]["c"].update(strip_bom="yes"), r"strip_bom must be true or"),
        (lambda d: d["languages"]["c"].update(default=True), r"only one language may be"),
        (lambda d: d["defaults"].update(default=True), r"default names one language"),
    ],
)
def test_mistakes_stop_with_a_clear_message(change: Any, message: str) -> None:
    with pytest.raises(CatalogueError, match=message):
        parse_catalogue(_mutated(change))


def test_missing_or_broken_file(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="does not exist"):
        load_catalogue(tmp_path / "nope.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[defaults\n")
    with pytest.raises(CatalogueError, match="not valid TOML"):
        load_catalogue(broken)


def test_public_info_matches_the_entry() -> None:
    info = load_catalogue(CATALOGUE).get("kotlin").info()
    assert info.to_dict()["compiled"] is True
    assert info.source_file == "Main.kt"
    assert "2.4.20" in info.version
