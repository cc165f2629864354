"""What this server advertises and enforces in Judge0's terms (``GET /config_info``).

Every number comes from the engine's maxima and the catalogue's defaults (``server.kit.limits``)
and ``[judge0]``; Judge0 options the sandbox cannot honour are advertised as off and refused
when asked for. Units are Judge0's: seconds for times, kilobytes for memory and files.

Time limits: the sandbox enforces one wall-clock timeout per run. A submission's is
``min(wall_time_limit, cpu_time_limit + cpu_extra_time)`` (so a CPU-bound loop is stopped as
Judge0 stops it); afterwards a run whose measured CPU time exceeds ``cpu_time_limit`` is Time
Limit Exceeded too. ``max_file_size`` bounds what the program may print (Judge0's file-size
limit is what bounds its stdout there). ``stack_limit`` is accepted up to the memory maximum;
the stack counts against the memory limit and is not limited separately.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.kit.limits import EngineLimits
from server.settings import Judge0Settings

JUDGE0_VERSION = "1.13.1"
"""The Judge0 CE version whose API this is; the official SDK picks its language table by it."""
DEFAULT_CPU_EXTRA_TIME = 1.0
MAX_CPU_EXTRA_TIME = 5.0
DEFAULT_STACK_LIMIT_KB = 64_000
MAX_EXTRACT_SIZE_KB = 10_240
MAX_ARGUMENTS_LENGTH = 512
MIN_MEMORY_KB = 16 * 1024
MIN_TIME_LIMIT_S = 0.1
MIN_PROCESSES = 8


@dataclass(frozen=True, slots=True)
class Judge0Config:
    limits: EngineLimits
    settings: Judge0Settings

    @property
    def default_time_limit_s(self) -> float:
        return self.limits.default_run_timeout_ms / 1000

    @property
    def max_time_limit_s(self) -> float:
        return self.limits.max_run_timeout_ms / 1000

    @property
    def default_memory_kb(self) -> int:
        return self.limits.default_memory_mb * 1024

    @property
    def max_memory_kb(self) -> int:
        return self.limits.max_memory_mb * 1024

    @property
    def callbacks_enabled(self) -> bool:
        return bool(self.settings.callback_allowed_hosts)

    def config_info(self) -> dict[str, Any]:
        """Every key Judge0 CE 1.13 answers (the official SDK refuses to start without one)."""
        return {
            "maintenance_mode": False,
            "enable_wait_result": True,
            "enable_compiler_options": False,
            "allowed_languages_for_compile_options": [],
            "enable_command_line_arguments": True,
            "enable_submission_delete": True,
            "enable_callbacks": self.callbacks_enabled,
            "callbacks_max_tries": self.settings.callbacks_max_tries,
            "callbacks_timeout": self.settings.callbacks_timeout_seconds,
            "enable_additional_files": True,
            "max_queue_size": self.settings.max_queue_size,
            "cpu_time_limit": self.default_time_limit_s,
            "max_cpu_time_limit": self.max_time_limit_s,
            "cpu_extra_time": DEFAULT_CPU_EXTRA_TIME,
            "max_cpu_extra_time": MAX_CPU_EXTRA_TIME,
            "wall_time_limit": self.default_time_limit_s,
            "max_wall_time_limit": self.max_time_limit_s,
            "memory_limit": self.default_memory_kb,
            "max_memory_limit": self.max_memory_kb,
            "stack_limit": DEFAULT_STACK_LIMIT_KB,
            "max_stack_limit": self.max_memory_kb,
            "max_processes_and_or_threads": self.limits.default_pids,
            "max_max_processes_and_or_threads": self.limits.max_pids,
            "enable_per_process_and_thread_time_limit": False,
            "allow_enable_per_process_and_thread_time_limit": False,
            "enable_per_process_and_thread_memory_limit": False,
            "allow_enable_per_process_and_thread_memory_limit": False,
            "max_file_size": self.limits.default_output_kb,
            "max_max_file_size": self.limits.max_output_kb,
            "number_of_runs": 1,
            "max_number_of_runs": 1,
            "redirect_stderr_to_stdout": False,
            "max_extract_size": MAX_EXTRACT_SIZE_KB,
            "enable_batched_submissions": True,
            "max_submission_batch_size": self.settings.max_submission_batch_size,
            "submission_cache_duration": 0.0,
            "use_docs_as_homepage": False,
            "allow_enable_network": False,
            "enable_network": False,
        }
