"""One server process of the test cluster: ``onsite serve`` with the fake engine.

``python -m tests.server.cluster.node --port P`` reads its settings the way ``onsite serve``
does (``config/defaults.toml``, the ``ONSITE_CONFIG`` file, ``ONSITE_*``) and serves
``build_asgi`` under uvicorn on uvloop with the same settings (``server.kit.runtime``). The only
difference is the run engine: the rooms tests need no sandbox, and three processes each with a
Docker warm pool would cost the machine more than the rooms do.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

import uvicorn

from server.asgi import build_asgi
from server.kit.runtime import event_loop_factory, tune_garbage_collector, uvicorn_config
from server.settings import Settings
from tests.support.fake_engine import FakeEngine


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings.load()
    config = uvicorn_config(build_asgi(settings, FakeEngine()), "127.0.0.1", args.port)
    config.timeout_graceful_shutdown = 2
    server = uvicorn.Server(config)
    tune_garbage_collector(settings.server.gc_gen0_threshold)
    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
        runner.run(server.serve())
    return 0 if server.started else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
