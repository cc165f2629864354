"""The question bank over HTTP, through the real app on SQLite and PostgreSQL: visibility,
revisions, search and filters, copies, import/export, the shipped examples, and bad input."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from quart import Quart
from quart.typing import TestClientProtocol as Client

from server.questions import bundle
from tests.support.auth import SignedIn, register_and_login

SUM: dict[str, Any] = {
    "title": "Sum of two",
    "prompt": "# Sum\nPrint a + b. <script>alert(1)</script>",
    "difficulty": "easy",
    "tags": ["math", "warm-up"],
    "guide": "Should take a minute.",
    "starters": {"python": "a, b = map(int, input().split())\n", "c": "int main(void){}\n"},
    "tests": [
        {"name": "small", "stdin": "1 2\n", "expected_stdout": "3\n"},
        {"name": "big", "stdin": "1000 2000\n", "expected_stdout": "3000\n", "hidden": True,
         "weight": 2, "limits": {"run_timeout_ms": 500}},
    ],
}  # fmt: skip


async def error_of(response: Any, status: int) -> str:
    body = await response.get_json()
    assert response.status_code == status, body
    assert body["error"]["message"]
    code: str = body["error"]["code"]
    return code


async def create(signed_in: SignedIn, **fields: Any) -> dict[str, Any]:
    response = await signed_in.client.post(
        "/api/questions", json={**SUM, **fields}, headers=signed_in.csrf
    )
    body: dict[str, Any] = await response.get_json()
    assert response.status_code == 201, body
    return body


@pytest.fixture
async def other(app: Quart) -> SignedIn:
    return await register_and_login(app.test_client(), name="Bob Other")


async def test_create_read_and_the_prompt_is_stored_as_written(signed_in: SignedIn) -> None:
    created = await create(signed_in)
    assert created["revision"] == 1 and created["owned"] and not created["built_in"]
    assert created["languages"] == ["c", "python"]
    assert (created["test_count"], created["hidden_test_count"]) == (2, 1)
    response = await signed_in.client.get(f"/api/questions/{created['id']}")
    detail = await response.get_json()
    assert detail["prompt"] == SUM["prompt"]  # rendered safely by clients, never as HTML here
    assert detail["tests"][1]["hidden"] is True
    assert detail["tests"][1]["limits"] == {"run_timeout_ms": 500, "memory_mb": None}
    assert detail["guide"] == "Should take a minute."


async def test_private_questions_are_invisible_to_others(
    signed_in: SignedIn, other: SignedIn
) -> None:
    private = await create(signed_in)
    shared = await create(signed_in, title="Shared one", visibility="shared")
    response = await other.client.get(f"/api/questions/{private['id']}")
    assert await error_of(response, 404) == "question_not_found"
    response = await other.client.get(f"/api/questions/{shared['id']}")
    assert response.status_code == 200
    assert (await response.get_json())["owned"] is False
    listing = await (await other.client.get("/api/questions?scope=all&per_page=100")).get_json()
    titles = [item["title"] for item in listing["items"]]
    assert "Shared one" in titles and "Sum of two" not in titles
    # seen but not theirs: they may copy it, not change or delete it
    response = await other.client.patch(
        f"/api/questions/{shared['id']}", json={"title": "Mine now"}, headers=other.csrf
    )
    assert await error_of(response, 403) == "not_question_author"
    response = await other.client.delete(f"/api/questions/{shared['id']}", headers=other.csrf)
    assert await error_of(response, 403) == "not_question_author"
    response = await other.client.post(f"/api/questions/{shared['id']}/copy", headers=other.csrf)
    copy = await response.get_json()
    assert response.status_code == 201 and copy["owned"] and copy["visibility"] == "private"
    assert copy["title"] == "Shared one (copy)"


async def test_edits_make_revisions_and_old_ones_stay(signed_in: SignedIn) -> None:
    created = await create(signed_in)
    url = f"/api/questions/{created['id']}"
    response = await signed_in.client.patch(
        url, json={"prompt": "New prompt", "tests": []}, headers=signed_in.csrf
    )
    changed = await response.get_json()
    assert response.status_code == 200, changed
    assert changed["revision"] == 2 and changed["prompt"] == "New prompt"
    assert changed["title"] == "Sum of two" and changed["test_count"] == 0
    revisions = await (await signed_in.client.get(f"{url}/revisions")).get_json()
    assert [r["number"] for r in revisions["items"]] == [2, 1]
    assert {r["author_name"] for r in revisions["items"]} == {"Ada Interviewer"}
    first = await (await signed_in.client.get(f"{url}/revisions/1")).get_json()
    assert first["prompt"] == SUM["prompt"] and len(first["tests"]) == 2
    response = await signed_in.client.get(f"{url}/revisions/9")
    assert await error_of(response, 404) == "question_not_found"
    response = await signed_in.client.delete(url, headers=signed_in.csrf)
    assert response.status_code == 204
    assert (await signed_in.client.get(url)).status_code == 404


async def test_search_and_filters(signed_in: SignedIn) -> None:
    await create(signed_in)
    await create(signed_in, title="Graph walk", difficulty="hard", tags=["graphs"],
                 prompt="Breadth-first search.", starters={"c": "int main(void){}"})  # fmt: skip

    async def titles(query: str) -> list[str]:
        response = await signed_in.client.get(f"/api/questions?scope=mine&{query}")
        body = await response.get_json()
        assert response.status_code == 200, body
        return [item["title"] for item in body["items"]]

    assert await titles("q=BREADTH") == ["Graph walk"]
    assert await titles("q=sum%20print") == ["Sum of two"]
    assert await titles("difficulty=hard") == ["Graph walk"]
    assert await titles("tag=Math") == ["Sum of two"]
    assert await titles("tag=mat") == []  # a tag matches whole, not in part
    assert await titles("language=python") == ["Sum of two"]
    assert await titles("q=100%25") == []
    assert sorted(await titles("")) == ["Graph walk", "Sum of two"]


async def test_bad_input_is_a_clear_400(signed_in: SignedIn) -> None:
    client, csrf = signed_in.client, signed_in.csrf
    cases: list[dict[str, Any]] = [
        {**SUM, "starters": {"cobol": "DISPLAY."}},
        {**SUM, "tests": [{"name": "a"}, {"name": "a"}]},
        {**SUM, "tests": [{"name": f"t{i}"} for i in range(bundle.TESTS_MAX + 1)]},
        {**SUM, "prompt": "x" * (bundle.PROMPT_MAX_BYTES + 1)},
        {**SUM, "starters": {"python": "é" * (bundle.STARTER_MAX_BYTES // 2 + 1)}},
        {**SUM, "tests": [{"name": "bad name!"}]},
        {**SUM, "tests": [{"name": "a", "weight": 0}]},
        {**SUM, "difficulty": "brutal"},
        {**SUM, "colour": "red"},
        {**SUM, "title": ""},
    ]
    for body in cases:
        response = await client.post("/api/questions", json=body, headers=csrf)
        assert response.status_code == 400, (body.keys(), await response.get_json())
    response = await client.post(
        "/api/questions", json={**SUM, "starters": {"cobol": "x"}}, headers=csrf
    )
    assert await error_of(response, 400) == "unknown_language"
    assert (await client.get("/api/questions/not-an-id")).status_code == 404


async def test_anonymous_is_refused(client: Client) -> None:
    assert (await client.get("/api/questions")).status_code == 401


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


async def test_export_then_import_round_trips(signed_in: SignedIn, other: SignedIn) -> None:
    created = await create(signed_in)
    response = await signed_in.client.get(f"/api/questions/{created['id']}/export")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    data = await response.get_data(as_text=False)
    assert isinstance(data, bytes)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "sum-of-two/question.toml" in names and "sum-of-two/tests/big.out" in names
    response = await other.client.post(
        "/api/questions/import",
        data=data,
        headers={**other.csrf, "Content-Type": "application/zip"},
    )
    imported = await response.get_json()
    assert response.status_code == 201, imported
    [question] = imported["imported"]
    detail = await (await other.client.get(f"/api/questions/{question['id']}")).get_json()
    for key in ("title", "prompt", "difficulty", "tags", "guide", "starters", "tests"):
        assert detail[key] == created[key], key


async def test_a_bad_import_imports_nothing(signed_in: SignedIn) -> None:
    good = {
        "good/question.toml": b'title = "Good"\n',
        "good/prompt.md": b"fine",
    }
    bad = {**good, "bad/question.toml": b'title = "Bad"\nunknown = 1\n', "bad/prompt.md": b"x"}
    before = await (await signed_in.client.get("/api/questions?scope=mine")).get_json()
    for body, content_type in (
        (zip_of(bad), "application/zip"),
        (zip_of({"../../etc/question.toml": b'title = "x"'}), "application/zip"),
        (b"not a zip", "application/zip"),
    ):
        response = await signed_in.client.post(
            "/api/questions/import", data=body,
            headers={**signed_in.csrf, "Content-Type": content_type},
        )  # fmt: skip
        assert await error_of(response, 400) == "invalid_bundle"
    response = await signed_in.client.post(
        "/api/questions/import", json={"zip": "no"}, headers=signed_in.csrf
    )
    assert await error_of(response, 415) == "unsupported_media_type"
    after = await (await signed_in.client.get("/api/questions?scope=mine")).get_json()
    assert after["total"] == before["total"]


async def test_examples_are_loaded_once_and_built_in(signed_in: SignedIn) -> None:
    listing = await (await signed_in.client.get("/api/questions?scope=shared")).get_json()
    built_in = [item for item in listing["items"] if item["built_in"]]
    assert sorted(item["title"] for item in built_in) == [
        "Balanced Brackets", "LRU Cache", "Two Sum"
    ]  # fmt: skip
    for item in built_in:
        # the fake engine knows python and c: starters for other languages are left out
        assert item["languages"] == ["c", "python"]
        assert item["hidden_test_count"] >= 1
    two_sum = next(item for item in built_in if item["title"] == "Two Sum")
    response = await signed_in.client.patch(
        f"/api/questions/{two_sum['id']}", json={"title": "Mine"}, headers=signed_in.csrf
    )
    assert await error_of(response, 403) == "not_question_author"
    history = await (
        await signed_in.client.get(f"/api/questions/{two_sum['id']}/revisions")
    ).get_json()
    assert [(r["number"], r["author_name"]) for r in history["items"]] == [(1, None)]


async def test_bad_edits_are_a_clear_400_and_change_nothing(signed_in: SignedIn) -> None:
    created = await create(signed_in)
    url = f"/api/questions/{created['id']}"
    cases: list[dict[str, Any]] = [
        {"tests": [{"name": "a"}, {"name": "a"}]},
        {"prompt": "é" * (bundle.PROMPT_MAX_BYTES // 2 + 1)},
        {"guide": "é" * (bundle.GUIDE_MAX_BYTES // 2 + 1)},
        {"starters": {"python": "é" * (bundle.STARTER_MAX_BYTES // 2 + 1)}},
        {"tests": [{"name": "a", "stdin": "x" * (bundle.TEST_FILE_MAX_BYTES + 1)}]},
        {"starters": {"cobol": "DISPLAY."}},
        {"title": "  "},
        {"colour": "red"},
    ]
    for body in cases:
        response = await signed_in.client.patch(url, json=body, headers=signed_in.csrf)
        assert response.status_code == 400, (body.keys(), await response.get_json())
        assert (await response.get_json())["error"]["message"]
    response = await signed_in.client.patch(
        url, json={"tests": [{"name": "a"}, {"name": "a"}]}, headers=signed_in.csrf
    )
    error = (await response.get_json())["error"]
    assert error == {
        "code": "validation_error",
        "message": "Invalid request: tests: Value error, two tests are named 'a'",
    }  # the shape the editor page reads into a message beside the tests
    detail = await (await signed_in.client.get(url)).get_json()
    assert detail["revision"] == 1 and len(detail["tests"]) == 2


async def test_a_revision_number_out_of_range_is_a_404(signed_in: SignedIn) -> None:
    created = await create(signed_in)
    for number in ("0", "2147483648", "99999999999999999999999"):
        response = await signed_in.client.get(f"/api/questions/{created['id']}/revisions/{number}")
        assert await error_of(response, 404) == "question_not_found", number
