"""The retention purge: completed interviews past the organization's limit are deleted, on a
timer while the app serves and on the admin's request.

Each pass reads one batch, closes the batch's live rooms (they flush their logs in sessions of
their own, which an open write transaction would block on SQLite), then deletes it in a new
unit of work; the deletion is audited.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Callable

from server.kit.db import unit_of_work
from server.kit.state import AppState
from server.organization import service
from server.rooms import service as rooms

log = logging.getLogger(__name__)


async def purge_once(state: AppState) -> int:
    """One pass; how many interviews it deleted."""
    async with unit_of_work(state.sessions) as session:
        ids = await service.expired_interview_ids(session)
    if not ids:
        return 0
    await rooms.close_live_rooms(
        state, ids, "interview_deleted", "This interview passed the retention period."
    )
    async with unit_of_work(state.sessions) as session:
        return await service.purge_expired(session, ids)


async def _loop(state: AppState) -> None:
    interval = state.settings.organization.retention_check_minutes * 60
    while True:
        await asyncio.sleep(interval)
        try:
            while await purge_once(state) >= service.RETENTION_BATCH:
                pass  # a full batch: there may be more
        except Exception:
            log.exception("the retention purge failed; trying again later")


def serving(state: AppState) -> Callable[[], AsyncGenerator[None, None]]:
    """For ``app.while_serving``: the purge runs on a timer while the app serves."""

    async def run() -> AsyncGenerator[None, None]:
        task = asyncio.create_task(_loop(state), name="retention")
        try:
            yield
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    return run
