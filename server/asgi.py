"""The one ASGI app: Socket.IO at ``/socket.io/``, everything else to Quart.

``socketio.ASGIApp`` is built WITHOUT ``on_startup``/``on_shutdown``: with them it swallows the
lifespan events and Quart's ``before_serving`` (database, engine, mail) never runs.
"""

from __future__ import annotations

from typing import Any

import socketio
from quart import Quart

from runners.contract import Engine
from server.app import create_app
from server.rooms.events import create_socket_server
from server.settings import Settings


def attach_socket_server(app: Quart) -> Any:
    """Wrap ``app`` with the room's Socket.IO server."""
    sio = create_socket_server(app)
    return socketio.ASGIApp(sio, other_asgi_app=app, socketio_path="socket.io")


def build_asgi(settings: Settings, engine: Engine | None = None) -> Any:
    return attach_socket_server(create_app(settings, engine))


def _from_environment() -> Any:
    """For ``uvicorn server.asgi:app``: settings from defaults and ``ONSITE_*``."""
    return build_asgi(Settings.load())


def __getattr__(name: str) -> Any:
    # Built lazily so importing this module (tests, tools) never reads settings or opens anything.
    if name == "app":
        return _from_environment()
    raise AttributeError(name)
