"""Engine settings: defaults file, ONSITE_ENGINE_* overrides, and refusal of bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from runners.settings import EngineSettings, SettingsError


def test_defaults_file_is_read() -> None:
    settings = EngineSettings.load(environ={})
    assert settings.max_concurrent_runs >= 1
    assert settings.extra_ca_bundle.endswith(".crt")
    assert settings.pool_size_for("python") >= settings.pool_size_for("c")


def test_environment_overrides(tmp_path: Path) -> None:
    env = {
        "ONSITE_ENGINE_MAX_CONCURRENT_RUNS": "7",
        "ONSITE_ENGINE_POOL_ENABLED": "false",
        "ONSITE_ENGINE_POOL_SIZES": "python=3, java=0",
        "ONSITE_ENGINE_DEBIAN_MIRROR": "http://mirror.example/debian",
    }
    settings = EngineSettings.load(environ=env)
    assert settings.max_concurrent_runs == 7
    assert settings.pool_enabled is False
    assert settings.pool_sizes == {"python": 3, "java": 0}
    assert settings.pool_size_for("python") == 0  # the pool is off altogether
    assert settings.debian_mirror == "http://mirror.example/debian"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ONSITE_ENGINE_MAX_CONCURRENT_RUNS": "four"}, "max_concurrent_runs must be a int"),
        ({"ONSITE_ENGINE_POOL_ENABLED": "maybe"}, "true or false"),
        ({"ONSITE_ENGINE_POOL_SIZES": "python"}, "python=2"),
        ({"ONSITE_ENGINE_MAX_RUN_TIMEOUT_MS": "0"}, "positive"),
        ({"ONSITE_ENGINE_QUEUE_SIZE": "-1"}, "negative"),
    ],
)
def test_bad_values_are_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        EngineSettings.load(environ=env)


def test_unknown_key_in_file(tmp_path: Path) -> None:
    file = tmp_path / "defaults.toml"
    file.write_text("[engine]\nmax_concurent_runs = 3\n")
    with pytest.raises(SettingsError, match=r"unknown key.*max_concurent_runs"):
        EngineSettings.load(file, environ={})
