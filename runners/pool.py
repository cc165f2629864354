"""The warm pool: per language, containers created and started ahead of demand.

Each pooled container runs the launcher, which (after the language's optional ``warm`` step) sits
blocked reading its attached stdin, so a run skips container creation and start-up. A container
joins the pool only once its warm step is done (the launcher's ready line). A container
is handed out once and destroyed after its run; the pool refills in background threads, never on
the event loop. Only runs whose container-level limits equal the language's defaults use the pool
(other limits need a container created for them).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import docker

from runners.catalogue import Catalogue, Language, Limits
from runners.sandbox import Sandbox, cpu_time_limit_s

log = logging.getLogger(__name__)

_CONTAINER_LIMITS = ("memory_mb", "pids", "cpus", "nofile", "fsize_mb", "tmpfs_mb")
_RETRY_AFTER_FAILURE_S = 5.0
_WARM_TIMEOUT_S = 120.0


def container_limits_match(pooled: Limits, wanted: Limits) -> bool:
    """A pooled container serves a run whose container-level limits are its own and whose CPU
    time limit is no higher (a lower one is enforced by the shorter wall limit)."""
    return all(
        getattr(pooled, name) == getattr(wanted, name) for name in _CONTAINER_LIMITS
    ) and cpu_time_limit_s(wanted) <= cpu_time_limit_s(pooled)


class WarmPool:
    def __init__(
        self,
        client: docker.DockerClient,
        catalogue: Catalogue,
        sizes: Callable[[str], int],
        owner: str,
        workers: int = 4,
        # 4, not 2: a first measurement (load 14) went ~7 -> ~12 runs/s, but an interleaved A/B
        # afterwards showed no difference beyond noise (10-14 runs/s either way); 6 gained nothing.
        # dockerd, which serializes container creation, is the limit.
    ) -> None:
        self._client = client
        self._catalogue = catalogue
        self._sizes = sizes
        self._owner = owner
        self._ready: dict[str, deque[Sandbox]] = {lang.id: deque() for lang in catalogue}
        self._pending: dict[str, int] = {lang.id: 0 for lang in catalogue}
        self._failed_at: dict[str, float] = {}
        self._lock = threading.Lock()
        self._closed = False
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="onsite-pool")

    def fill(self) -> None:
        """Top up every language to its size (in the background)."""
        for language in self._catalogue:
            self._top_up(language)

    def take(self, language: Language, limits: Limits) -> Sandbox | None:
        """A ready container for these limits, or ``None`` (the caller makes one)."""
        if not container_limits_match(language.limits, limits):
            return None
        with self._lock:
            queue = self._ready[language.id]
            sandbox = queue.popleft() if queue else None
        if sandbox is None:
            self._top_up(language)
        return sandbox

    def refill(self, language: Language) -> None:
        """Called after a run: creating its replacement during the run would steal its CPU."""
        self._top_up(language)

    def ready_count(self, language_id: str) -> int:
        with self._lock:
            return len(self._ready[language_id])

    def is_full(self) -> bool:
        with self._lock:
            return all(
                len(self._ready[lang.id]) >= self._sizes(lang.id) or lang.id in self._failed_at
                for lang in self._catalogue
            )

    def _top_up(self, language: Language) -> None:
        target = self._sizes(language.id)
        with self._lock:
            if self._closed:
                return
            failed = self._failed_at.get(language.id)
            if failed is not None and time.monotonic() - failed < _RETRY_AFTER_FAILURE_S:
                return
            missing = target - len(self._ready[language.id]) - self._pending[language.id]
            self._pending[language.id] += max(0, missing)
        for _ in range(max(0, missing)):
            try:
                self._executor.submit(self._create_one, language)
            except RuntimeError:  # executor shut down by close()
                with self._lock:
                    self._pending[language.id] -= 1

    def _create_one(self, language: Language) -> None:
        sandbox: Sandbox | None = None
        try:
            sandbox = Sandbox.launch(
                self._client, language, language.limits, pool=True, owner=self._owner
            )
            if not sandbox.wait_ready(_WARM_TIMEOUT_S):
                sandbox.destroy()
                sandbox = None
                raise RuntimeError("its warm step did not finish")
        except Exception as exc:  # docker down, image missing: the run path reports it
            log.warning("warm pool: cannot start a %s container: %s", language.id, exc)
            with self._lock:
                self._failed_at[language.id] = time.monotonic()
        finally:
            with self._lock:
                self._pending[language.id] -= 1
                if sandbox is not None and not self._closed:
                    self._ready[language.id].append(sandbox)
                    self._failed_at.pop(language.id, None)
                    sandbox = None
        if sandbox is not None:
            sandbox.destroy()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            leftovers = [s for queue in self._ready.values() for s in queue]
            for queue in self._ready.values():
                queue.clear()
        self._executor.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            leftovers += [s for queue in self._ready.values() for s in queue]
            for queue in self._ready.values():
                queue.clear()
        for sandbox in leftovers:
            with contextlib.suppress(Exception):
                sandbox.destroy()
