"""``/api/runs`` and ``/api/languages``."""

from __future__ import annotations

from quart import Blueprint
from quart_schema import validate_request, validate_response

from server.accounts.auth import require_user
from server.kit.errors import documents_errors
from server.kit.state import get_state
from server.runs import service
from server.runs.schemas import LanguageOut, RunIn, RunResultOut

blueprint = Blueprint("runs", __name__, url_prefix="/api")


@blueprint.get("/languages")
@validate_response(list[LanguageOut], 200)
async def languages() -> list[LanguageOut]:
    """The language catalogue with versions and starter stubs (public)."""
    infos = service.list_languages(get_state().run_engine)
    return [LanguageOut(**info.to_dict()) for info in infos]


@blueprint.post("/runs")
@validate_request(RunIn)
@validate_response(RunResultOut, 200)
@documents_errors(400, 401, 403, 413, 415, 429, 503)
async def create_run(data: RunIn) -> RunResultOut:
    """Run code in the sandbox and answer its verdict (waits for the run to finish).

    With ``tests`` the program is compiled once and each test runs as a fresh process; the
    answer then carries one result per test, ``passed``/``total``, and ``accepted`` or the first
    failing test's verdict as its status."""
    user = await require_user(scope="runs")
    state = get_state()
    async with state.run_quota.slot(user.id):
        result = await service.run_code(state.run_engine, data)
    return RunResultOut.model_validate(result.to_dict())
