"""A multi-node configuration starts only with its shared secrets given, never generated per node.

Before this check, two nodes sharing a Redis and a PostgreSQL database each generated their own
JWT signing key into their own data directory: a token from one was refused by the other, so a
user bounced between nodes by round-robin REST was signed out at random.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from server.settings import Settings, SettingsError

SECRET = "a-real-shared-secret-of-more-than-thirty-two-characters"
POSTGRES = "postgresql+asyncpg://onsite:pw@db.internal/onsite"


def load(tmp_path: Path, **env: str) -> Settings:
    return Settings.load(environ={"ONSITE_DATA_DIR": str(tmp_path / "data"), **env})


MULTI_NODE = [
    pytest.param({"ONSITE_REDIS_URL": "redis://10.0.0.5:6379/0"}, "redis.url", id="redis-url"),
    pytest.param({"ONSITE_ENGINE_BACKEND": "redis"}, "engine.backend", id="engine-backend"),
    pytest.param(
        {
            "ONSITE_SERVER_MULTI_NODE": "true",
            "ONSITE_DATABASE_URL": POSTGRES,
            "ONSITE_REDIS_URL": "redis://10.0.0.5:6379/0",
        },
        "server.multi_node",
        id="multi-node-flag",
    ),
]


@pytest.mark.parametrize(("env", "reason"), MULTI_NODE)
def test_a_multi_node_configuration_without_its_secrets_is_refused(
    tmp_path: Path, env: dict[str, str], reason: str
) -> None:
    with pytest.raises(SettingsError) as refused:
        load(tmp_path, **env)
    message = str(refused.value)
    assert reason in message
    assert "ONSITE_AUTH_JWT_SECRET" in message and "ONSITE_TURN_SECRET" in message
    assert not (tmp_path / "data" / "secrets").exists()  # nothing was generated


@pytest.mark.parametrize(("env", "reason"), MULTI_NODE)
def test_a_generated_secret_already_in_the_data_directory_is_not_enough(
    tmp_path: Path, env: dict[str, str], reason: str
) -> None:
    load(tmp_path)  # a single-node start generates both into the data directory
    assert (tmp_path / "data" / "secrets" / "jwt_secret").exists()
    with pytest.raises(SettingsError, match="jwt_secret"):
        load(tmp_path, ONSITE_TURN_SECRET=SECRET, **env)


def test_the_turn_secret_is_needed_only_with_turn_on(tmp_path: Path) -> None:
    redis = {"ONSITE_REDIS_URL": "redis://10.0.0.5:6379/0", "ONSITE_AUTH_JWT_SECRET": SECRET}
    with pytest.raises(SettingsError, match="ONSITE_TURN_SECRET"):
        load(tmp_path, **redis)
    settings = load(tmp_path, ONSITE_TURN_ENABLED="false", **redis)
    assert settings.auth.jwt_secret == SECRET
    assert not (tmp_path / "data" / "secrets").exists()


@pytest.mark.parametrize(("env", "reason"), MULTI_NODE)
def test_a_multi_node_configuration_with_its_secrets_starts(
    tmp_path: Path, env: dict[str, str], reason: str
) -> None:
    settings = load(tmp_path, ONSITE_AUTH_JWT_SECRET=SECRET, ONSITE_TURN_SECRET=SECRET, **env)
    assert settings.multi_node and reason in settings.multi_node_reason()
    assert settings.auth.jwt_secret == settings.turn.secret == SECRET
    assert not (tmp_path / "data" / "secrets").exists()


def test_the_redis_section_is_read_from_the_environment(tmp_path: Path) -> None:
    """``ONSITE_REDIS_*`` used to be ignored ("not a known setting"): a node configured by
    environment alone silently kept its limits to itself."""
    settings = load(
        tmp_path,
        ONSITE_REDIS_URL="redis://10.0.0.5:6379/2",
        ONSITE_REDIS_KEY_PREFIX="acme",
        ONSITE_AUTH_JWT_SECRET=SECRET,
        ONSITE_TURN_SECRET=SECRET,
    )
    assert (settings.redis.url, settings.redis.key_prefix) == ("redis://10.0.0.5:6379/2", "acme")


@pytest.mark.parametrize(
    ("env", "needs"),
    [
        pytest.param({"ONSITE_REDIS_URL": "redis://r:6379/0"}, "PostgreSQL", id="sqlite"),
        pytest.param({"ONSITE_DATABASE_URL": POSTGRES}, "redis.url is empty", id="no-redis"),
    ],
)
def test_the_multi_node_flag_needs_postgresql_and_redis(
    tmp_path: Path, env: dict[str, str], needs: str
) -> None:
    with pytest.raises(SettingsError, match=needs):
        load(
            tmp_path,
            ONSITE_SERVER_MULTI_NODE="true",
            ONSITE_AUTH_JWT_SECRET=SECRET,
            ONSITE_TURN_SECRET=SECRET,
            **env,
        )


def test_a_single_node_still_generates_its_secrets(tmp_path: Path) -> None:
    settings = load(tmp_path)
    assert not settings.multi_node
    assert (tmp_path / "data" / "secrets" / "jwt_secret").read_text().strip()
    assert settings.auth.jwt_secret == load(tmp_path).auth.jwt_secret
