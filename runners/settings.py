"""The engine's settings: ``[engine]`` of ``config/defaults.toml``, under ``ONSITE_ENGINE_*``.

The engine reads its own settings (rather than receiving the server's) so that ``onsite run`` and
the images commands work without the web application, and so ``runners`` never imports ``server``.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runners.interactive import InteractiveLimits

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULTS_FILE = REPO_ROOT / "config" / "defaults.toml"
ENV_PREFIX = "ONSITE_ENGINE_"
BACKENDS = ("local", "redis")
CONFIG_ENV = "ONSITE_CONFIG"
"""The server's extra settings file; its ``[engine]`` table overrides the defaults file's, so one
file drives both the server and ``onsite run``."""


class SettingsError(ValueError):
    """A setting that cannot be used; the message names the key and what is wrong."""


@dataclass(frozen=True, slots=True)
class EngineSettings:
    # Which engine the server uses: "local" (this host's Docker engine, the warm pool) or
    # "redis" (a Redis Streams queue served by `onsite runner` workers on the Docker hosts; the
    # web process then needs no Docker socket). The Redis server is the server's [redis] url.
    backend: str = "local"
    queue_wait_ms: int = 10_000
    """redis: how long a job may wait for a runner host before it is dropped unrun (``busy``)."""
    runner_heartbeat_ms: int = 1000
    """redis: how often a worker renews its heartbeat (which expires after three of these)."""
    runner_claim_idle_ms: int = 3000
    """redis: a job pending this long without its worker renewing it belongs to a dead worker,
    and another worker claims it (XAUTOCLAIM)."""

    # Where things are.
    catalogue_path: str = str(REPO_ROOT / "config" / "languages.toml")
    images_dir: str = str(REPO_ROOT / "images")
    docker_url: str = ""
    """Empty: the usual ``DOCKER_HOST`` / local socket."""

    # Image builds.
    base_image: str = "onsite/base:{suite}"
    """``{suite}`` is ``debian_suite``: every image's tag follows the suite it is built from."""
    debian_suite: str = "trixie"
    debian_mirror: str = "http://deb.debian.org/debian"
    extra_ca_bundle: str = "/etc/ssl/certs/ca-certificates.crt"

    # Admission: how many runs execute at once and how many may wait.
    max_concurrent_runs: int = 4
    queue_size: int = 32

    # Warm pool.
    pool_enabled: bool = True
    pool_size: int = 1
    pool_sizes: Mapping[str, int] = field(default_factory=dict)
    """Per-language overrides of ``pool_size`` (0 turns a language's pool off)."""

    # Server-side maxima: a request may ask for less than these, never more.
    max_compile_timeout_ms: int = 60_000
    max_run_timeout_ms: int = 30_000
    max_memory_mb: int = 2048
    max_output_kb: int = 1024
    max_pids: int = 512
    max_source_kb: int = 1024
    max_stdin_kb: int = 8192
    max_tests: int = 100
    """Test cases one submission may carry."""
    max_files: int = 32
    """Extra files one request may place beside its source (they count in ``max_source_kb``)."""

    # Interactive sessions (``runners.interactive``): a person types, so the host keeps these
    # instead of the plain run's wall clock; memory, processes and CPU time stay the run's.
    max_interactive_sessions: int = 8
    """Sessions open at once (apart from ``max_concurrent_runs``: a session mostly waits)."""
    interactive_timeout_s: int = 900
    interactive_idle_s: int = 120
    interactive_output_kb_per_s: int = 64
    """Roughly what a terminal can show; the rest is dropped and counted."""
    interactive_flood_kb: int = 4096
    """Dropped output past this ends the session with ``output_limit``."""
    interactive_message_bytes: int = 4096
    interactive_input_kb: int = 256

    @property
    def base_image_tag(self) -> str:
        return self.base_image.replace("{suite}", self.debian_suite)

    @property
    def sandbox_image_tag(self) -> str:
        return f"onsite/sandbox:{self.debian_suite}"

    def interactive_limits(self) -> InteractiveLimits:
        from runners.interactive import InteractiveLimits

        return InteractiveLimits(
            timeout_s=float(self.interactive_timeout_s),
            idle_s=float(self.interactive_idle_s),
            output_bytes_per_s=self.interactive_output_kb_per_s * 1024,
            flood_bytes=self.interactive_flood_kb * 1024,
            message_bytes=self.interactive_message_bytes,
            input_bytes=self.interactive_input_kb * 1024,
        )

    def pool_size_for(self, language: str) -> int:
        if not self.pool_enabled:
            return 0
        return self.pool_sizes.get(language, self.pool_size)

    @classmethod
    def load(
        cls,
        path: Path | str | None = None,
        environ: Mapping[str, str] | None = None,
        **overrides: Any,
    ) -> EngineSettings:
        """Defaults file, then the ``ONSITE_CONFIG`` file, then ``ONSITE_ENGINE_*`` variables,
        then keyword overrides (tests). ``path`` replaces the defaults file."""
        env = os.environ if environ is None else environ
        file = Path(path) if path is not None else DEFAULTS_FILE
        table: dict[str, Any] = _engine_table(file) if file.exists() else {}
        extra = env.get(CONFIG_ENV, "")
        if extra:
            if not Path(extra).is_file():
                raise SettingsError(f"{CONFIG_ENV}={extra} names no readable file")
            for key, value in _engine_table(Path(extra)).items():
                if isinstance(value, Mapping) and isinstance(table.get(key), Mapping):
                    value = {**table[key], **value}
                table[key] = value
            file = Path(extra)
        known = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(table) - set(known))
        if unknown:
            raise SettingsError(f"unknown key(s) in [engine] of {file}: {', '.join(unknown)}")
        values: dict[str, Any] = {}
        for name in known:
            default = getattr(cls(), name)
            raw: Any = table.get(name, default)
            env_key = ENV_PREFIX + name.upper()
            if env_key in env:
                raw = _parse_env(env_key, env[env_key], default)
            values[name] = _coerce(name, raw, default)
        values.update(overrides)
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        positive = [
            "max_concurrent_runs", "max_compile_timeout_ms", "max_run_timeout_ms", "max_memory_mb",
            "max_output_kb", "max_pids", "max_source_kb", "max_stdin_kb", "max_tests", "max_files",
            "max_interactive_sessions", "interactive_timeout_s", "interactive_idle_s",
            "interactive_output_kb_per_s", "interactive_flood_kb", "interactive_message_bytes",
            "interactive_input_kb", "queue_wait_ms", "runner_heartbeat_ms", "runner_claim_idle_ms",
        ]  # fmt: skip
        for name in positive:
            if getattr(self, name) <= 0:
                raise SettingsError(f"[engine] {name} must be a positive number")
        if not re.fullmatch(r"[a-z][a-z0-9-]{0,31}", self.debian_suite):
            raise SettingsError(
                f"[engine] debian_suite {self.debian_suite!r} is not a Debian suite name"
            )
        if self.backend not in BACKENDS:
            raise SettingsError(
                f"[engine] backend {self.backend!r} must be one of: {', '.join(BACKENDS)}"
            )
        if self.runner_claim_idle_ms < 2 * self.runner_heartbeat_ms:
            raise SettingsError(
                "[engine] runner_claim_idle_ms must be at least twice runner_heartbeat_ms, or a "
                "live worker's jobs would be claimed"
            )
        if self.queue_size < 0 or self.pool_size < 0:
            raise SettingsError("[engine] queue_size and pool_size must not be negative")
        for lang, size in self.pool_sizes.items():
            if size < 0:
                raise SettingsError(f"[engine] pool_sizes.{lang} must not be negative")


def _engine_table(file: Path) -> dict[str, Any]:
    try:
        with file.open("rb") as fh:
            return dict(tomllib.load(fh).get("engine", {}))
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{file} is not valid TOML: {exc}") from None


def _parse_env(key: str, text: str, default: Any) -> Any:
    if isinstance(default, bool):
        lowered = text.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off"}:
            return False
        raise SettingsError(f"{key} must be true or false, not {text!r}")
    if isinstance(default, Mapping):
        # "python=3,java=1": a table in one environment variable.
        pairs: dict[str, str] = {}
        for item in filter(None, (part.strip() for part in text.split(","))):
            name, sep, value = item.partition("=")
            if not sep:
                raise SettingsError(f"{key} must look like 'python=2,java=1', not {text!r}")
            pairs[name.strip()] = value.strip()
        return pairs
    return text


def _coerce(name: str, raw: Any, default: Any) -> Any:
    try:
        if isinstance(default, bool):
            if not isinstance(raw, bool):
                raise TypeError
            return raw
        if isinstance(default, int):
            if isinstance(raw, bool):
                raise TypeError
            return int(raw)
        if isinstance(default, Mapping):
            if not isinstance(raw, Mapping):
                raise TypeError
            return {str(k): int(v) for k, v in raw.items()}
        return str(raw)
    except (TypeError, ValueError):
        raise SettingsError(
            f"[engine] {name} must be a {type(default).__name__}, not {raw!r}"
        ) from None


@dataclass(frozen=True, slots=True)
class RedisTarget:
    """Where the run queue lives: the ``[redis]`` table the server reads too (``url``,
    ``key_prefix``), under ``ONSITE_REDIS_URL`` / ``ONSITE_REDIS_KEY_PREFIX``.

    Read here as well as in ``server.settings`` because ``onsite runner`` runs on Docker hosts
    without the web application (and ``runners`` never imports ``server``).
    """

    url: str = ""
    key_prefix: str = "onsite"

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None) -> RedisTarget:
        env = os.environ if environ is None else environ
        table: dict[str, Any] = {}
        for file in (DEFAULTS_FILE, Path(env[CONFIG_ENV]) if env.get(CONFIG_ENV) else None):
            if file is not None and file.is_file():
                with file.open("rb") as fh:
                    table.update(tomllib.load(fh).get("redis", {}))
        url = str(env.get("ONSITE_REDIS_URL", table.get("url", "")))
        prefix = str(env.get("ONSITE_REDIS_KEY_PREFIX", table.get("key_prefix", "onsite")))
        if not re.fullmatch(r"[A-Za-z0-9_.-]{1,32}", prefix):
            raise SettingsError(f"[redis] key_prefix {prefix!r} must be 1-32 of A-Z a-z 0-9 _ . -")
        return cls(url, prefix)
