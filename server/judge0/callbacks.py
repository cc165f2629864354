"""``callback_url``: Judge0's ``PUT`` of the finished submission, only where the settings allow.

A callback goes only to a host named in ``[judge0] callback_allowed_hosts`` (empty by default,
so callbacks are off), and never to a loopback, private, link-local, multicast or reserved
address unless ``callback_allow_private`` is set: the name is resolved when the callback is
sent and every address it resolves to is checked, so a public name pointing inside is refused
too. The body is Judge0's: the default fields, base64-encoded, as JSON; a try that fails (no
answer, or a status >= 400) is retried up to ``callbacks_max_tries`` times in all.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import socket
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from server.settings import Judge0Settings

log = logging.getLogger(__name__)


def _is_internal(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def _literal_ip(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


def callback_url_problem(url: str, settings: Judge0Settings) -> str | None:
    """Why ``url`` may not be called back (a Judge0 field message), or None when it may."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port  # raises for a malformed port
    except ValueError:
        return "is not a valid URL"
    if parts.scheme not in ("http", "https") or not host:
        return "is not a valid URL"
    if not settings.callback_allowed_hosts:
        return "callbacks are not enabled on this server"
    allowed = {h.lower().strip("[]") for h in settings.callback_allowed_hosts}
    if host.lower() not in allowed:
        return f"host {host} is not allowed"
    literal = _literal_ip(host)
    if literal is not None and _is_internal(literal) and not settings.callback_allow_private:
        return f"host {host} is a private address"
    return None


async def _resolves_inside(host: str, port: int) -> bool:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return any(_is_internal(str(info[4][0]).split("%")[0]) for info in infos)


async def send_callback(url: str, body: dict[str, Any], settings: Judge0Settings) -> bool:
    """PUT ``body`` to ``url`` with retries; True once a try answered < 400."""
    if callback_url_problem(url, settings) is not None:
        log.warning("callback to %s refused by the settings", url)
        return False
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        if not settings.callback_allow_private and await _resolves_inside(host, port):
            log.warning("callback to %s refused: %s resolves to a private address", url, host)
            return False
    except OSError as exc:
        log.warning("callback to %s: %s does not resolve (%s)", url, host, exc)
        return False
    payload = json.dumps(body).encode("utf-8")
    timeout = aiohttp.ClientTimeout(total=settings.callbacks_timeout_seconds)
    for attempt in range(1, settings.callbacks_max_tries + 1):
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.put(
                    url,
                    data=payload,
                    headers={"Content-Type": "application/json"},
                    allow_redirects=False,
                ) as response,
            ):
                if response.status < 400:
                    return True
                log.info("callback to %s answered %s (try %d)", url, response.status, attempt)
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.info("callback to %s failed (try %d): %s", url, attempt, exc)
        if attempt < settings.callbacks_max_tries:
            await asyncio.sleep(settings.callbacks_retry_delay_seconds * attempt)
    return False
