"""What a room starts from: the record's language, else the catalogue's default one."""

from __future__ import annotations

import dataclasses

from quart import Quart

from server.interviews import service as interviews
from server.interviews.schemas import InterviewCreate
from server.kit.db import unit_of_work
from server.kit.state import get_state
from server.rooms.service import load_seed
from tests.support.auth import SignedIn
from tests.support.fake_engine import FAKE_LANGUAGES

PYTHON, C = FAKE_LANGUAGES
C_BY_DEFAULT = (PYTHON, dataclasses.replace(C, default=True))


async def test_a_room_starts_in_the_catalogue_default(app: Quart, signed_in: SignedIn) -> None:
    async with unit_of_work(get_state(app).sessions) as session:
        untyped = await interviews.create_interview(
            session, signed_in.user["id"], InterviewCreate(title="Any", candidate_name="Grace")
        )
        typed = await interviews.create_interview(
            session,
            signed_in.user["id"],
            InterviewCreate(title="Py", candidate_name="Grace", language="python"),
        )
        seed = await load_seed(session, untyped.id, C_BY_DEFAULT)
        assert seed is not None and (seed.language, seed.stub) == ("c", C.stub)
        seed = await load_seed(session, typed.id, C_BY_DEFAULT)
        assert seed is not None and seed.language == "python"
        seed = await load_seed(session, untyped.id, FAKE_LANGUAGES)  # none marked: the first
        assert seed is not None and seed.language == "python"
