"""TURN credentials (TURN REST API scheme) and the installation's own coturn, for real.

A real ``turnserver`` from Debian runs on loopback, configured by ``coturn_config`` from the same
settings the server hands credentials out with; the STUN/TURN exchanges are real UDP.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.rooms.ice import coturn_config, ice_config, turn_credential
from server.settings import Settings
from tests.support.turn import (
    ALLOCATE_SUCCESS,
    ATTR_XOR_RELAYED_ADDRESS,
    Coturn,
    allocate,
    binding,
    coturn_settings,
)


def test_no_third_party_stun_by_default(tmp_path: Path) -> None:
    settings = Settings.for_tests(tmp_path)
    config = ice_config(settings, "p1", now=1_000_000)
    urls = [url for server in config.servers for url in server["urls"]]
    assert urls == [
        "stun:127.0.0.1:3478",
        "turn:127.0.0.1:3478?transport=udp",
        "turn:127.0.0.1:3478?transport=tcp",
    ]
    assert not any("google" in url for url in urls)
    assert config.transport_policy == "all"


def test_credentials_are_short_lived_hmacs_never_the_secret(tmp_path: Path) -> None:
    settings = Settings.for_tests(tmp_path, turn={"credential_ttl_seconds": 600})
    config = ice_config(settings, "participant-7", now=1_000_000)
    turn = config.servers[-1]
    assert turn["username"] == "1000600:participant-7"
    assert config.expires_at == 1_000_600
    assert turn["credential"] == turn_credential(settings.turn.secret, turn["username"])
    assert settings.turn.secret not in repr(config)
    secret_file = settings.data_dir / "secrets" / "turn_secret"
    assert secret_file.read_text().strip() == settings.turn.secret
    assert secret_file.stat().st_mode & 0o077 == 0


def test_relay_only_from_installation_or_room(tmp_path: Path) -> None:
    assert ice_config(
        Settings.for_tests(tmp_path / "a"), "p", relay_only=True
    ).transport_policy == ("relay")
    relay = Settings.for_tests(tmp_path / "b", turn={"relay_only": True})
    assert ice_config(relay, "p").transport_policy == "relay"
    no_turn = Settings.for_tests(tmp_path / "c", turn={"enabled": False})
    config = ice_config(no_turn, "p", relay_only=True)
    assert config.servers == () and config.transport_policy == "all"


def test_coturn_config_refuses_relaying_into_private_networks(tmp_path: Path) -> None:
    settings = Settings.for_tests(tmp_path)
    text = coturn_config(settings, pidfile="/p", log_file="/l")
    assert f"static-auth-secret={settings.turn.secret}" in text
    for block in ("10.0.0.0-10.255.255.255", "192.168.0.0-192.168.255.255",
                  "127.0.0.0-127.255.255.255", "172.16.0.0-172.31.255.255"):  # fmt: skip
        assert f"denied-peer-ip={block}" in text
    assert "allow-loopback-peers" not in text


@pytest.fixture
def coturn(tmp_path: Path) -> Iterator[Coturn]:
    server = Coturn.start(coturn_settings(tmp_path), tmp_path / "coturn")
    try:
        yield server
    finally:
        server.stop()


def test_coturn_answers_stun(coturn: Coturn) -> None:
    turn = coturn.settings.turn
    assert binding(turn.listen_ip, turn.port)[0] == "127.0.0.1"


def test_coturn_accepts_the_derived_credential(coturn: Coturn) -> None:
    turn = coturn.settings.turn
    server = ice_config(coturn.settings, "candidate-1").servers[-1]
    answer = allocate(turn.listen_ip, turn.port, server["username"], server["credential"])
    assert answer.kind == ALLOCATE_SUCCESS, (answer.error_code, coturn.log())
    host, port = answer.xor_address(ATTR_XOR_RELAYED_ADDRESS)
    assert host == "127.0.0.1"
    assert turn.relay_min_port <= port <= turn.relay_max_port


def test_coturn_refuses_an_expired_credential(coturn: Coturn) -> None:
    settings, turn = coturn.settings, coturn.settings.turn
    past = time.time() - turn.credential_ttl_seconds - 60
    server = ice_config(settings, "candidate-1", now=past).servers[-1]
    answer = allocate(turn.listen_ip, turn.port, server["username"], server["credential"])
    assert answer.kind != ALLOCATE_SUCCESS
    assert answer.error_code == 401


def test_coturn_refuses_a_forged_credential(coturn: Coturn) -> None:
    turn = coturn.settings.turn
    username = f"{int(time.time()) + 3600}:intruder"
    forged = turn_credential("not-the-secret-" * 4, username)
    answer = allocate(turn.listen_ip, turn.port, username, forged)
    assert answer.error_code == 401
