"""A real ``redis-server`` on loopback for the tests: no persistence, its own directory.

``RedisServer.start`` can also write ACL users (``users={"runner": "on >pw ~onsite:q:* +@all"}``)
so a test can check what a restricted user may not touch. No mock: the answers come from Redis.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tests.support.net import free_port


@dataclass
class RedisServer:
    host: str
    port: int
    process: subprocess.Popen[bytes]
    log_file: Path

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"

    def url_for(self, user: str, password: str) -> str:
        return f"redis://{user}:{password}@{self.host}:{self.port}/0"

    @classmethod
    def start(cls, workdir: Path, *, users: Mapping[str, str] | None = None) -> RedisServer:
        """Start a server and wait until it answers ``PING``; ``users`` are ACL rules by name."""
        workdir.mkdir(parents=True, exist_ok=True)
        port = free_port()
        log_file = workdir / "redis.log"
        args = [
            "redis-server", "--bind", "127.0.0.1", "--port", str(port), "--dir", str(workdir),
            "--save", "", "--appendonly", "no", "--logfile", str(log_file),
            "--daemonize", "no", "--protected-mode", "yes",
        ]
        if users:
            acl = workdir / "users.acl"
            acl.write_text("".join(f"user {name} {rule}\n" for name, rule in users.items())
                           + "user default on nopass ~* &* +@all\n")
            args += ["--aclfile", str(acl)]
        process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        server = cls("127.0.0.1", port, process, log_file)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"redis-server exited ({process.returncode}): {server.log()}")
            if server.ping():
                return server
            time.sleep(0.02)
        server.stop()
        raise RuntimeError(f"redis-server did not answer within 10 s: {server.log()}")

    def ping(self) -> bool:
        try:
            with socket.create_connection((self.host, self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def flush(self) -> None:
        """Empty every database, so tests sharing the session's server start clean."""
        with socket.create_connection((self.host, self.port), timeout=2) as sock:
            sock.sendall(b"FLUSHALL\r\n")
            sock.recv(64)

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
