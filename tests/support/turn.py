"""A real coturn on loopback for the tests, and a minimal STUN/TURN client to talk to it.

The client speaks just enough of RFC 5389/5766 (Binding; Allocate with the long-term credential
mechanism) to prove what the browser relies on: coturn answers STUN, accepts the credentials the
server derives, and refuses expired or forged ones. No mock: the answers come from coturn.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import socket
import struct
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from server.rooms.ice import coturn_config
from server.settings import Settings
from tests.support.net import free_port

MAGIC_COOKIE = 0x2112A442
BINDING_REQUEST, BINDING_SUCCESS = 0x0001, 0x0101
ALLOCATE_REQUEST, ALLOCATE_SUCCESS, ALLOCATE_ERROR = 0x0003, 0x0103, 0x0113
ATTR_USERNAME, ATTR_MESSAGE_INTEGRITY, ATTR_ERROR_CODE = 0x0006, 0x0008, 0x0009
ATTR_REALM, ATTR_NONCE, ATTR_XOR_RELAYED_ADDRESS = 0x0014, 0x0015, 0x0016
ATTR_REQUESTED_TRANSPORT, ATTR_XOR_MAPPED_ADDRESS = 0x0019, 0x0020
UDP = 17


@dataclass
class Coturn:
    """``turnserver`` in the foreground, configured by ``server.rooms.ice.coturn_config``."""

    settings: Settings
    process: subprocess.Popen[bytes]
    log_file: Path

    @classmethod
    def start(cls, settings: Settings, workdir: Path) -> Coturn:
        workdir.mkdir(parents=True, exist_ok=True)
        log_file = workdir / "turnserver.log"
        config = workdir / "turnserver.conf"
        config.write_text(
            coturn_config(settings, pidfile=str(workdir / "turnserver.pid"), log_file=str(log_file))
        )
        os.chmod(config, 0o600)
        process = subprocess.Popen(
            ["turnserver", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        server = cls(settings, process, log_file)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"turnserver exited ({process.returncode}): {server.log()}")
            try:
                binding(settings.turn.listen_ip, settings.turn.port, timeout_s=0.2)
                return server
            except OSError:
                time.sleep(0.05)
        server.stop()
        raise RuntimeError(f"turnserver did not answer within 10 s: {server.log()}")

    def log(self) -> str:
        try:
            return self.log_file.read_text()[-2000:]
        except OSError:
            return ""

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


def coturn_settings(tmp_path: Path, **turn: object) -> Settings:
    """Test settings whose ``[turn]`` points at a coturn on a free loopback port."""
    low = free_port()
    values: dict[str, object] = {
        "port": free_port(),
        "listen_ip": "127.0.0.1",
        "host": "127.0.0.1",
        "relay_min_port": max(1024, min(low, 65000)),
        "relay_max_port": max(1024, min(low, 65000)) + 30,
        "allow_loopback_peers": True,
    }
    values.update(turn)
    return Settings.for_tests(tmp_path, turn=values)


# ---- the client -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StunAnswer:
    kind: int
    attributes: dict[int, bytes]

    @property
    def error_code(self) -> int | None:
        raw = self.attributes.get(ATTR_ERROR_CODE)
        if raw is None:
            return None
        return (raw[2] & 0x7) * 100 + raw[3]

    def xor_address(self, attribute: int) -> tuple[str, int]:
        raw = self.attributes[attribute]
        port = struct.unpack(">H", raw[2:4])[0] ^ (MAGIC_COOKIE >> 16)
        address = struct.unpack(">I", raw[4:8])[0] ^ MAGIC_COOKIE
        return socket.inet_ntoa(struct.pack(">I", address)), port


def _attribute(kind: int, value: bytes) -> bytes:
    padding = b"\0" * (-len(value) % 4)
    return struct.pack(">HH", kind, len(value)) + value + padding


def _message(kind: int, transaction: bytes, attributes: bytes) -> bytes:
    return struct.pack(">HHI", kind, len(attributes), MAGIC_COOKIE) + transaction + attributes


def _parse(data: bytes) -> StunAnswer:
    kind, length, cookie = struct.unpack(">HHI", data[:8])
    if cookie != MAGIC_COOKIE:
        raise ValueError("not a STUN message")
    attributes: dict[int, bytes] = {}
    offset = 20
    while offset + 4 <= 20 + length:
        attr, size = struct.unpack(">HH", data[offset : offset + 4])
        attributes.setdefault(attr, data[offset + 4 : offset + 4 + size])
        offset += 4 + size + (-size % 4)
    return StunAnswer(kind, attributes)


def _exchange(host: str, port: int, message: bytes, timeout_s: float) -> StunAnswer:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout_s)
        sock.sendto(message, (host, port))
        data, _ = sock.recvfrom(4096)
    return _parse(data)


def binding(host: str, port: int, *, timeout_s: float = 2.0) -> tuple[str, int]:
    """A STUN Binding request: the address coturn saw us at."""
    answer = _exchange(host, port, _message(BINDING_REQUEST, os.urandom(12), b""), timeout_s)
    if answer.kind != BINDING_SUCCESS:
        raise OSError(f"STUN binding answered 0x{answer.kind:04x}")
    return answer.xor_address(ATTR_XOR_MAPPED_ADDRESS)


def allocate(host: str, port: int, username: str, password: str) -> StunAnswer:
    """A TURN Allocate with the long-term credential: first unauthenticated (coturn answers
    401 with its realm and nonce), then signed with MD5(username:realm:password)."""
    transport = _attribute(ATTR_REQUESTED_TRANSPORT, bytes([UDP, 0, 0, 0]))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(2.0)
        sock.sendto(_message(ALLOCATE_REQUEST, os.urandom(12), transport), (host, port))
        challenge = _parse(sock.recvfrom(4096)[0])
        if challenge.error_code != 401:
            return challenge
        realm, nonce = challenge.attributes[ATTR_REALM], challenge.attributes[ATTR_NONCE]
        attributes = (
            transport
            + _attribute(ATTR_USERNAME, username.encode())
            + _attribute(ATTR_REALM, realm)
            + _attribute(ATTR_NONCE, nonce)
        )
        transaction = os.urandom(12)
        # MESSAGE-INTEGRITY covers the message with its length already counting itself (24).
        head = struct.pack(">HHI", ALLOCATE_REQUEST, len(attributes) + 24, MAGIC_COOKIE)
        key = hashlib.md5(f"{username}:{realm.decode()}:{password}".encode()).digest()
        mac = hmac.new(key, head + transaction + attributes, hashlib.sha1).digest()
        sock.sendto(head + transaction + attributes + _attribute(ATTR_MESSAGE_INTEGRITY, mac),
                    (host, port))  # fmt: skip
        return _parse(sock.recvfrom(4096)[0])
