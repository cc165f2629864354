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


def _sum_tests(folder: Path) -> None:
    folder.mkdir()
    for name, given, wanted in [("1", "1 2", "3"), ("2", "5 5", "10"), ("10", "2 2", "5")]:
        (folder / f"{name}.in").write_text(given + "\n")
        (folder / f"{name}.out").write_text(wanted + "\n")
    (folder / "no-expectation.in").write_text("0 0\n")


def test_read_tests_pairs_in_and_out_in_natural_order(tmp_path: Path) -> None:
    from runners.cli import read_tests

    _sum_tests(tmp_path / "t")
    tests = read_tests(tmp_path / "t")
    assert [t.name for t in tests] == ["1", "2", "10", "no-expectation"]
    assert (tests[2].stdin, tests[2].expected_stdout) == ("2 2\n", "5\n")
    assert tests[3].expected_stdout is None
    with pytest.raises(ValueError, match="holds no"):
        read_tests(tmp_path)


@pytest.mark.docker
def test_run_tests_prints_a_table_and_json(tmp_path: Path) -> None:
    _sum_tests(tmp_path / "t")
    source = tmp_path / "main.py"
    source.write_text("a, b = map(int, input().split())\nprint(a + b)\n")
    table = onsite("run", "--language", "python", "--tests", str(tmp_path / "t"), str(source))
    assert table.returncode == 1, table.stderr  # test 10 expects a wrong sum
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["TEST", "STATUS", "WALL", "CPU", "MEMORY"]
    assert [line.split()[:2] for line in lines[1:5]] == [
        ["1", "ok"], ["2", "ok"], ["10", "wrong_answer"], ["no-expectation", "ok"],
    ]  # fmt: skip
    assert lines[-1] == "-- wrong_answer: 3/4 passed"
    data = json.loads(
        onsite(
            "run", "--language", "python", "--tests", str(tmp_path / "t"), "--json", str(source)
        ).stdout
    )
    assert data["status"] == "wrong_answer" and (data["passed"], data["total"]) == (3, 4)
    assert data["tests"][2]["expected_stdout"] == "5\n" and data["run"] is None
