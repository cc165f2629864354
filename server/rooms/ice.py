"""What a participant's browser needs to connect video: ICE servers with short-lived TURN
credentials, and whether it may use anything but relayed candidates.

The TURN credentials follow the TURN REST API scheme coturn implements with
``use-auth-secret``/``static-auth-secret``: the username is ``<unix expiry>:<participant id>`` and
the password is base64(HMAC-SHA1(secret, username)). coturn recomputes the HMAC and refuses an
expired username, so a credential copied out of a browser dies on its own, and the shared secret
never leaves the server.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

from server.settings import Settings

TransportPolicy = Literal["all", "relay"]


@dataclass(frozen=True, slots=True)
class IceConfig:
    servers: tuple[dict[str, Any], ...]
    transport_policy: TransportPolicy
    expires_at: int | None
    """Unix time the TURN credential stops working (``None``: no TURN configured)."""


class IceSource(Protocol):
    """ICE servers for one participant id, relay-only if the room asks (``ice_config`` bound
    to the settings, or ``no_ice``)."""

    def __call__(self, participant_id: str, *, relay_only: bool = False) -> IceConfig: ...


def no_ice(participant_id: str, *, relay_only: bool = False) -> IceConfig:
    """No STUN or TURN server at all (room tests without video)."""
    return IceConfig((), "all", None)


def turn_credential(secret: str, username: str) -> str:
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def turn_host(settings: Settings) -> str:
    host = settings.turn.host or urlsplit(settings.server.public_url).hostname or "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def own_turn_urls(settings: Settings) -> list[str]:
    """The installation's coturn, over UDP and TCP (for networks that only let TCP out)."""
    if not settings.turn.enabled:
        return []
    address = f"{turn_host(settings)}:{settings.turn.port}"
    return [f"turn:{address}?transport=udp", f"turn:{address}?transport=tcp"]


def ice_config(
    settings: Settings,
    participant_id: str,
    *,
    relay_only: bool = False,
    now: float | None = None,
) -> IceConfig:
    """ICE servers for one participant of one room; ``relay_only`` is the room's own choice,
    which can only tighten the installation's ``[turn] relay_only``."""
    servers: list[dict[str, Any]] = []
    stun = list(settings.rooms.stun_urls)
    if settings.turn.enabled:
        stun.insert(0, f"stun:{turn_host(settings)}:{settings.turn.port}")
    if stun:
        servers.append({"urls": stun})
    turn_urls = own_turn_urls(settings) + list(settings.rooms.turn_urls)
    expires_at: int | None = None
    if turn_urls and settings.turn.secret:
        expires_at = int(now if now is not None else time.time()) + (
            settings.turn.credential_ttl_seconds
        )
        username = f"{expires_at}:{participant_id}"
        servers.append(
            {
                "urls": turn_urls,
                "username": username,
                "credential": turn_credential(settings.turn.secret, username),
            }
        )
    relay = (relay_only or settings.turn.relay_only) and expires_at is not None
    return IceConfig(tuple(servers), "relay" if relay else "all", expires_at)


def coturn_config(settings: Settings, *, pidfile: str, log_file: str) -> str:
    """A ``turnserver.conf`` for the installation's own coturn, from the same settings (and the
    same generated secret) the server hands credentials out with.

    Relaying to private, loopback and link-local addresses is refused unless a test allows
    loopback: an open TURN relay is a way into the company's internal network.
    """
    turn = settings.turn
    if not turn.secret:
        raise ValueError("[turn] has no secret (is [turn] enabled?)")
    lines = [
        f"listening-ip={turn.listen_ip}",
        f"listening-port={turn.port}",
        f"min-port={turn.relay_min_port}",
        f"max-port={turn.relay_max_port}",
        f"realm={turn.realm}",
        "use-auth-secret",
        f"static-auth-secret={turn.secret}",
        "fingerprint",
        "no-cli",
        "no-tls",
        "no-dtls",
        "no-multicast-peers",
        "no-software-attribute",
        "stale-nonce=600",
        "user-quota=12",
        "total-quota=1200",
        f"pidfile={pidfile}",
        f"log-file={log_file}",
        "simple-log",
    ]
    denied = [
        "0.0.0.0-0.255.255.255",
        "10.0.0.0-10.255.255.255",
        "100.64.0.0-100.127.255.255",
        "169.254.0.0-169.254.255.255",
        "172.16.0.0-172.31.255.255",
        "192.0.0.0-192.0.0.255",
        "192.168.0.0-192.168.255.255",
        "198.18.0.0-198.19.255.255",
        "::1",
        "fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        "fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    ]
    if turn.allow_loopback_peers:
        lines += ["allow-loopback-peers", "allowed-peer-ip=127.0.0.1"]
    else:
        denied.append("127.0.0.0-127.255.255.255")
    lines += [f"denied-peer-ip={block}" for block in denied]
    return "\n".join(lines) + "\n"
