"""Settings: defaults file, ONSITE_* overrides, the generated signing key, production checks."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest

from server.settings import DEFAULTS_FILE, Settings, SettingsError


def load(tmp_path: Path, **env: str) -> Settings:
    return Settings.load(environ={"ONSITE_DATA_DIR": str(tmp_path / "data"), **env})


def test_defaults_come_from_the_file(tmp_path: Path) -> None:
    settings = load(tmp_path)
    assert settings.server.port == 8000
    assert settings.environment == "development"
    assert settings.sqlalchemy_url().startswith("sqlite+aiosqlite:///")
    assert settings.sqlalchemy_url().endswith("data/onsite.sqlite3")


def test_environment_overrides(tmp_path: Path) -> None:
    settings = load(
        tmp_path,
        ONSITE_SERVER_PORT="9100",
        ONSITE_DATABASE_URL="postgresql+asyncpg://u:p@db/onsite",
        ONSITE_AUTH_BCRYPT_ROUNDS="5",
        ONSITE_MAIL_SMTP_HOST="smtp.example",
        ONSITE_ROOMS_STUN_URLS='["stun:a", "stun:b"]',
        ONSITE_OIDC_PROVIDERS='[{"id": "kc", "name": "Keycloak", "issuer": "https://kc/realms/x",'
        ' "client_id": "onsite"}]',
        ONSITE_TEST_POSTGRES_URL="ignored: belongs to the test harness",
    )
    assert settings.server.port == 9100
    assert settings.sqlalchemy_url() == "postgresql+asyncpg://u:p@db/onsite"
    assert settings.auth.bcrypt_rounds == 5
    assert settings.mail.smtp_host == "smtp.example"
    assert settings.rooms.stun_urls == ["stun:a", "stun:b"]
    provider = settings.oidc_provider("kc")
    assert provider is not None and provider.scopes == ["openid", "email", "profile"]


@pytest.mark.parametrize(
    "env",
    [
        {"ONSITE_SERVER_PORT": "eighty"},
        {"ONSITE_SERVER_PORT": "70000"},
        {"ONSITE_ENVIRONMENT": "staging"},
        {"ONSITE_AUTH_BCRYPT_ROUNDS": "2"},
        {"ONSITE_OIDC_PROVIDERS": "[{not json"},
        {
            "ONSITE_OIDC_PROVIDERS": '[{"id": "Bad Id!", "name": "x", "issuer": "i",'
            ' "client_id": "c"}]'
        },
    ],
)
def test_bad_values_are_clear_errors(tmp_path: Path, env: dict[str, str]) -> None:
    with pytest.raises(SettingsError):
        load(tmp_path, **env)


def test_signing_key_is_generated_once(tmp_path: Path) -> None:
    first = load(tmp_path)
    key_file = tmp_path / "data" / "secrets" / "jwt_secret"
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first.auth.jwt_secret) >= 32
    second = load(tmp_path)
    assert second.auth.jwt_secret == first.auth.jwt_secret
    other = Settings.load(environ={"ONSITE_DATA_DIR": str(tmp_path / "elsewhere")})
    assert other.auth.jwt_secret != first.auth.jwt_secret


HTTPS_URL = "https://onsite.example"


def test_production_refuses_placeholder_secrets(tmp_path: Path) -> None:
    # (an https public URL: production refuses plain http, see test_security_headers)
    for placeholder in ["changeme", "secret", "short-but-not-a-placeholder"]:
        with pytest.raises(SettingsError, match="placeholder"):
            load(
                tmp_path,
                ONSITE_ENVIRONMENT="production",
                ONSITE_SERVER_PUBLIC_URL=HTTPS_URL,
                ONSITE_AUTH_JWT_SECRET=placeholder,
            )
    strong = "k" * 10 + "x7Qp2LmZ9vR4tY8wN3bC6dF1gH5jK0sA"
    settings = load(
        tmp_path,
        ONSITE_ENVIRONMENT="production",
        ONSITE_SERVER_PUBLIC_URL=HTTPS_URL,
        ONSITE_AUTH_JWT_SECRET=strong,
    )
    assert settings.auth.jwt_secret == strong
    # an empty secret in production is fine: one is generated into the data directory
    assert (
        len(
            load(
                tmp_path, ONSITE_ENVIRONMENT="production", ONSITE_SERVER_PUBLIC_URL=HTTPS_URL
            ).auth.jwt_secret
        )
        >= 32
    )


def test_extra_config_file_overlays_defaults(tmp_path: Path) -> None:
    extra = tmp_path / "site.toml"
    extra.write_text('[server]\npublic_url = "https://onsite.example"\n')
    settings = load(tmp_path, ONSITE_CONFIG=str(extra))
    assert settings.server.public_url == "https://onsite.example"
    bad = tmp_path / "bad.toml"
    bad.write_text("[server\n")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load(tmp_path, ONSITE_CONFIG=str(bad))


def test_for_tests_uses_cheap_hashing_and_the_outbox(tmp_path: Path) -> None:
    settings = Settings.for_tests(tmp_path, server={"port": 0})
    assert settings.auth.bcrypt_rounds == 4
    assert settings.mail.smtp_host == ""
    assert settings.environment == "test"
    assert settings.server.port == 0


@pytest.mark.parametrize(
    ("content", "where", "key", "hint"),
    [
        (
            "[auth]\nlogin_attemps_per_ip = 3\n",
            "[auth]",
            "login_attemps_per_ip",
            "login_attempts_per_ip",
        ),
        ("public_ur = 'https://x.example'\n", "the top level", "public_ur", None),
        ("[server]\nprot = 9000\n", "[server]", "prot", "port"),
        (
            "[engine]\nmax_concurent_runs = 2\n",
            "[engine]",
            "max_concurent_runs",
            "max_concurrent_runs",
        ),
        ("[oidc]\nprovider = []\n", "[oidc]", "provider", "providers"),
        (
            "[[oidc.providers]]\nid = 'acme'\nname = 'Acme'\nissuer = 'https://id.example'\n"
            "client_id = 'c'\nclient_secet = 's'\n",
            "[[oidc.providers]]",
            "client_secet",
            "client_secret",
        ),
    ],
)
def test_unknown_keys_in_the_config_file_stop_the_start(
    tmp_path: Path, content: str, where: str, key: str, hint: str | None
) -> None:
    site = tmp_path / "site.toml"
    site.write_text(content)
    with pytest.raises(SettingsError) as caught:
        load(tmp_path, ONSITE_CONFIG=str(site))
    message = str(caught.value)
    assert str(site) in message and f"unknown key {key!r} in {where}" in message
    if hint is not None:
        assert f"did you mean {hint!r}" in message


def test_a_section_that_is_not_a_table_is_refused(tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    site.write_text("auth = 3\n")
    with pytest.raises(SettingsError, match=r"\[auth\] must be a table"):
        load(tmp_path, ONSITE_CONFIG=str(site))


def test_every_known_section_key_is_accepted_in_the_config_file(tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    site.write_text(
        "environment = 'development'\n"
        "[auth]\nlogin_attempts_per_account_all_ips = 50\n"
        "[engine]\nmax_concurrent_runs = 2\n"
        "[rooms]\nturn_urls = ['turn:turn.example:3478']\n"
        "[[oidc.providers]]\nid = 'acme'\nname = 'Acme'\nissuer = 'https://id.example'\n"
        "client_id = 'c'\n"
    )
    settings = load(tmp_path, ONSITE_CONFIG=str(site))
    assert settings.auth.login_attempts_per_account_all_ips == 50
    assert settings.engine["max_concurrent_runs"] == 2
    assert [p.id for p in settings.oidc_providers] == ["acme"]


def test_the_defaults_file_documents_onsite_config_and_env_overrides() -> None:
    header = "".join(
        line
        for line in DEFAULTS_FILE.read_text().splitlines(keepends=True)[:12]
        if line.startswith("#")
    )
    assert "ONSITE_CONFIG" in header and "ONSITE_<SECTION>_<KEY>" in header
    assert "ONSITE_<KEY>" in header and "JSON" in header and "typo" in header


def test_onsite_serve_refuses_a_config_file_with_a_typo(tmp_path: Path) -> None:
    """At start-up, before anything listens: exit code 2 and the key named on stderr."""
    site = tmp_path / "site.toml"
    site.write_text("[mail]\nsmtp_hots = 'mail.example'\n")
    env = {"PATH": "/usr/bin:/bin", "ONSITE_CONFIG": str(site), "ONSITE_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", "from server.cli import main; raise SystemExit(main(['serve']))"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "unknown key 'smtp_hots' in [mail]" in done.stderr
    assert "did you mean 'smtp_host'" in done.stderr
    assert "Onsite on http" not in done.stdout
