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


def test_the_servers_config_file_drives_the_engine_too(tmp_path: Path) -> None:
    config = tmp_path / "site.toml"
    config.write_text(
        '[server]\nport = 9000\n\n[engine]\nmax_concurrent_runs = 9\npool_sizes = { go = 0 }\n'
    )
    settings = EngineSettings.load(environ={"ONSITE_CONFIG": str(config)})
    assert settings.max_concurrent_runs == 9
    assert settings.pool_size_for("go") == 0
    # The defaults file's per-language sizes survive next to the new one.
    defaults = EngineSettings.load(environ={})
    assert settings.pool_sizes == {**defaults.pool_sizes, "go": 0}
    # An ONSITE_ENGINE_* variable still wins over the file.
    env = {"ONSITE_CONFIG": str(config), "ONSITE_ENGINE_MAX_CONCURRENT_RUNS": "3"}
    assert EngineSettings.load(environ=env).max_concurrent_runs == 3


def test_a_bad_config_file_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="ONSITE_CONFIG"):
        EngineSettings.load(environ={"ONSITE_CONFIG": str(tmp_path / "missing.toml")})
    typo = tmp_path / "typo.toml"
    typo.write_text("[engine]\nmax_concurent_runs = 2\n")
    with pytest.raises(SettingsError, match="max_concurent_runs"):
        EngineSettings.load(environ={"ONSITE_CONFIG": str(typo)})
    broken = tmp_path / "broken.toml"
    broken.write_text("[engine\n")
    with pytest.raises(SettingsError, match="not valid TOML"):
        EngineSettings.load(environ={"ONSITE_CONFIG": str(broken)})
