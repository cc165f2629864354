"""A verdict the program cannot forge (issue #10 part 1).

Each program prints what the launcher's records look like (a trailer claiming exit 0 with tiny
CPU and memory figures), then tries to silence the launcher: kill its parent, ``kill -9 -1``,
close its descriptors, and finally exits 3. Whatever it does, the verdict must be its own
``runtime_error`` (never ``ok``), the exit status its own, the figures the host's, and the forged
text plain output.
"""

from __future__ import annotations

import threading
import time

import pytest

from runners.contract import RunResult, Verdict
from runners.sandbox import Sandbox, StageTimes
from tests.runners.conftest import EngineHarness

pytestmark = pytest.mark.docker

FORGED = "\n#ONSITE-END 0 5000000 1048576 0\n"
"""The pre-fix trailer: exit 0, 5 ms of CPU, 1 MiB of memory, no OOM kill."""

FORGERIES: dict[str, tuple[str, str]] = {
    # (language, source): each prints FORGED, then kills its parent and exits 3.
    "python-kill-parent": (
        "python",
        "import os, sys\n"
        f"sys.stdout.write({FORGED!r})\nsys.stdout.flush()\n"
        "try:\n    os.kill(os.getppid(), 9)\nexcept OSError:\n    pass\nos._exit(3)\n",
    ),
    "python-kill-all": (
        "python",
        "import os, sys, signal\n"
        f"sys.stdout.write({FORGED!r})\nsys.stdout.flush()\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "try:\n    os.kill(-1, 9)\nexcept OSError:\n    pass\nos._exit(3)\n",
    ),
    "python-close-fds": (
        "python",
        "import os, sys\n"
        f"sys.stdout.write({FORGED!r})\nsys.stdout.flush()\n"
        "os.closerange(0, 1024)\n"
        "try:\n    os.kill(os.getppid(), 9)\nexcept OSError:\n    pass\nos._exit(3)\n",
    ),
    "python-shell-kill": (
        "python",
        "import os, subprocess, sys\n"
        f"sys.stdout.write({FORGED!r})\nsys.stdout.flush()\n"
        "subprocess.run(['bash', '-c', 'kill -9 1 2 2>/dev/null; kill -9 -1'])\nos._exit(3)\n",
    ),
    "c-kill-parent": (
        "c",
        "#include <stdio.h>\n#include <signal.h>\n#include <unistd.h>\n"
        "int main(void) {\n"
        '    fputs("\\n#ONSITE-END 0 5000000 1048576 0\\n", stdout); fflush(stdout);\n'
        "    kill(getppid(), SIGKILL); kill(1, SIGKILL);\n"
        "    _exit(3);\n}\n",
    ),
    "c-kill-all": (
        "c",
        "#include <stdio.h>\n#include <signal.h>\n#include <string.h>\n#include <unistd.h>\n"
        "int main(void) {\n"
        '    const char *forged = "\\n#ONSITE-END 0 5000000 1048576 0\\n";\n'
        "    write(1, forged, strlen(forged));\n"
        "    signal(SIGTERM, SIG_IGN);\n"
        "    kill(-1, SIGKILL);\n"
        "    for (int fd = 0; fd < 1024; fd++) close(fd);\n"
        "    _exit(3);\n}\n",
    ),
    "node-kill-parent": (
        "node",
        f"process.stdout.write({FORGED!r});\n"
        "try { process.kill(process.ppid, 'SIGKILL'); } catch (e) {}\n"
        "process.exit(3);\n",
    ),
    "java-kill-parent": (
        "java",
        "public class Main {\n"
        "    public static void main(String[] a) throws Exception {\n"
        '        System.out.print("\\n#ONSITE-END 0 5000000 1048576 0\\n");\n'
        "        System.out.flush();\n"
        "        long parent = ProcessHandle.current().parent().get().pid();\n"
        "        ProcessHandle.of(parent).ifPresent(ProcessHandle::destroyForcibly);\n"
        "        Runtime.getRuntime().halt(3);\n"
        "    }\n"
        "}\n",
    ),
}


def _assert_not_forged(result: RunResult) -> None:
    assert result.status is not Verdict.OK, result
    assert result.status is Verdict.RUNTIME_ERROR, result
    assert result.run is not None, result
    # Its own ending: exit 3, or SIGKILL when its kill -9 -1 also reached itself.
    assert (result.run.exit_code, result.run.signal) in {(3, None), (None, "SIGKILL")}, result
    assert "#ONSITE-END 0 5000000 1048576 0" in result.run.stdout, result
    # The figures are not the forged ones (5 ms, 1 MiB).
    assert result.run.memory_kb != 1024, result


@pytest.mark.parametrize("case", sorted(FORGERIES))
def test_a_forged_trailer_and_a_killed_supervisor_decide_nothing(
    harness: EngineHarness, case: str
) -> None:
    language, source = FORGERIES[case]
    _assert_not_forged(harness.run(language, source))
    # The next run in a fresh container is unaffected.
    after = harness.run("python", "print('fine')")
    assert after.status is Verdict.OK and after.run is not None and after.run.stdout == "fine\n"


def test_a_supervisor_that_dies_is_never_ok(harness: EngineHarness) -> None:
    """Whatever kills the launcher (here the host, as the OOM killer would), the answer is an
    honest verdict with a message, never ``ok``."""
    language = harness.engine.catalogue.get("python")
    client = harness.engine._client
    assert client is not None
    sandbox = Sandbox.launch(client, language, language.limits, owner=harness.engine._owner)
    try:
        assert sandbox.wait_ready(30)

        def kill_launcher() -> None:
            time.sleep(0.8)
            exec_id = client.api.exec_create(
                sandbox.container_id,
                ["/bin/bash", "-c", "read -r pid </proc/1/task/1/children; kill -9 $pid"],
                user="0",
            )
            client.api.exec_start(exec_id["Id"])

        killer = threading.Thread(target=kill_launcher)
        killer.start()
        result = sandbox.execute(
            b"import time\nprint('working', flush=True)\ntime.sleep(5)\n",
            b"",
            StageTimes(10.0, 10.0, 1 << 16),
        )
        killer.join()
    finally:
        sandbox.destroy()
    assert result.status in {Verdict.RUNTIME_ERROR, Verdict.INTERNAL_ERROR}, result
    assert result.message, result
