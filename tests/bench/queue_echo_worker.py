"""A runner worker whose engine answers at once (no container): what the bench uses to measure the
queue's own cost, apart from Docker. Not a test double for anything else; never used by tests.

Usage: python tests/bench/queue_echo_worker.py REDIS_URL KEY_PREFIX
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from runners import worker
from runners.catalogue import Catalogue
from runners.contract import RunRequest, RunResult, Stage, Verdict
from runners.settings import EngineSettings


class InstantEngine:
    def __init__(self, settings: EngineSettings, catalogue: Catalogue) -> None:
        self.settings = settings

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def wait_until_warm(self, timeout_s: float) -> bool:
        return True

    async def run(self, request: RunRequest) -> RunResult:
        return RunResult(Verdict.OK, request.language, None, Stage(stdout="Hello, world!\n"))


def _python_only(self: worker.RunnerWorker, infos: Sequence[object]) -> list[str]:
    return ["python"]


def main(argv: Sequence[str]) -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # Swapped in this process only (the bench's own worker), never in the library.
    vars(worker)["DockerEngine"] = InstantEngine
    worker.RunnerWorker._images_present = _python_only  # type: ignore[method-assign]
    options = worker.WorkerOptions(argv[0], argv[1], "echo", ("python",))
    asyncio.run(worker.RunnerWorker(options).serve())


if __name__ == "__main__":
    main(sys.argv[1:])
