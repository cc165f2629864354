"""Every catalogue language through the real engine: what its users expect, not just hello."""

from __future__ import annotations

import json

import pytest

from runners.contract import Verdict
from tests.runners.conftest import EngineHarness
from tests.runners.programs import ECHO_INPUT, ECHO_LINE, PROGRAMS, SUM_INPUT, SUM_OUTPUT

pytestmark = pytest.mark.docker

LANGUAGES = sorted(PROGRAMS)
COMPILED = sorted(lang for lang, programs in PROGRAMS.items() if programs.broken)
SHORT_RUN_MS = 1500


def test_every_catalogue_language_has_test_programs(harness: EngineHarness) -> None:
    assert sorted(info.id for info in harness.engine.languages()) == LANGUAGES


@pytest.mark.parametrize("language", LANGUAGES)
def test_stub_says_hello(harness: EngineHarness, language: str) -> None:
    info = harness.engine.catalogue.get(language)
    result = harness.run(language, info.stub)
    assert result.status is Verdict.OK, result
    assert result.run is not None and result.run.stdout.strip() == "Hello, world!"
    assert result.run.exit_code == 0 and result.run.stderr == ""
    assert (result.compile is not None) == info.compiled


@pytest.mark.parametrize("language", LANGUAGES)
def test_reads_stdin_line_by_line_and_writes_utf8(harness: EngineHarness, language: str) -> None:
    result = harness.run(language, PROGRAMS[language].sum, SUM_INPUT)
    assert result.status is Verdict.OK, result
    assert result.run is not None
    assert result.run.stdout == SUM_OUTPUT + "\n"
    assert result.run.stderr.strip() == "done"
    # The wire form is valid JSON with the emoji intact.
    assert json.loads(json.dumps(result.to_dict()))["run"]["stdout"].startswith("Σ=12 🚀")


@pytest.mark.parametrize("language", LANGUAGES)
def test_runtime_error(harness: EngineHarness, language: str) -> None:
    result = harness.run(language, PROGRAMS[language].crash)
    assert result.status is Verdict.RUNTIME_ERROR, result
    assert result.run is not None
    # What it printed before crashing is kept (block-buffered stdout would lose it).
    assert result.run.stdout.startswith("started"), result.run
    assert result.run.exit_code != 0  # None when a signal ended it
    if result.run.exit_code is None:
        assert result.run.signal in {"SIGSEGV", "SIGABRT"}
    else:
        assert "boom" in result.run.stderr or "zero" in result.run.stderr.lower()


@pytest.mark.parametrize("language", COMPILED)
def test_compile_error(harness: EngineHarness, language: str) -> None:
    broken = PROGRAMS[language].broken
    assert broken is not None
    result = harness.run(language, broken)
    assert result.status is Verdict.COMPILE_ERROR, result
    assert result.run is None and result.compile is not None
    assert result.compile.exit_code not in (0, None)
    message = result.compile.stderr + result.compile.stdout
    source_file = harness.engine.catalogue.get(language).source_file
    assert "error" in message.lower() or source_file in message, message


@pytest.mark.parametrize("language", LANGUAGES)
def test_infinite_loop_hits_the_time_limit(harness: EngineHarness, language: str) -> None:
    result = harness.run(language, PROGRAMS[language].loop, run_timeout_ms=SHORT_RUN_MS)
    assert result.status is Verdict.TIME_LIMIT, result
    assert result.run is not None
    assert SHORT_RUN_MS <= result.run.wall_ms < SHORT_RUN_MS + 1500
    assert result.run.stdout == "started\n", result.run  # printed before the limit: kept


def test_perl_and_ruby_flushing_keeps_their_program_names(harness: EngineHarness) -> None:
    perl = harness.run("perl", PROGRAMS["perl"].crash)
    assert perl.run is not None and perl.run.stdout == "started main.pl\n"
    assert "boom at main.pl line 2." in perl.run.stderr, perl.run
    ruby = harness.run("ruby", PROGRAMS["ruby"].crash)
    assert ruby.run is not None and ruby.run.stdout == "started main.rb main.rb\n"
    assert "main.rb:2:in" in ruby.run.stderr and "boom" in ruby.run.stderr, ruby.run


def test_exit_code_is_reported(harness: EngineHarness) -> None:
    result = harness.run("python", "import sys\nprint('partial')\nsys.exit(42)\n")
    assert result.status is Verdict.RUNTIME_ERROR
    assert result.run is not None
    assert (result.run.exit_code, result.run.signal, result.run.stdout) == (42, None, "partial\n")


def test_java_main_class_and_csharp_any_class(harness: EngineHarness) -> None:
    java = harness.run(
        "java",
        "import java.util.*;\nclass Helper { static int twice(int x) { return 2 * x; } }\n"
        "public class Main { public static void main(String[] a) {"
        " System.out.println(Helper.twice(new Scanner(System.in).nextInt())); } }\n",
        "21\n",
    )
    assert java.status is Verdict.OK and java.run is not None and java.run.stdout == "42\n"
    csharp = harness.run(
        "csharp",
        "using System; using System.Linq;\nnamespace Interview { public static class Anything {"
        " public static void Main() { Console.WriteLine(Enumerable.Range(1, 4).Sum()); } } }\n",
    )
    assert csharp.status is Verdict.OK and csharp.run is not None, csharp
    assert csharp.run.stdout == "10\n"


JAVA_FROM_AN_IDE = {
    "package": (
        "package com.example;\n\nimport java.util.*;\n\npublic class Main {\n"
        "    public static void main(String[] args) { System.out.println(\"in a package\"); }\n}\n",
        "in a package\n",
    ),
    "public class not named Main": (
        "import java.util.*;\n\nclass Helper { static int two() { return 2; } }\n\n"
        "public class Solution {\n    public static void main(String[] args) {\n"
        "        System.out.println(\"solution \" + Helper.two());\n    }\n}\n",
        "solution 2\n",
    ),
    "both": (
        "package org.acme.interview;\n\npublic final class TwoSum {\n"
        "    public static void main(String[] args) { System.out.println(\"both\"); }\n}\n",
        "both\n",
    ),
    "main in a class that is not public": (
        "class Runner {\n    public static void main(String[] args) {"
        " System.out.println(\"runner\"); }\n}\n",
        "runner\n",
    ),
}


@pytest.mark.parametrize("case", sorted(JAVA_FROM_AN_IDE))
def test_java_pasted_from_an_ide_runs(harness: EngineHarness, case: str) -> None:
    source, expected = JAVA_FROM_AN_IDE[case]
    result = harness.run("java", source)
    assert result.status is Verdict.OK, result
    assert result.run is not None and result.run.stdout == expected


def test_typescript_is_strictly_type_checked(harness: EngineHarness) -> None:
    result = harness.run("typescript", "function f(x) { return x; }\nconsole.log(f(1));\n")
    assert result.status is Verdict.COMPILE_ERROR
    assert result.compile is not None and "implicitly has an 'any' type" in result.compile.stdout


def test_node_has_its_apis_and_javascript_does_not(harness: EngineHarness) -> None:
    probe = "console.log(typeof require, typeof process);\n"
    node = harness.run("node", probe)
    plain = harness.run("javascript", probe)
    assert node.run is not None and node.run.stdout == "function object\n"
    assert plain.run is not None and plain.run.stdout == "undefined undefined\n"


def test_large_output_under_the_cap_arrives_whole(harness: EngineHarness) -> None:
    result = harness.run("python", "for i in range(5000):\n    print(f'line {i:05d}')\n")
    assert result.status is Verdict.OK
    assert result.run is not None and not result.run.stdout_truncated
    lines = result.run.stdout.splitlines()
    assert len(lines) == 5000 and lines[-1] == "line 04999"


def test_big_stdin_is_read_whole(harness: EngineHarness) -> None:
    data = "".join(f"{i}\n" for i in range(400_000))  # ~2.6 MB
    result = harness.run(
        "python", "import sys\nprint(sum(int(x) for x in sys.stdin))\n", data, run_timeout_ms=10_000
    )
    assert result.status is Verdict.OK, result
    assert result.run is not None and result.run.stdout == f"{sum(range(400_000))}\n"


def test_slow_compilation_is_a_time_limit(harness: EngineHarness) -> None:
    result = harness.run("cpp", PROGRAMS["cpp"].sum, compile_timeout_ms=100)
    assert result.status is Verdict.TIME_LIMIT, result
    assert result.run is None and result.compile is not None
    assert result.message is not None and "compil" in result.message


@pytest.mark.parametrize("language", ["python", "c", "cpp", "java"])
def test_output_before_a_time_limit_is_kept(harness: EngineHarness, language: str) -> None:
    sources = {
        "python": "print('started', flush=False)\nwhile True:\n    pass\n",
        "c": '#include <stdio.h>\nint main(void) { printf("started\\n");'
        " volatile int x = 0; for (;;) x++; }\n",
        "cpp": '#include <iostream>\nint main() { std::cout << "started\\n";'
        " volatile int x = 0; for (;;) x++; }\n",
        "java": "public class Main { public static void main(String[] a) {"
        ' System.out.println("started"); while (true) {} } }\n',
    }
    result = harness.run(language, sources[language], run_timeout_ms=1500)
    assert result.status is Verdict.TIME_LIMIT
    assert result.run is not None and result.run.stdout == "started\n"


def test_csharp_utf8_output_encoding_prints_no_bom(harness: EngineHarness) -> None:
    source = (
        "using System; using System.Text;\nclass X { static void Main() {"
        ' Console.OutputEncoding = Encoding.UTF8; Console.WriteLine("héllo ✓"); } }\n'
    )
    result = harness.run("csharp", source)
    assert result.status is Verdict.OK and result.run is not None
    assert (result.run.stdout, result.run.stderr) == ("héllo ✓\n", "")


def test_php_warning_is_shown_once_on_stderr(harness: EngineHarness) -> None:
    result = harness.run("php", "<?php\ntrigger_error('careful', E_USER_WARNING);\necho 'on';\n")
    assert result.status is Verdict.OK and result.run is not None
    assert result.run.stderr.count("careful") == 1 and result.run.stdout == "on"


@pytest.mark.parametrize("language", LANGUAGES)
def test_utf8_stdin_is_decoded(harness: EngineHarness, language: str) -> None:
    result = harness.run(language, ECHO_LINE[language], ECHO_INPUT)
    assert result.status is Verdict.OK, result
    assert result.run is not None and result.run.stdout.startswith("[héllo → 🚀]"), result.run
