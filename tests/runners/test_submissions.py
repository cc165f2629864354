"""Submissions with test cases through the real engine: compiled once, each test a fresh process
in the same container, with its own input, limits and a clean working copy."""

from __future__ import annotations

import json

import pytest

from runners.contract import (
    Comparison,
    Judging,
    RequestedLimits,
    RunRequest,
    RunResult,
    SourceFile,
    TestCase,
    Verdict,
)
from tests.runners.conftest import EngineHarness

pytestmark = pytest.mark.docker

SUM = {
    "python": "a, b = map(int, input().split())\nprint(a + b)\n",
    "c": '#include <stdio.h>\nint main(void) { long a, b; if (scanf("%ld %ld", &a, &b) != 2)'
    ' return 1; printf("%ld\\n", a + b); return 0; }\n',
    "java": "import java.util.*;\npublic class Main { public static void main(String[] x) {"
    " Scanner s = new Scanner(System.in); System.out.println(s.nextLong() + s.nextLong()); } }\n",
    "node": "const [a, b] = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/).map(Number);"
    "\nconsole.log(a + b);\n",
}


def submit(
    harness: EngineHarness, language: str, source: str, *tests: TestCase, **kw: object
) -> RunResult:
    request = RunRequest(language, source, tests=tests, **kw)  # type: ignore[arg-type]
    return harness.call(harness.engine.run(request))


def sums(n: int) -> list[TestCase]:
    return [TestCase(stdin=f"{i} {i * 7}\n", expected_stdout=f"{i * 8}\n") for i in range(n)]


@pytest.mark.parametrize("language", sorted(SUM))
def test_sum_of_two_numbers_is_accepted(harness: EngineHarness, language: str) -> None:
    result = submit(harness, language, SUM[language], *sums(5))
    assert result.status is Verdict.ACCEPTED, result
    assert (result.passed, result.total) == (5, 5)
    assert result.tests is not None and [t.name for t in result.tests] == [
        f"test-{i}" for i in range(1, 6)
    ]
    assert all(t.stage.stdout == f"{i * 8}\n" for i, t in enumerate(result.tests))
    assert result.run is None
    assert (result.compile is not None) == harness.engine.catalogue.get(language).compiled
    wire = json.loads(json.dumps(result.to_dict()))
    assert wire["status"] == "accepted" and wire["passed"] == 5 and wire["total"] == 5


@pytest.mark.parametrize(
    ("language", "probe"),
    [
        (
            "c",
            "#include <stdio.h>\n#include <sys/stat.h>\nint main(void) { struct stat s;"
            ' stat("/work/main", &s); printf("%ld.%09ld %lu\\n", (long)s.st_mtim.tv_sec,'
            " (long)s.st_mtim.tv_nsec, (unsigned long)s.st_ino); return 0; }\n",
        ),
        (
            "java",
            "public class Main { public static void main(String[] a) {"
            ' java.io.File f = new java.io.File("/work/Main.class");'
            ' System.out.println(f.lastModified() + " " + f.length()); } }\n',
        ),
    ],
)
def test_compiled_once_for_every_test(harness: EngineHarness, language: str, probe: str) -> None:
    """Every test sees the very same compiled file (its time stamp and identity): one compile."""
    result = submit(harness, language, probe, *[TestCase() for _ in range(6)])
    assert result.status is Verdict.ACCEPTED, result
    assert result.tests is not None and result.compile is not None
    seen = {t.stage.stdout for t in result.tests}
    assert len(seen) == 1 and seen != {"\n"}, seen
    # Six runs cost far less than six compiles would.
    run_wall = sum(t.stage.wall_ms for t in result.tests)
    assert run_wall < 6 * result.compile.wall_ms, result


ISOLATION = """import os, subprocess, sys
seen = [p for p in ('/work/left', '/tmp/left', '/dev/shm/left', '/work/sub') if os.path.exists(p)]
others = [
    p for p in os.listdir('/proc')
    if p.isdigit() and int(p) != os.getpid() and os.stat('/proc/' + p).st_uid == os.getuid()
]
print('seen', seen, 'others', len(others))
try:
    open('/work/main.py', 'a').write('# changed')
    print('source WRITABLE')
except OSError:
    print('source read-only')
for path in ('/work/left', '/tmp/left', '/dev/shm/left'):
    open(path, 'w').write('x')
os.makedirs('/work/sub/deep')
os.chmod('/work/sub', 0)
subprocess.Popen(['bash', '-c', 'sleep 300'], start_new_session=True)
# Waits until this program is gone (reaped), then writes: only a survivor could.
subprocess.Popen(
    ['bash', '-c', 'while kill -0 $PPID 2>/dev/null; do sleep 0.02; done; sleep 0.5; echo LEAKED'],
    start_new_session=True,
)
"""


def test_nothing_one_test_leaves_reaches_the_next(harness: EngineHarness) -> None:
    result = submit(harness, "python", ISOLATION, TestCase(), TestCase(), TestCase())
    assert result.status is Verdict.ACCEPTED, result
    assert result.tests is not None
    for test in result.tests:
        # No process of the program's user but this one: nothing of the last test survives.
        assert test.stage.stdout == "seen [] others 0\nsource read-only\n", test
        assert "LEAKED" not in test.stage.stdout + test.stage.stderr


def test_each_test_has_its_own_limits(harness: EngineHarness) -> None:
    source = "import sys\nif input() == 'loop':\n    while True:\n        pass\nprint('fine')\n"
    result = submit(
        harness,
        "python",
        source,
        TestCase(stdin="go\n", expected_stdout="fine\n"),
        TestCase(stdin="loop\n", limits=RequestedLimits(run_timeout_ms=600)),
        TestCase(stdin="go\n", expected_stdout="fine\n"),
    )
    assert result.tests is not None
    assert [t.status for t in result.tests] == [Verdict.OK, Verdict.TIME_LIMIT, Verdict.OK]
    slow = result.tests[1]
    assert 600 <= slow.stage.wall_ms < 1500, slow
    assert slow.stage.signal == "SIGKILL" and slow.message is not None
    assert result.status is Verdict.TIME_LIMIT and (result.passed, result.total) == (2, 3)


def test_memory_and_output_limits_per_test(harness: EngineHarness) -> None:
    source = (
        "import sys\nkind = input()\n"
        "if kind == 'hog':\n    blocks = []\n    while True:\n"
        "        blocks.append(bytearray(8 << 20))\n"
        "if kind == 'flood':\n    while True:\n        sys.stdout.write('y' * 65536)\n"
        "print('fine')\n"
    )
    result = submit(
        harness,
        "python",
        source,
        TestCase(stdin="hog\n", limits=RequestedLimits(memory_mb=64)),
        TestCase(stdin="flood\n", limits=RequestedLimits(output_kb=8)),
        TestCase(stdin="ok\n", expected_stdout="fine\n"),
    )
    assert result.tests is not None
    statuses = [t.status for t in result.tests]
    assert statuses == [Verdict.MEMORY_LIMIT, Verdict.OUTPUT_LIMIT, Verdict.OK], result
    flood = result.tests[1].stage
    assert flood.stdout_truncated and len(flood.stdout) == 8 * 1024
    assert result.tests[2].stage.memory_kb is not None


def test_wrong_answer_and_comparison_modes(harness: EngineHarness) -> None:
    source = "print(input().strip() + '   ')\nprint()\n"
    tests = (
        TestCase(stdin="a b\n", expected_stdout="a b"),
        TestCase(stdin="a  b\n", expected_stdout="a b\n"),
        TestCase(stdin="x\n", expected_stdout="y\n"),
    )
    default = submit(harness, "python", source, *tests)
    assert default.tests is not None
    statuses = [t.status for t in default.tests]
    assert statuses == [Verdict.OK, Verdict.WRONG_ANSWER, Verdict.WRONG_ANSWER]
    assert default.status is Verdict.WRONG_ANSWER and default.passed == 1
    assert default.tests[2].expected_stdout == "y\n"
    tokens = submit(harness, "python", source, *tests, judging=Judging(Comparison.TOKENS))
    assert tokens.tests is not None
    assert [t.status for t in tokens.tests][:2] == [Verdict.OK, Verdict.OK]


def test_stop_on_first_failure(harness: EngineHarness) -> None:
    tests = [
        TestCase(stdin="1 1\n", expected_stdout="2\n"),
        TestCase(stdin="1 1\n", expected_stdout="3\n"),
        TestCase(stdin="2 2\n", expected_stdout="4\n"),
    ]
    result = submit(harness, "c", SUM["c"], *tests, judging=Judging(stop_on_first_failure=True))
    assert result.status is Verdict.WRONG_ANSWER
    assert result.tests is not None and len(result.tests) == 2
    assert (result.passed, result.total) == (1, 3)


def test_hidden_tests_input_is_not_in_the_container_before_its_turn(
    harness: EngineHarness,
) -> None:
    secret = "s3cr3t-" + "Z" * 20
    probe = (
        "import os, sys\n"
        "mine = sys.stdin.read()\n"
        f"secret = {secret[::-1]!r}[::-1].encode()\n"
        "found = []\n"
        "for root in ('/work', '/tmp', '/dev/shm', '/onsite', '/proc'):\n"
        "    for d, _, names in os.walk(root):\n"
        "        if d.startswith('/proc/') and d.count('/') > 2:\n            continue\n"
        "        for n in names:\n"
        "            p = os.path.join(d, n)\n"
        "            if p == '/work/main.py' or (d.startswith('/proc') and n not in"
        " ('cmdline', 'environ')):\n"
        "                continue\n"
        "            try:\n                data = open(p, 'rb').read(1 << 20)\n"
        "            except OSError:\n                continue\n"
        "            if secret in data:\n                found.append(p)\n"
        "print('mine', mine.strip(), 'found', found)\n"
    )
    result = submit(
        harness,
        "python",
        probe,
        TestCase(stdin="first\n", name="visible"),
        TestCase(stdin=secret + "\n", name="secret", hidden=True, expected_stdout="whatever\n"),
    )
    assert result.tests is not None and len(result.tests) == 2
    visible, hidden = result.tests
    assert visible.stage.stdout == "mine first found []\n", visible
    assert hidden.hidden and hidden.expected_stdout is None  # never shown
    assert hidden.status is Verdict.WRONG_ANSWER
    assert hidden.to_dict().get("expected_stdout") is None


def test_compile_error_runs_no_test(harness: EngineHarness) -> None:
    result = submit(harness, "c", "int main(void) { return x; }\n", *sums(3))
    assert result.status is Verdict.COMPILE_ERROR
    assert result.tests == () and (result.passed, result.total) == (0, 3)


def test_runtime_error_in_one_test(harness: EngineHarness) -> None:
    source = "n = int(input())\nprint(10 // n)\n"
    result = submit(
        harness,
        "python",
        source,
        TestCase(stdin="2\n", expected_stdout="5\n"),
        TestCase(stdin="0\n", expected_stdout="0\n"),
        TestCase(stdin="5\n", expected_stdout="2\n"),
    )
    assert result.tests is not None
    assert [t.status for t in result.tests] == [Verdict.OK, Verdict.RUNTIME_ERROR, Verdict.OK]
    assert "ZeroDivisionError" in result.tests[1].stage.stderr
    assert result.tests[1].stage.exit_code == 1


def test_args_are_passed_without_a_shell(harness: EngineHarness) -> None:
    args = ("two words", "$HOME", "'quoted'", "", "é;rm -rf /", "*")
    python = harness.call(
        harness.engine.run(RunRequest("python", "import sys\nprint(sys.argv[1:])\n", args=args))
    )
    assert python.status is Verdict.OK and python.run is not None, python
    assert python.run.stdout == repr(list(args)) + "\n"
    c = harness.call(
        harness.engine.run(
            RunRequest(
                "c",
                "#include <stdio.h>\nint main(int n, char **v) { for (int i = 1; i < n; i++)"
                ' printf("[%s]", v[i]); puts(""); return 0; }\n',
                args=args,
            )
        )
    )
    assert c.run is not None and c.run.stdout == "".join(f"[{a}]" for a in args) + "\n", c


def test_extra_files_sit_beside_the_source(harness: EngineHarness) -> None:
    files = (
        SourceFile("data.txt", b"41\n"),
        SourceFile("lib/helper.py", b"def inc(x):\n    return x + 1\n"),
    )
    source = (
        "import sys\nsys.path.insert(0, 'lib')\nimport helper\n"
        "print(helper.inc(int(open('data.txt').read())))\n"
    )
    result = submit(
        harness,
        "python",
        source,
        TestCase(expected_stdout="42\n"),
        TestCase(expected_stdout="42\n"),
        files=files,
    )
    assert result.status is Verdict.ACCEPTED, result
