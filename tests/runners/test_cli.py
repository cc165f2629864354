"""The engine's CLI commands, run as a user would (a real process, the real engine)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from runners.catalogue import load_catalogue
from runners.settings import EngineSettings


def onsite(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


def test_languages_lists_id_name_and_version() -> None:
    result = onsite("languages")
    assert result.returncode == 0, result.stderr
    catalogue = load_catalogue(EngineSettings.load().catalogue_path)
    lines = result.stdout.splitlines()[1:]
    assert len(lines) == len(catalogue)
    for line, language in zip(lines, catalogue, strict=True):
        assert line.split()[0] == language.id and language.version in line


def test_run_unknown_language_fails_clearly(tmp_path: Path) -> None:
    source = tmp_path / "x.bf"
    source.write_text("+")
    result = onsite("run", "--language", "brainfuck", str(source))
    assert result.returncode == 2
    assert "unknown language 'brainfuck'" in result.stderr


def test_run_missing_file_fails_clearly(tmp_path: Path) -> None:
    result = onsite("run", "--language", "python", str(tmp_path / "absent.py"))
    assert result.returncode == 2 and "cannot read input" in result.stderr


@pytest.mark.docker
def test_run_json_with_stdin(tmp_path: Path) -> None:
    source = tmp_path / "main.py"
    source.write_text("print('got', input())\n")
    stdin = tmp_path / "in.txt"
    stdin.write_text("ü\n")
    result = onsite("run", "--language", "python", "--stdin", str(stdin), "--json", str(source))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["status"] == "ok" and data["run"]["stdout"] == "got ü\n"
    assert data["compile"] is None


@pytest.mark.docker
def test_run_readable_failure_exits_non_zero(tmp_path: Path) -> None:
    source = tmp_path / "main.c"
    source.write_text("int main(void) { return nope; }\n")
    result = onsite("run", "--language", "c", str(source))
    assert result.returncode == 1
    assert "compile_error" in result.stderr and "nope" in result.stderr


@pytest.mark.docker
def test_images_list_and_test_one_language() -> None:
    listing = onsite("images", "list")
    assert listing.returncode == 0, listing.stderr
    assert "onsite/python:trixie" in listing.stdout and "fresh" in listing.stdout
    tested = onsite("images", "test", "python", "ruby")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert tested.stdout.count("pass ") == 4
