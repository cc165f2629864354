"""The plain-files format of questions: read, write, round-trip, and every way to get it wrong."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from server.questions import bundle
from server.questions.bundle import BundleError, read_files, read_folder, read_zip, write_zip

LANGUAGES = {"python": ".py", "c": ".c", "java": ".java"}
EXAMPLES = Path(__file__).resolve().parents[3] / "config" / "questions"


def one_question(**extra: bytes) -> dict[str, bytes]:
    files = {
        "question.toml": b'title = "Sum"\ndifficulty = "easy"\ntags = ["math"]\n'
        b"[tests.big]\nhidden = true\nweight = 3\nlimits = { run_timeout_ms = 500 }\n",
        "prompt.md": b"# Sum\nAdd two numbers.\n",
        "starter/python.py": b"print(sum(map(int, input().split())))\n",
        "tests/small.in": b"1 2\n",
        "tests/small.out": b"3\n",
        "tests/big.in": b"1000 2000\n",
        "tests/big.out": b"3000\n",
    }
    files.update(extra)
    return files


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_reads_one_question() -> None:
    [question] = read_files(one_question(), LANGUAGES)
    assert question.title == "Sum"
    assert question.difficulty == "easy"
    assert question.tags == ("math",)
    assert question.starters == {"python": "print(sum(map(int, input().split())))\n"}
    big, small = question.tests
    assert (big.name, big.hidden, big.weight, dict(big.limits)) == (
        "big", True, 3, {"run_timeout_ms": 500}
    )  # fmt: skip
    assert (small.stdin, small.expected_stdout, small.hidden) == ("1 2\n", "3\n", False)
    assert question.comparison.mode == "trailing_whitespace"


def test_a_test_without_output_only_runs() -> None:
    files = one_question(**{"tests/extra.in": b"5 5\n"})
    [question] = read_files(files, LANGUAGES)
    extra = next(t for t in question.tests if t.name == "extra")
    assert extra.expected_stdout is None


def test_round_trip_through_a_zip() -> None:
    [question] = read_files(one_question(**{"guide.md": b"Look for O(1).\n"}), LANGUAGES)
    again = read_zip(write_zip([question, question], LANGUAGES), LANGUAGES)
    assert again == [question, question]


def test_the_shipped_examples_read_and_have_starters_for_every_language() -> None:
    extensions = {p.stem: p.suffix for p in EXAMPLES.glob("*/starter/*")}
    questions = read_folder(EXAMPLES, extensions)
    assert sorted(q.title for q in questions) == ["Balanced Brackets", "LRU Cache", "Two Sum"]
    for question in questions:
        assert len(question.starters) >= 14
        assert any(t.hidden for t in question.tests)
        assert all(t.expected_stdout for t in question.tests)
        assert question.guide


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"question.toml": b'title = "x"\ncolour = "red"\n'}, "unknown key 'colour'"),
        ({"question.toml": b'title = "x"\ndifficulty = "brutal"\n'}, "difficulty must be"),
        ({"question.toml": b"title = \n"}, "not valid TOML"),
        ({"question.toml": b'title = "x"\n[tests.small]\nsecret = 1\n'}, "unknown key 'secret'"),
        ({"question.toml": b'title = "x"\n[tests.nope]\nhidden = true\n'}, "nope.in is missing"),
        ({"question.toml": b'title = "x"\n[comparison]\nmode = "fuzzy"\n'}, "comparison mode"),
        ({"prompt.md": b"caf\xe9\n"}, "not UTF-8"),
        ({"prompt.md": b"a\x00b"}, "NUL"),
        ({"prompt.md": b"x" * (bundle.PROMPT_MAX_BYTES + 1)}, "over the limit"),
        ({"starter/cobol.cob": b"DISPLAY 'HI'."}, "'cobol' is not a language"),
        ({"starter/python.rb": b"puts 1"}, "is named starter/python.py"),
        ({"tests/lonely.out": b"1\n"}, "lonely.in is missing"),
        ({"tests/bad name.in": b"1\n"}, "test names are"),
        ({"notes.txt": b"hello"}, "not part of a question"),
        ({"../escape/question.toml": b'title = "x"\n'}, "unsafe path"),
        ({"/etc/question.toml": b'title = "x"\n'}, "unsafe path"),
    ],
)
def test_refuses_with_a_message_naming_the_file(change: dict[str, bytes], message: str) -> None:
    with pytest.raises(BundleError, match=message):
        read_files(one_question(**change), LANGUAGES)


def test_refuses_too_many_tests() -> None:
    many = {f"tests/t{i}.in": b"1\n" for i in range(bundle.TESTS_MAX + 1)}
    with pytest.raises(BundleError, match=f"at most {bundle.TESTS_MAX}"):
        read_files(one_question(**many), LANGUAGES)


def test_refuses_a_bundle_without_questions_and_a_mixed_one() -> None:
    with pytest.raises(BundleError, match=r"no question\.toml"):
        read_files({"prompt.md": b"x"}, LANGUAGES)
    mixed = {**one_question(), **{f"inner/{k}": v for k, v in one_question().items()}}
    with pytest.raises(BundleError, match="not both"):
        read_files(mixed, LANGUAGES)


def test_zip_refusals() -> None:
    with pytest.raises(BundleError, match="not a ZIP"):
        read_zip(b"PK\x03\x04 not really", LANGUAGES)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in one_question().items():
            archive.writestr(f"q/{name}", data)
        link = zipfile.ZipInfo("q/tests/link.in")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(BundleError, match="symbolic links"):
        read_zip(buffer.getvalue(), LANGUAGES)


def test_zip_bomb_stops_at_the_declared_total() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in one_question().items():
            archive.writestr(name, data)
        archive.writestr("tests/huge.in", b"0" * (bundle.BUNDLE_MAX_BYTES + 1))
    assert len(buffer.getvalue()) < 100_000
    with pytest.raises(BundleError, match="unpacks to more than"):
        read_zip(buffer.getvalue(), LANGUAGES)


def test_a_folder_of_questions_in_a_wrapping_folder(tmp_path: Path) -> None:
    for folder in ("questions/sum", "questions/sum-again"):
        for name, data in one_question().items():
            path = tmp_path / folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    assert [q.title for q in read_folder(tmp_path, LANGUAGES)] == ["Sum", "Sum"]
