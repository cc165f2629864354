"""Commands between server processes: a REST call that acts on a live room reaches its owner.

A REST request lands on any process (haproxy balances REST round-robin), but a live room lives
in one. ``RoomCommands.on_owner`` runs a command where the room is: here if this process owns
it, else it asks the owner (found from the advisory lock, ``Ownership.owner_of``) over the
ownership link's channel (PostgreSQL ``NOTIFY``) and waits for its answer; with no owner there
is no live room and the caller's fallback runs. ``broadcast`` tells every process (ending a
user's sockets: they may be anywhere).

Messages are small JSON objects (``NOTIFY`` takes at most 8000 bytes):
``{"op", "from", "to", "id", "room", "args"}``; an answer is ``{"op": "reply", "to", "id",
"ok", "result" | "error"}``. An unknown op is answered with an error, never dropped silently.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from server.rooms.ownership import Ownership

log = logging.getLogger(__name__)

Command = Callable[[str | None, dict[str, Any]], Awaitable[Any]]
"""A command's handler: (room id or None, args) → a JSON-able result."""

REPLY_OP = "reply"
DEFAULT_TIMEOUT_S = 5.0


class NoOwnerError(Exception):
    """Nobody holds the room: it is not live anywhere."""


class OwnerUnreachableError(Exception):
    """The owner did not answer in time (it may be dying; its lock will go with it)."""


class RoomCommands:
    def __init__(self, ownership: Ownership, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self._ownership = ownership
        self._timeout = timeout_s
        self._commands: dict[str, Command] = {}
        self._pending: dict[str, asyncio.Future[Any]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        ownership.subscribe(self._on_message)

    @property
    def node_id(self) -> str:
        return self._ownership.node_id

    def register(self, op: str, command: Command) -> None:
        self._commands[op] = command

    async def run_here(self, op: str, room_id: str | None, args: dict[str, Any]) -> Any:
        return await self._commands[op](room_id, args)

    async def on_owner(self, room_id: str, op: str, args: dict[str, Any]) -> Any:
        """Runs ``op`` for the live room on the process that owns it; ``NoOwnerError`` if no
        process does, ``OwnerUnreachableError`` if its owner does not answer."""
        owner = await self._ownership.owner_of(room_id)
        if owner is None:
            raise NoOwnerError(room_id)
        if owner == self.node_id:
            return await self.run_here(op, room_id, args)
        request_id = uuid.uuid4().hex
        answer = asyncio.get_running_loop().create_future()
        self._pending[request_id] = answer
        try:
            await self._send(
                {
                    "op": op,
                    "from": self.node_id,
                    "to": owner,
                    "id": request_id,
                    "room": room_id,
                    "args": args,
                }
            )
            async with asyncio.timeout(self._timeout):
                return await answer
        except TimeoutError:
            raise OwnerUnreachableError(f"{owner} did not answer {op} for {room_id}") from None
        finally:
            self._pending.pop(request_id, None)

    async def tell(self, node_id: str, op: str, room_id: str | None, args: dict[str, Any]) -> None:
        """Fire and forget to one process."""
        await self._send(
            {"op": op, "from": self.node_id, "to": node_id, "room": room_id, "args": args}
        )

    async def broadcast(self, op: str, args: dict[str, Any]) -> None:
        """Every other process runs ``op`` (this one should run it itself); no answers."""
        if self._ownership.enforced:
            await self._send({"op": op, "from": self.node_id, "to": None, "args": args})

    async def _send(self, message: dict[str, Any]) -> None:
        await self._ownership.publish(json.dumps(message, separators=(",", ":")))

    def _on_message(self, payload: str) -> None:
        try:
            message = json.loads(payload)
            if not isinstance(message, dict):
                raise ValueError("not an object")
        except ValueError:
            log.warning("room commands: dropped a malformed message %.200r", payload)
            return
        if message.get("from") == self.node_id:
            return
        to = message.get("to")
        if to is not None and to != self.node_id:
            return
        if message.get("op") == REPLY_OP:
            answer = self._pending.get(str(message.get("id")))
            if answer is not None and not answer.done():
                if message.get("ok"):
                    answer.set_result(message.get("result"))
                else:
                    answer.set_exception(RuntimeError(str(message.get("error"))))
            return
        task = asyncio.get_running_loop().create_task(self._run(message))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, message: dict[str, Any]) -> None:
        op = str(message.get("op"))
        room = message.get("room")
        args = message.get("args") if isinstance(message.get("args"), dict) else {}
        reply: dict[str, Any] = {
            "op": REPLY_OP,
            "from": self.node_id,
            "to": message.get("from"),
            "id": message.get("id"),
        }
        command = self._commands.get(op)
        try:
            if command is None:
                raise LookupError(f"unknown command {op!r}")
            result = await command(room if isinstance(room, str) else None, args or {})
            reply.update(ok=True, result=result)
        except Exception as exc:
            log.exception("room command %s for %s failed", op, room)
            reply.update(ok=False, error=f"{type(exc).__name__}: {exc}")
        if message.get("id") is not None:
            try:
                await self._send(reply)
            except Exception:
                log.exception("room commands: could not answer %s", op)

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for answer in self._pending.values():
            if not answer.done():
                answer.cancel()
