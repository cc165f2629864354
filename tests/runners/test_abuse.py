"""Hostile programs: each must end in a verdict, leave nothing behind and hurt no later run."""

from __future__ import annotations

import json
import os
import time

import pytest

from runners.contract import Verdict
from runners.sandbox import ENVIRONMENT
from tests.runners.conftest import EngineHarness

pytestmark = pytest.mark.docker


def test_shell_fork_bomb_is_contained(harness: EngineHarness) -> None:
    bomb = "import subprocess\nsubprocess.run(['bash', '-c', ':(){ :|:& };:'])\nprint('after')\n"
    started = time.monotonic()
    result = harness.run("python", bomb, run_timeout_ms=2000)
    assert time.monotonic() - started < 15
    assert result.status in {Verdict.TIME_LIMIT, Verdict.OK, Verdict.RUNTIME_ERROR}, result
    after = harness.run("python", "print('still fine')")
    assert after.status is Verdict.OK and after.run is not None
    assert after.run.stdout == "still fine\n"


def test_fork_loop_hits_the_pid_limit(harness: EngineHarness) -> None:
    source = (
        "import os, time\nn = 0\ntry:\n    while True:\n        if os.fork() == 0:\n"
        "            time.sleep(30)\n            os._exit(0)\n        n += 1\n"
        "except OSError as e:\n    print('stopped after', n, type(e).__name__)\n"
    )
    result = harness.run("python", source, run_timeout_ms=3000)
    assert result.status is Verdict.OK, result
    assert result.run is not None and result.run.stdout.startswith("stopped after")
    forked = int(result.run.stdout.split()[2])
    assert forked < harness.engine.catalogue.get("python").limits.pids


def test_memory_hog_is_a_memory_limit(harness: EngineHarness) -> None:
    hog = "blocks = []\nwhile True:\n    blocks.append(bytearray(16 * 1024 * 1024))\n"
    result = harness.run("python", hog, memory_mb=64)
    assert result.status is Verdict.MEMORY_LIMIT, result
    assert result.run is not None and result.run.exit_code != 0


def test_memory_hog_in_c_reads_the_oom_flag(harness: EngineHarness) -> None:
    source = (
        "#include <stdlib.h>\n#include <string.h>\n"
        "int main(void) { for (;;) { char *p = malloc(1 << 24); if (!p) return 3;"
        " memset(p, 1, 1 << 24); } }\n"
    )
    result = harness.run("c", source)
    assert result.status is Verdict.MEMORY_LIMIT, result


@pytest.mark.parametrize("stream", ["stdout", "stderr"])
def test_output_flood_is_cut_at_the_cap(harness: EngineHarness, stream: str) -> None:
    flood = f"import sys\nwhile True:\n    sys.{stream}.write('y' * 65536)\n"
    started = time.monotonic()
    result = harness.run("python", flood, output_kb=16)
    assert time.monotonic() - started < 10
    assert result.status is Verdict.OUTPUT_LIMIT, result
    assert result.run is not None
    assert getattr(result.run, f"{stream}_truncated") is True
    assert len(getattr(result.run, stream)) == 16 * 1024


def test_disk_fill_ends_and_leaves_nothing(harness: EngineHarness) -> None:
    fill = (
        "import os\nwritten = 0\ntry:\n    with open('/work/big', 'wb') as f:\n"
        "        while True:\n            f.write(b'0' * (1 << 20))\n            f.flush()\n"
        "            written += 1\nexcept OSError as e:\n    print('full after', written, 'MiB')\n"
    )
    result = harness.run("python", fill, run_timeout_ms=5000)
    assert result.status in {Verdict.OK, Verdict.RUNTIME_ERROR}, result
    assert result.run is not None
    if result.status is Verdict.OK:
        assert result.run.stdout.startswith("full after")
    check = harness.run("python", "import os\nprint(os.path.exists('/work/big'))\n")
    assert check.run is not None and check.run.stdout == "False\n"


def test_root_filesystem_is_read_only_and_traversal_goes_nowhere(harness: EngineHarness) -> None:
    source = (
        "import os\nfor path in ['../../etc/passwd', '/usr/bin/python3', '/opt/x', '/x']:\n"
        "    try:\n        open(path, 'a').close()\n        print(path, 'WRITABLE')\n"
        "    except OSError as e:\n        print(path, 'refused', e.errno)\n"
    )
    result = harness.run("python", source)
    assert result.run is not None
    assert "WRITABLE" not in result.run.stdout
    assert result.run.stdout.count("refused") == 4


def test_network_egress_is_refused(harness: EngineHarness) -> None:
    source = (
        "import socket\nfor host in [('1.1.1.1', 53), ('deb.debian.org', 80)]:\n"
        "    try:\n        socket.create_connection(host, timeout=2)\n        print('CONNECTED')\n"
        "    except OSError as e:\n        print('refused', type(e).__name__)\n"
        "import os\nprint(sorted(os.listdir('/sys/class/net')))\n"
    )
    result = harness.run("python", source)
    assert result.status is Verdict.OK, result
    assert result.run is not None
    assert "CONNECTED" not in result.run.stdout
    assert result.run.stdout.count("refused") == 2
    assert result.run.stdout.strip().endswith("['lo']")


def test_files_do_not_persist_between_runs(harness: EngineHarness) -> None:
    for _ in range(3):  # several runs, so pooled and fresh containers both get checked
        result = harness.run(
            "python",
            "import os\nseen = [p for p in ('/work/mark', '/tmp/mark') if os.path.exists(p)]\n"
            "print(seen)\nfor p in ('/work/mark', '/tmp/mark'):\n    open(p, 'w').write('x')\n",
        )
        assert result.run is not None and result.run.stdout == "[]\n", result


def test_background_processes_do_not_outlive_the_run(harness: EngineHarness) -> None:
    source = (
        "import subprocess\n"
        "subprocess.Popen(['bash', '-c', 'sleep 300'], start_new_session=True)\n"
        "subprocess.Popen(['bash', '-c', 'while :; do echo leak; sleep 0.1; done'],"
        " start_new_session=True, stdout=subprocess.DEVNULL)\n"
        "print('parent done')\n"
    )
    started = time.monotonic()
    result = harness.run("python", source)
    assert time.monotonic() - started < 5
    assert result.status is Verdict.OK, result
    assert result.run is not None and result.run.stdout == "parent done\n"
    probe = harness.run(
        "python", "import os\nprint(len([p for p in os.listdir('/proc') if p.isdigit()]))\n"
    )
    assert probe.run is not None and int(probe.run.stdout) <= 4  # tini, launcher, bash/python


def test_sleeping_forever_is_a_time_limit(harness: EngineHarness) -> None:
    result = harness.run("python", "import time\ntime.sleep(10_000)\n", run_timeout_ms=1000)
    assert result.status is Verdict.TIME_LIMIT
    assert result.run is not None and 1000 <= result.run.wall_ms < 2500


def test_binary_output_stays_valid_json(harness: EngineHarness) -> None:
    source = (
        "import sys\nsys.stdout.buffer.write(bytes(range(256)) * 4)\n"
        "sys.stderr.buffer.write(b'\\xff\\xfe')\n"
    )
    result = harness.run("python", source)
    assert result.status is Verdict.OK
    wire = json.loads(json.dumps(result.to_dict()))
    assert "\ufffd" in wire["run"]["stdout"] and wire["run"]["stderr"] == "\ufffd\ufffd"


def test_host_environment_does_not_leak(harness: EngineHarness) -> None:
    os.environ["ONSITE_TEST_SECRET_PROBE"] = "hunter2"
    try:
        result = harness.run("python", "import json, os\nprint(json.dumps(dict(os.environ)))\n")
    finally:
        del os.environ["ONSITE_TEST_SECRET_PROBE"]
    assert result.run is not None
    env = json.loads(result.run.stdout)
    assert "hunter2" not in result.run.stdout
    harmless = {"HOSTNAME", "PWD", "SHLVL", "_", "OLDPWD"}
    assert set(env) <= set(ENVIRONMENT) | harmless, sorted(env)
    assert env["LANG"] == "C.UTF-8" and env["HOME"] == "/tmp"


def test_runs_as_an_unprivileged_user_without_capabilities(harness: EngineHarness) -> None:
    source = (
        "import os\nprint(os.getuid(), os.getgid())\n"
        "status = open('/proc/self/status').read().splitlines()\n"
        "print([l.split()[1] for l in status if l.startswith('CapEff')][0])\n"
        "print([l.split()[1] for l in status if l.startswith('NoNewPrivs')][0])\n"
    )
    result = harness.run("python", source)
    assert result.run is not None
    assert result.run.stdout.split() == ["1000", "1000", "0000000000000000", "1"]


def test_forged_records_in_output_are_just_output(harness: EngineHarness) -> None:
    forged = "\n#ONSITE-END 0 1 1 0\n"
    source = (
        f"import sys\nprint('#ONSITE-COMPILE - 0')\nsys.stdout.write({forged!r})\nsys.exit(7)\n"
    )
    result = harness.run("python", source)
    assert result.status is Verdict.RUNTIME_ERROR
    assert result.run is not None and result.run.exit_code == 7
    assert result.run.stdout == "#ONSITE-COMPILE - 0\n" + forged
