"""What ``deploy/`` ships works as described: the example site config starts a multi-node server
once its secrets are given (and not before), the systemd units parse (``systemd-analyze verify``)
with the web unit kept away from the Docker socket, and the Redis ACL users from the example
file let the web tier do its work while fencing it (and the runner user) into their keys."""

from __future__ import annotations

import configparser
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import redis.asyncio as aioredis
import redis.exceptions

from runners.wire import runner_acl
from server.kit.quotas import RedisRunQuota
from server.kit.redis_ratelimit import RedisWindowLimiter
from server.kit.redis_store import RedisStore
from server.settings import REPO_ROOT, RedisSettings, Settings, SettingsError
from tests.support.redis_server import RedisServer

DEPLOY = REPO_ROOT / "deploy"
UNITS = DEPLOY / "systemd"
EXAMPLE_BINARY = "/opt/onsite/.venv/bin/onsite"


def example_secrets() -> dict[str, str]:
    """``secrets.env.example``'s variables, with real values in place of its CHANGE-MEs."""
    env: dict[str, str] = {}
    for line in (DEPLOY / "secrets.env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, value = line.split("=", 1)
            env[name] = value.replace("CHANGE-ME", secrets.token_urlsafe(40))
    return env


def test_the_secrets_file_names_what_a_node_needs() -> None:
    assert set(example_secrets()) == {
        "ONSITE_AUTH_JWT_SECRET",
        "ONSITE_TURN_SECRET",
        "ONSITE_DATABASE_URL",
        "ONSITE_REDIS_URL",
    }


def test_the_example_config_starts_a_multi_node_server(tmp_path: Path) -> None:
    env = {**example_secrets(), "ONSITE_DATA_DIR": str(tmp_path / "serve-8001")}
    settings = Settings.load(DEPLOY / "onsite.toml.example", env)
    assert settings.environment == "production" and settings.uses_https
    assert settings.multi_node and settings.server.multi_node
    assert settings.database_url == env["ONSITE_DATABASE_URL"]
    assert settings.redis.url == env["ONSITE_REDIS_URL"]
    assert settings.auth.jwt_secret == env["ONSITE_AUTH_JWT_SECRET"]
    assert settings.turn.secret == env["ONSITE_TURN_SECRET"]
    assert not (tmp_path / "serve-8001" / "secrets").exists()


def test_the_example_config_without_its_secrets_is_refused(tmp_path: Path) -> None:
    env = {k: v for k, v in example_secrets().items() if "SECRET" not in k}
    with pytest.raises(SettingsError, match="ONSITE_AUTH_JWT_SECRET"):
        Settings.load(DEPLOY / "onsite.toml.example", {**env, "ONSITE_DATA_DIR": str(tmp_path)})


# ---- systemd units ---------------------------------------------------------------------------


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(UNITS / name)
    return parser


def values(path: Path, key: str) -> list[str]:
    """Every value of a repeatable key (configparser keeps only the last)."""
    lines = path.read_text().splitlines()
    return [line.split("=", 1)[1] for line in lines if line.startswith(f"{key}=")]


HARDENING = ("NoNewPrivileges", "ProtectSystem", "ProtectHome", "PrivateTmp", "User")


@pytest.mark.parametrize("name", ["onsite-serve@.service", "onsite-runner.service"])
def test_units_have_what_they_need(name: str) -> None:
    service = unit(name)["Service"]
    assert service["ExecStart"].startswith(EXAMPLE_BINARY)
    assert service["User"] not in ("root", "nobody")
    assert service["NoNewPrivileges"] == "yes" and service["ProtectSystem"] == "strict"
    assert all(key in service for key in HARDENING)


def test_the_web_unit_has_no_way_to_the_docker_socket() -> None:
    path = UNITS / "onsite-serve@.service"
    assert "docker" not in " ".join(values(path, "SupplementaryGroups"))
    blocked = " ".join(values(path, "InaccessiblePaths"))
    assert "/run/docker.sock" in blocked and "/var/run/docker.sock" in blocked
    assert "--port %i" in unit("onsite-serve@.service")["Service"]["ExecStart"]


def test_the_runner_unit_reaches_docker() -> None:
    assert "docker" in values(UNITS / "onsite-runner.service", "SupplementaryGroups")[0].split()
    assert "docker.service" in unit("onsite-runner.service")["Unit"]["Requires"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
@pytest.mark.parametrize(
    ("name", "as_"),
    [
        ("onsite-serve@.service", "onsite-serve@8001.service"),
        ("onsite-runner.service", "onsite-runner.service"),
    ],
)
def test_units_verify(tmp_path: Path, name: str, as_: str) -> None:
    """``systemd-analyze verify`` reads every directive; the binary is this checkout's."""
    onsite = Path(sys.executable).with_name("onsite")
    text = (UNITS / name).read_text().replace(EXAMPLE_BINARY, str(onsite))
    (tmp_path / as_).write_text(text)
    verified = subprocess.run(
        ["systemd-analyze", "verify", str(tmp_path / as_)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    report = verified.stdout + verified.stderr
    # docker.service is absent here; every other complaint is a mistake in the unit
    problems = [line for line in report.splitlines() if line and "docker.service" not in line]
    assert not problems, report


# ---- Redis ACL users -------------------------------------------------------------------------


def acl_rule(user: str, password: str) -> str:
    for line in (DEPLOY / "redis" / "users.acl.example").read_text().splitlines():
        if line.startswith(f"user {user} "):
            rule = line.removeprefix(f"user {user} ")
            return rule.replace(f">CHANGE-ME-{user.removeprefix('onsite-')}", f">{password}")
    raise AssertionError(f"no user {user} in users.acl.example")


async def test_the_acl_users_do_their_work_and_no_more(tmp_path: Path) -> None:
    server = RedisServer.start(
        tmp_path,
        users={
            "onsite-web": acl_rule("onsite-web", "web-pw"),
            "onsite-runner": acl_rule("onsite-runner", "runner-pw"),
        },
    )
    store = RedisStore(RedisSettings(url=server.url_for("onsite-web", "web-pw")))
    runner = aioredis.Redis.from_url(server.url_for("onsite-runner", "runner-pw"))
    try:
        await store.ping()
        limiter = RedisWindowLimiter(store, "login_ip", 1, 60)
        await limiter.hit("203.0.113.7")
        assert await limiter.retry_after("203.0.113.7") is not None
        await limiter.reset("203.0.113.7")
        quota = RedisRunQuota(store, 1, 10)
        async with quota.slot("account"):
            assert await quota.in_flight("account") == 1
        with pytest.raises(redis.exceptions.NoPermissionError):
            await store.client.set("elsewhere:key", "1")
        with pytest.raises(redis.exceptions.NoPermissionError):
            await store.client.flushall()

        await runner.set("onsite:q:probe", "1")
        with pytest.raises(redis.exceptions.NoPermissionError):
            await runner.get(store.key("quota", "runs", "account"))
    finally:
        await runner.aclose()
        await store.close()
        server.stop()


def test_the_example_runner_user_is_the_one_the_queue_tests_prove() -> None:
    """The example ACL must not drift from ``runner_acl`` (which tests/runners/queue/test_acl.py
    proves both sufficient for a worker and fenced)."""
    rule = acl_rule("onsite-runner", "runner-pw")
    assert f"user onsite-runner {rule}" == runner_acl("onsite-runner", "runner-pw", "onsite")
