"""The records service on its own (no HTTP), on SQLite and PostgreSQL: the room's functions,
owner scoping, search, sorting and the bin. Each test opens its own units of work, like the room
does, so what is asserted is what was committed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from quart import Quart
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.accounts.models import User
from server.interviews import service
from server.interviews.models import InterviewMessage, InterviewRun
from server.interviews.schemas import InterviewCreate, InterviewListQuery, InterviewUpdate
from server.kit.db import unit_of_work
from server.kit.state import get_state


@pytest.fixture
async def owners(app: Quart) -> tuple[str, str]:
    """Two users inserted directly (no auth flow needed for service tests)."""
    async with unit_of_work(get_state(app).sessions) as session:
        first = User(email="first@example.com", name="First Owner", password_hash=None)
        second = User(email="second@example.com", name="Second Owner", password_hash=None)
        session.add_all([first, second])
        await session.flush()
        return first.id, second.id


@pytest.fixture
async def session(app: Quart) -> AsyncIterator[AsyncSession]:
    async with unit_of_work(get_state(app).sessions) as opened:
        yield opened


async def new_interview(app: Quart, owner_id: str, **fields: Any) -> str:
    data = InterviewCreate.model_validate(
        {"title": "Backend", "candidate_name": "Ada Lovelace", **fields}
    )
    async with unit_of_work(get_state(app).sessions) as session:
        interview = await service.create_interview(session, owner_id, data)
        return interview.id


async def titles(app: Quart, owner_id: str, **query: Any) -> list[str]:
    async with unit_of_work(get_state(app).sessions) as session:
        page = await service.list_interviews(
            session, owner_id, InterviewListQuery.model_validate(query)
        )
        return [i.title for i in page.items]


# ---- the room's functions ----------------------------------------------------------------------


async def test_room_lifecycle_is_recorded(app: Quart, owners: tuple[str, str]) -> None:
    interview_id = await new_interview(app, owners[0])
    sent = datetime(2030, 1, 1, 10, 0, tzinfo=UTC)
    result = {"status": "ok", "language": "python", "compile": None, "run": {"stdout": "hi\n"}}
    async with unit_of_work(get_state(app).sessions) as session:
        interview = await service.get_interview_for_room(session, interview_id)
        assert interview is not None
        code = interview.join_code
        found = await service.get_interview_by_join_code(session, code)
        assert found is not None and found.id == interview_id
        started = await service.mark_in_progress(session, interview_id)
        assert started.status == "in_progress" and started.started_at is not None
        await service.append_chat_message(session, interview_id, "Ada", "candidate", "hi", sent)
        await service.append_chat_message(
            session, interview_id, "Grace", "interviewer", "hello", sent + timedelta(seconds=1)
        )
        await service.append_run(session, interview_id, "Ada", "python", "in", result)
        await service.save_room_state(session, interview_id, "print(1)", "python", "good")
    async with unit_of_work(get_state(app).sessions) as session:
        await service.complete_interview(session, interview_id, "print(2)", None, None)
    async with unit_of_work(get_state(app).sessions) as session:
        record = await service.get_interview(session, owners[0], interview_id)
    interview = record.interview
    assert interview.status == "completed"
    assert interview.final_code == "print(2)"
    assert interview.language == "python"  # None kept the saved language
    assert interview.notes == "good"
    assert interview.ended_at is not None and interview.ended_at.tzinfo is not None
    assert [(m.author_role, m.text, m.sent_at) for m in record.chat] == [
        ("candidate", "hi", sent),
        ("interviewer", "hello", sent + timedelta(seconds=1)),
    ]
    assert [(r.started_by, r.stdin, r.result) for r in record.runs] == [("Ada", "in", result)]


async def test_completed_interview_is_not_reopened(app: Quart, owners: tuple[str, str]) -> None:
    interview_id = await new_interview(app, owners[0])
    async with unit_of_work(get_state(app).sessions) as session:
        first = await service.complete_interview(session, interview_id, "x", "python", "n")
        ended_at = first.ended_at
    with pytest.raises(service.InterviewEndedError):
        async with unit_of_work(get_state(app).sessions) as session:
            await service.mark_in_progress(session, interview_id)
    async with unit_of_work(get_state(app).sessions) as session:
        again = await service.complete_interview(session, interview_id, "y", None, None)
        assert again.ended_at == ended_at
        assert again.final_code == "y"


async def test_room_lookups_answer_none_for_unknown_malformed_or_binned(
    app: Quart, owners: tuple[str, str]
) -> None:
    interview_id = await new_interview(app, owners[0])
    async with unit_of_work(get_state(app).sessions) as session:
        assert await service.get_interview_for_room(session, "0" * 32) is None
        assert await service.get_interview_for_room(session, "not-an-id'; drop") is None
        assert await service.get_interview_by_join_code(session, "nope") is None
        assert await service.get_interview_by_join_code(session, "") is None
        interview = await service.move_to_bin(session, owners[0], interview_id)
        code = interview.join_code
    async with unit_of_work(get_state(app).sessions) as session:
        assert await service.get_interview_for_room(session, interview_id) is None
        assert await service.get_interview_by_join_code(session, code) is None


async def test_room_mutations_on_unknown_interview_raise_not_found(
    session: AsyncSession,
) -> None:
    missing = "f" * 32
    now = datetime.now(UTC)
    with pytest.raises(service.InterviewNotFoundError):
        await service.mark_in_progress(session, missing)
    with pytest.raises(service.InterviewNotFoundError):
        await service.append_chat_message(session, missing, "A", "candidate", "x", now)
    with pytest.raises(service.InterviewNotFoundError):
        await service.append_run(session, missing, "A", "python", "", {"status": "ok"})
    with pytest.raises(service.InterviewNotFoundError):
        await service.save_room_state(session, missing, "", None, None)
    with pytest.raises(service.InterviewNotFoundError):
        await service.complete_interview(session, missing, "", None, None)


async def test_chat_refuses_bad_role_and_naive_time(app: Quart, owners: tuple[str, str]) -> None:
    interview_id = await new_interview(app, owners[0])
    async with unit_of_work(get_state(app).sessions) as session:
        with pytest.raises(ValueError, match="author_role"):
            await service.append_chat_message(
                session, interview_id, "A", "admin", "x", datetime.now(UTC)
            )
        with pytest.raises(ValueError, match="timezone-aware"):
            await service.append_chat_message(
                session, interview_id, "A", "candidate", "x", datetime(2030, 1, 1)
            )


# ---- owner scoping -----------------------------------------------------------------------------


async def test_another_owner_cannot_see_or_change_a_record(
    app: Quart, owners: tuple[str, str]
) -> None:
    mine, theirs = owners
    interview_id = await new_interview(app, mine)
    async with unit_of_work(get_state(app).sessions) as session:
        with pytest.raises(service.InterviewNotFoundError):
            await service.get_interview(session, theirs, interview_id)
        with pytest.raises(service.InterviewNotFoundError):
            await service.update_interview(
                session, theirs, interview_id, InterviewUpdate(title="stolen")
            )
        with pytest.raises(service.InterviewNotFoundError):
            await service.move_to_bin(session, theirs, interview_id)
        with pytest.raises(service.InterviewNotFoundError):
            await service.purge_interview(session, theirs, interview_id)
    assert await titles(app, theirs) == []
    assert await titles(app, mine) == ["Backend"]


# ---- search and sort ---------------------------------------------------------------------------


async def test_search_folds_case_beyond_ascii_and_escapes_wildcards(
    app: Quart, owners: tuple[str, str]
) -> None:
    owner = owners[0]
    await new_interview(app, owner, title="Ünal review", candidate_name="Zoë Ünal")
    await new_interview(app, owner, title="Discount 100% off", candidate_name="Bob")
    await new_interview(app, owner, title="snake_case parser", candidate_name="Cy")
    await new_interview(app, owner, title="snakeXcase other", candidate_name="Dee")
    assert await titles(app, owner, q="üNAL") == ["Ünal review"]
    assert await titles(app, owner, q="ZOË") == ["Ünal review"]
    assert await titles(app, owner, q="100%") == ["Discount 100% off"]
    assert await titles(app, owner, q="%") == ["Discount 100% off"]
    assert await titles(app, owner, q="snake_case") == ["snake_case parser"]
    assert await titles(app, owner, q="_") == ["snake_case parser"]


async def test_search_finds_notes_and_code_saved_by_the_room(
    app: Quart, owners: tuple[str, str]
) -> None:
    owner = owners[0]
    interview_id = await new_interview(app, owner, title="Plain")
    await new_interview(app, owner, title="Other")
    async with unit_of_work(get_state(app).sessions) as session:
        await service.save_room_state(
            session, interview_id, "def QuickSort(xs):\n    pass", "python", "Strong on RECURSION"
        )
    assert await titles(app, owner, q="quicksort") == ["Plain"]
    assert await titles(app, owner, q="recursion") == ["Plain"]
    assert await titles(app, owner, q="nothing like this") == []


async def test_sort_by_title_both_ways_and_nulls_last(app: Quart, owners: tuple[str, str]) -> None:
    owner = owners[0]
    await new_interview(app, owner, title="beta", scheduled_at="2030-01-02T10:00:00Z")
    await new_interview(app, owner, title="Alpha")
    await new_interview(app, owner, title="gamma", scheduled_at="2030-01-01T10:00:00+02:00")
    assert await titles(app, owner, sort="title", order="asc") == ["Alpha", "beta", "gamma"]
    assert await titles(app, owner, sort="title", order="desc") == ["gamma", "beta", "Alpha"]
    assert await titles(app, owner, sort="scheduled_at", order="asc") == ["gamma", "beta", "Alpha"]
    assert await titles(app, owner, sort="scheduled_at", order="desc") == [
        "beta",
        "gamma",
        "Alpha",
    ]


async def test_bin_restore_and_purge(app: Quart, owners: tuple[str, str]) -> None:
    owner = owners[0]
    interview_id = await new_interview(app, owner)
    async with unit_of_work(get_state(app).sessions) as session:
        with pytest.raises(service.InterviewNotInBinError):
            await service.purge_interview(session, owner, interview_id)
        await service.append_run(session, interview_id, "A", "python", "", {"status": "ok"})
        await service.move_to_bin(session, owner, interview_id)
    assert await titles(app, owner) == []
    async with unit_of_work(get_state(app).sessions) as session:
        binned = await service.list_bin(session, owner, page=1, per_page=20)
        assert [i.id for i in binned.items] == [interview_id]
        with pytest.raises(service.InterviewInBinError):
            await service.move_to_bin(session, owner, interview_id)
        await service.restore_interview(session, owner, interview_id)
    assert await titles(app, owner) == ["Backend"]
    async with unit_of_work(get_state(app).sessions) as session:
        await service.move_to_bin(session, owner, interview_id)
        await service.purge_interview(session, owner, interview_id)
    async with unit_of_work(get_state(app).sessions) as session:
        with pytest.raises(service.InterviewNotFoundError):
            await service.get_interview(session, owner, interview_id)
        assert (await service.list_bin(session, owner, page=1, per_page=20)).total == 0


async def test_room_text_with_nul_or_overlong_names_is_stored_not_refused(
    app: Quart, owners: tuple[str, str]
) -> None:
    """Browsers and programs can send NUL; PostgreSQL cannot store it in text."""
    interview_id = await new_interview(app, owners[0])
    result = {"status": "ok", "run": {"stdout": "a\x00b"}}
    async with unit_of_work(get_state(app).sessions) as session:
        await service.append_chat_message(
            session, interview_id, "N" * 300, "candidate", "x\x00y", datetime.now(UTC)
        )
        await service.append_run(session, interview_id, "A\x00", "python", "in\x00", result)
        await service.save_room_state(session, interview_id, "code\x00", "python", "n\x00")
    async with unit_of_work(get_state(app).sessions) as session:
        record = await service.get_interview(session, owners[0], interview_id)
    assert record.chat[0].text == "x\ufffdy"
    assert record.chat[0].author_name == "N" * 200
    assert record.runs[0].stdin == "in\ufffd"
    assert record.runs[0].result == result
    assert record.interview.final_code == "code\ufffd"
    assert record.interview.notes == "n\ufffd"


async def test_deleting_the_owner_deletes_their_records(
    app: Quart, owners: tuple[str, str]
) -> None:
    mine, theirs = owners
    kept = await new_interview(app, theirs, title="Theirs")
    gone = await new_interview(app, mine)
    async with unit_of_work(get_state(app).sessions) as session:
        await service.append_run(session, gone, "A", "python", "", {"status": "ok"})
        await service.append_chat_message(session, gone, "A", "candidate", "x", datetime.now(UTC))
        user = await session.get(User, mine)
        assert user is not None
        await session.delete(user)
    async with unit_of_work(get_state(app).sessions) as session:
        assert await service.get_interview_for_room(session, gone) is None
        assert await service.get_interview_for_room(session, kept) is not None
        counts = [
            await session.scalar(select(func.count()).select_from(table))
            for table in (InterviewMessage, InterviewRun)
        ]
    assert counts == [0, 0]


SEARCH_ALPHABET = st.characters(
    exclude_categories=["Cs"], exclude_characters="\x00\n\r"
) | st.sampled_from("%_\\ßİΣσςÅåǅ")


@given(
    title=st.text(SEARCH_ALPHABET, min_size=1, max_size=24),
    needle=st.one_of(
        st.sampled_from(["%", "_", "\\", "a%", "_b", "ss", "SS", "i"]),
        st.text(SEARCH_ALPHABET, min_size=1, max_size=6),
    ),
    take_slice=st.booleans(),
    start=st.integers(0, 24),
    length=st.integers(1, 6),
)
@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
async def test_search_matches_casefolded_substring_oracle(
    app: Quart,
    owners: tuple[str, str],
    title: str,
    needle: str,
    take_slice: bool,
    start: int,
    length: int,
) -> None:
    """Found exactly when the casefolded query is in the casefolded title (or candidate name),
    the same on SQLite and PostgreSQL, wildcards and all."""
    assume(title.strip())
    stored = title.strip()
    if take_slice:
        needle = stored[start : start + length] or needle
    assume(needle.strip())
    async with unit_of_work(get_state(app).sessions) as session:
        interview = await service.create_interview(
            session,
            owners[1],
            InterviewCreate(title=title, candidate_name="Q"),
        )
        interview_id = interview.id
    async with unit_of_work(get_state(app).sessions) as session:
        page = await service.list_interviews(
            session, owners[1], InterviewListQuery(q=needle, per_page=100)
        )
        await service.move_to_bin(session, owners[1], interview_id)
        await service.purge_interview(session, owners[1], interview_id)
    query = needle.strip().casefold()
    expected = query in stored.casefold() or query in "q"
    assert (interview_id in {i.id for i in page.items}) == expected, (stored, needle)
