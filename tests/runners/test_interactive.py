"""Interactive sessions through the real engine: a prompt-and-answer program in every language
of the catalogue (the prompt must show before the program reads), Ctrl+C, EOF, the idle timeout,
an output flood, binary output, input bounds and the REPLs."""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass, field

import pytest

from runners.catalogue import load_catalogue
from runners.contract import RunRequest, RunResult, Verdict
from runners.engine import DockerEngine
from runners.interactive import InputTooLargeError, InteractiveSession, SessionMode
from runners.settings import EngineSettings
from tests.runners.conftest import EngineHarness

pytestmark = pytest.mark.docker

WAIT_S = 60.0
"""How long a step may wait for output (generous: a loaded CI machine), not a timing claim."""

PROMPT_PROGRAMS = {
    "c": r"""#include <stdio.h>
int main(void) {
    char name[64];
    printf("Name: ");
    if (scanf("%63s", name) != 1) return 1;
    printf("Hello, %s!\n", name);
    return 0;
}
""",
    "cpp": r"""#include <iostream>
#include <string>
int main() {
    std::string name;
    std::cout << "Name: ";
    std::cin >> name;
    std::cout << "Hello, " << name << "!" << std::endl;
}
""",
    "java": """import java.util.Scanner;

public class Main {
    public static void main(String[] args) {
        Scanner in = new Scanner(System.in);
        System.out.print("Name: ");
        String name = in.nextLine();
        System.out.println("Hello, " + name + "!");
    }
}
""",
    "python": 'name = input("Name: ")\nprint(f"Hello, {name}!")\n',
    "csharp": """using System;
class Program {
    static void Main() {
        Console.Write("Name: ");
        string name = Console.ReadLine();
        Console.WriteLine($"Hello, {name}!");
    }
}
""",
    "go": """package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

func main() {
	fmt.Print("Name: ")
	line, _ := bufio.NewReader(os.Stdin).ReadString('\\n')
	fmt.Printf("Hello, %s!\\n", strings.TrimSpace(line))
}
""",
    "javascript": """std.out.puts("Name: ");
std.out.flush();
const name = std.in.getline();
console.log("Hello, " + name + "!");
""",
    "node": """const io = { input: process.stdin, output: process.stdout };
const rl = require("readline").createInterface(io);
rl.question("Name: ", (name) => { console.log(`Hello, ${name}!`); rl.close(); });
""",
    "php": """<?php
echo "Name: ";
$name = trim(fgets(STDIN));
echo "Hello, $name!\\n";
""",
    "perl": """print "Name: ";
my $name = <STDIN>;
chomp $name;
print "Hello, $name!\\n";
""",
    "typescript": """import * as readline from "readline";
const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
rl.question("Name: ", (name: string) => { console.log(`Hello, ${name}!`); rl.close(); });
""",
    "kotlin": """fun main() {
    print("Name: ")
    val name = readLine()
    println("Hello, $name!")
}
""",
    "ruby": """print "Name: "
name = gets.chomp
puts "Hello, #{name}!"
""",
    "rust": """use std::io::{self, Write};

fn main() {
    print!("Name: ");
    io::stdout().flush().unwrap();
    let mut name = String::new();
    io::stdin().read_line(&mut name).unwrap();
    println!("Hello, {}!", name.trim());
}
""",
}

REPLS = {
    "python": ("def double(x):\n    return 2 * x\n", "double(21)\n"),
    "node": ("function double(x) { return 2 * x; }\n", "double(21)\n"),
    "ruby": ("def double(x)\n  2 * x\nend\n", "double(21)\n"),
    "php": ("<?php\nfunction double($x) { return 2 * $x; }\n", 'echo double(21), "\\n";\n'),
}


@dataclass
class Screen:
    """What a session showed, stream by stream."""

    session: InteractiveSession
    out: bytearray = field(default_factory=bytearray)
    err: bytearray = field(default_factory=bytearray)
    dropped: int = 0
    task: asyncio.Task[None] | None = None

    async def follow(self) -> None:
        async for chunk in self.session:
            (self.out if chunk.stream == "stdout" else self.err).extend(chunk.data)
            self.dropped += chunk.dropped

    async def until(self, text: bytes, where: str = "out") -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT_S
        while text not in (self.out if where == "out" else self.err):
            if self.session.finished and (self.task is None or self.task.done()):
                raise AssertionError(f"ended before {text!r}: {bytes(self.out)!r}")
            if loop.time() > deadline:
                raise AssertionError(f"no {text!r} in {bytes(self.out)!r} {bytes(self.err)!r}")
            await asyncio.sleep(0.02)

    async def result(self) -> RunResult:
        result = await asyncio.wait_for(self.session.result(), WAIT_S)
        if self.task is not None:
            await asyncio.wait_for(self.task, WAIT_S)
        return result


async def open_screen(
    engine: DockerEngine, language: str, source: str, mode: SessionMode = SessionMode.PROGRAM
) -> Screen:
    session = await engine.interactive(RunRequest(language, source), mode)
    screen = Screen(session)
    screen.task = asyncio.create_task(screen.follow())
    return screen


def test_every_language_of_the_catalogue_has_a_prompt_program() -> None:
    catalogue = load_catalogue(EngineSettings.load().catalogue_path)
    assert sorted(PROMPT_PROGRAMS) == sorted(language.id for language in catalogue)


@pytest.mark.parametrize("language", sorted(PROMPT_PROGRAMS))
def test_a_prompt_shows_before_the_program_reads_its_answer(
    harness: EngineHarness, language: str
) -> None:
    async def scenario() -> tuple[RunResult, bytes]:
        screen = await open_screen(harness.engine, language, PROMPT_PROGRAMS[language])
        await screen.until(b"Name: ")  # the program is blocked on its read here
        await screen.session.write(b"Ada\n")
        await screen.until(b"Hello, Ada!")
        await screen.session.close()
        return await screen.result(), bytes(screen.out)

    result, out = harness.call(scenario(), timeout=180)
    assert result.status is Verdict.OK, result
    assert out.replace(b"\r", b"").endswith(b"Name: Hello, Ada!\n") or b"Hello, Ada!" in out
    assert result.run is not None and "Hello, Ada!" in result.run.stdout


def test_ctrl_c_stops_a_program_waiting_for_input(harness: EngineHarness) -> None:
    async def scenario() -> RunResult:
        screen = await open_screen(
            harness.engine, "python", 'print("ready")\nwhile True:\n    input()\n'
        )
        await screen.until(b"ready")
        await screen.session.interrupt()
        return await screen.result()

    result = harness.call(scenario())
    assert result.status is Verdict.RUNTIME_ERROR
    assert result.message == "stopped with Ctrl+C"
    assert result.run is not None and result.run.signal == "SIGKILL"


def test_ctrl_c_stops_a_busy_loop(harness: EngineHarness) -> None:
    async def scenario() -> RunResult:
        screen = await open_screen(
            harness.engine,
            "c",
            '#include <stdio.h>\nint main(void) { puts("spin"); for (;;) {} }\n',
        )
        await screen.until(b"spin")
        await screen.session.interrupt()
        return await screen.result()

    result = harness.call(scenario())
    assert result.message == "stopped with Ctrl+C"


def test_eof_ends_the_input(harness: EngineHarness) -> None:
    source = "import sys\nprint(len(sys.stdin.read().split()), 'words')\n"

    async def scenario() -> RunResult:
        screen = await open_screen(harness.engine, "python", source)
        await screen.session.write(b"one two\n")
        await screen.session.write(b"three\n")
        await screen.session.close()
        await screen.until(b"3 words")
        return await screen.result()

    result = harness.call(scenario())
    assert result.status is Verdict.OK
    assert result.run is not None and result.run.stdout == "3 words\n"


def test_a_runtime_error_is_the_runs_verdict(harness: EngineHarness) -> None:
    async def scenario() -> Screen:
        screen = await open_screen(harness.engine, "python", "raise SystemExit(3)\n")
        await screen.result()
        return screen

    screen = harness.call(scenario())
    result = harness.call(screen.session.result())
    assert result.status is Verdict.RUNTIME_ERROR and result.run is not None
    assert result.run.exit_code == 3


def test_a_compile_error_comes_back_as_for_any_run(harness: EngineHarness) -> None:
    async def scenario() -> RunResult:
        screen = await open_screen(harness.engine, "c", "int main(void) { return x; }\n")
        return await screen.result()

    result = harness.call(scenario())
    assert result.status is Verdict.COMPILE_ERROR and result.compile is not None
    assert "x" in result.compile.stderr and result.run is None


def test_binary_output_streams_as_bytes(harness: EngineHarness) -> None:
    source = "import sys\nsys.stdout.buffer.write(bytes(range(256)))\n"

    async def scenario() -> tuple[RunResult, bytes]:
        screen = await open_screen(harness.engine, "python", source)
        result = await screen.result()
        return result, bytes(screen.out)

    result, out = harness.call(scenario())
    assert result.status is Verdict.OK
    assert out == bytes(range(256))


def test_an_output_flood_is_rate_limited_counted_and_then_ended(harness: EngineHarness) -> None:
    source = "import sys\nwhile True:\n    sys.stdout.write('x' * 65536)\n"

    async def scenario() -> Screen:
        screen = await open_screen(harness.engine, "python", source)
        await screen.result()
        return screen

    screen = harness.call(scenario(), timeout=180)
    result = harness.call(screen.session.result())
    limits = harness.engine.settings.interactive_limits()
    assert result.status is Verdict.OUTPUT_LIMIT, result
    assert result.message is not None and "dropped" in result.message
    assert result.run is not None and result.run.stdout_truncated
    assert screen.dropped > limits.flood_bytes // 2
    # What was shown stays within the rate (one second's burst, plus the time it ran).
    assert len(screen.out) <= limits.output_bytes_per_s * (1 + result.run.wall_ms / 1000 + 1)


def test_input_is_bounded_per_message_and_per_session(harness: EngineHarness) -> None:
    limits = harness.engine.settings.interactive_limits()

    async def scenario() -> tuple[str, str]:
        screen = await open_screen(harness.engine, "python", "import time\ntime.sleep(30)\n")
        with pytest.raises(InputTooLargeError) as one:
            await screen.session.write(b"x" * (limits.message_bytes + 1))
        line = b"y" * limits.message_bytes
        with pytest.raises(InputTooLargeError) as total:
            for _ in range(limits.input_bytes // limits.message_bytes + 1):
                await screen.session.write(line)
        await screen.session.kill()
        await screen.result()
        return one.value.message, total.value.message

    one, total = harness.call(scenario())
    assert "in one message" in one and "KiB" in total


def test_an_idle_session_ends(docker_client: object) -> None:
    settings = dataclasses.replace(EngineSettings.load(pool_enabled=False), interactive_idle_s=1)
    harness = EngineHarness(settings)
    try:

        async def scenario() -> RunResult:
            screen = await open_screen(harness.engine, "python", "input()\n")
            return await screen.result()

        result = harness.call(scenario())
    finally:
        harness.close()
    assert result.status is Verdict.TIME_LIMIT
    assert result.message is not None and "idle" in result.message


@pytest.mark.parametrize("language", sorted(REPLS))
def test_a_repl_has_the_editors_code_loaded(harness: EngineHarness, language: str) -> None:
    source, line = REPLS[language]

    async def scenario() -> RunResult:
        screen = await open_screen(harness.engine, language, source, SessionMode.REPL)
        await screen.session.write(line.encode())
        await screen.until(b"42")
        await screen.session.close()
        return await screen.result()

    result = harness.call(scenario(), timeout=180)
    assert result.status is Verdict.OK, result


def test_a_language_without_a_repl_is_refused(harness: EngineHarness) -> None:
    from runners.contract import InvalidRunRequestError

    with pytest.raises(InvalidRunRequestError, match="no REPL"):
        harness.call(harness.engine.interactive(RunRequest("c", "int main(){}"), SessionMode.REPL))
