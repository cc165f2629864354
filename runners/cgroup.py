"""A run container's cgroup v1 counters, read (and its memory peak reset) from the host.

The launcher inside the container can read its cgroup but not write it (read-only mount), so the
host resets the memory peak between the compile and run stages (and between tests), lowers the
memory limit for a test that asks for less, and reads the counters itself: the figures a run
reports are the host's, not anything written inside the container. Only works where the engine
shares the Docker host's ``/sys/fs/cgroup`` with the ``cgroupfs`` driver; elsewhere every call
answers ``None``/``False`` and the figures fall back to the launcher's records (or null).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
DOCKER_PARENT = "docker"


@dataclass(frozen=True, slots=True)
class ContainerCgroup:
    container_id: str
    root: Path = CGROUP_ROOT

    def _file(self, controller: str, name: str) -> Path:
        return self.root / controller / DOCKER_PARENT / self.container_id / name

    def _read_int(self, controller: str, name: str) -> int | None:
        with contextlib.suppress(OSError, ValueError):
            return int(self._file(controller, name).read_text().strip())
        return None

    def memory_peak_bytes(self) -> int | None:
        return self._read_int("memory", "memory.max_usage_in_bytes")

    def reset_memory_peak(self) -> bool:
        """From now on the peak counts only what is in use now and what comes after."""
        try:
            self._file("memory", "memory.max_usage_in_bytes").write_text("0")
        except OSError:
            return False
        return True

    def cpu_ns(self) -> int | None:
        return self._read_int("cpuacct", "cpuacct.usage")

    def oom_kills(self) -> int | None:
        """How many processes the OOM killer has killed in the container so far."""
        with contextlib.suppress(OSError, ValueError):
            for line in self._file("memory", "memory.oom_control").read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill":
                    return int(value)
        return None

    def set_memory_limit(self, limit_bytes: int) -> bool:
        """Lower (or restore) the container's memory limit, between two tests. The swap limit
        the container was created with stays, and is never below this one."""
        try:
            self._file("memory", "memory.limit_in_bytes").write_text(str(limit_bytes))
        except OSError:
            return False
        return True
