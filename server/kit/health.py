"""``/api/health`` (liveness) and ``/api/ready`` (readiness), for haproxy and orchestrators.

* ``/api/health`` answers 200 as long as the process serves requests; it asks nothing else, so
  a database or Redis outage never makes a proxy kill (or an orchestrator restart) every node
  at once.
* ``/api/ready`` asks each readiness check (``server.kit.readiness``: database, Redis when
  configured, the run engine, and whatever a backend adds) and answers 200 with each check's
  outcome, or 503 in the API's error shape plus the same outcomes, naming the failed checks.

Neither needs a session nor counts against a rate limit: a proxy probing every second must not
be refused into marking the node down. A flood cannot multiply the probes either: concurrent
``/api/ready`` requests share one run of the checks.
"""

from __future__ import annotations

import asyncio
from typing import Literal

from pydantic import BaseModel, ConfigDict
from quart import Blueprint
from quart_schema import validate_response

from server.kit.errors import ErrorDetail
from server.kit.readiness import CheckOutcome, run_checks
from server.kit.state import AppState, get_state

blueprint = Blueprint("health", __name__, url_prefix="/api")
_IN_FLIGHT = "readiness_in_flight"


class HealthOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["ok"]


class CheckOut(BaseModel):
    """One check: did it answer, how long it took, and what it said (or why it failed)."""

    model_config = ConfigDict(extra="forbid")

    ok: bool
    ms: float
    detail: str | None = None
    error: str | None = None


class ReadyOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["ready"]
    checks: dict[str, CheckOut]


class NotReadyOut(BaseModel):
    """The API's error shape (code ``not_ready``, the failed checks in the message) plus every
    check's outcome."""

    model_config = ConfigDict(extra="forbid")

    error: ErrorDetail
    checks: dict[str, CheckOut]


@blueprint.get("/health")
@validate_response(HealthOut, 200)
async def health() -> HealthOut:
    """Liveness: the process answers.

    Asks no dependency and needs no authentication."""
    return HealthOut(status="ok")


@blueprint.get("/ready")
@validate_response(ReadyOut, 200)
@validate_response(NotReadyOut, 503)
async def ready() -> ReadyOut | tuple[NotReadyOut, int]:
    """Readiness: every dependency answers.

    The database answers a query, Redis answers PING (when configured) and the run engine is
    reachable; 503 names the checks that failed. Needs no authentication."""
    outcomes = await _shared_run(get_state())
    checks = {o.name: CheckOut(ok=o.ok, ms=o.ms, detail=o.detail, error=o.error) for o in outcomes}
    failed = [o for o in outcomes if not o.ok]
    if not failed:
        return ReadyOut(status="ready", checks=checks)
    message = "Not ready: " + "; ".join(f"{o.name}: {o.error}" for o in failed)
    return NotReadyOut(error=ErrorDetail(code="not_ready", message=message), checks=checks), 503


async def _shared_run(state: AppState) -> list[CheckOutcome]:
    """The checks' outcomes; a request arriving while they run waits for the same run."""
    task: asyncio.Future[list[CheckOutcome]] | None = state.extras.get(_IN_FLIGHT)
    if task is None or task.done():
        task = asyncio.ensure_future(run_checks(list(state.readiness)))
        state.extras[_IN_FLIGHT] = task
    return await asyncio.shield(task)
