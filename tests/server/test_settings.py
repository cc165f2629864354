"""Settings: defaults file, ONSITE_* overrides, the generated signing key, production checks."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from server.settings import Settings, SettingsError


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


def test_production_refuses_placeholder_secrets(tmp_path: Path) -> None:
    for placeholder in ["changeme", "secret", "short-but-not-a-placeholder"]:
        with pytest.raises(SettingsError, match="placeholder"):
            load(tmp_path, ONSITE_ENVIRONMENT="production", ONSITE_AUTH_JWT_SECRET=placeholder)
    strong = "k" * 10 + "x7Qp2LmZ9vR4tY8wN3bC6dF1gH5jK0sA"
    settings = load(tmp_path, ONSITE_ENVIRONMENT="production", ONSITE_AUTH_JWT_SECRET=strong)
    assert settings.auth.jwt_secret == strong
    # an empty secret in production is fine: one is generated into the data directory
    assert len(load(tmp_path, ONSITE_ENVIRONMENT="production").auth.jwt_secret) >= 32


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
