"""A JSON ``true`` is not a number: numeric request fields refuse booleans with a 400.

Pydantic's lax mode turns ``true`` into ``1``, so ``{"retention_days": true}`` purged records
older than a day and ``{"rating": true}`` rated a candidate "strong no"; schemathesis found the
first (a boolean where the schema says integer must be refused).
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError
from quart import Quart

from server.accounts.schemas import ApiKeyCreateRequest
from server.questions.schemas import Comparison, PerTestLimits, QuestionTest
from server.runs.schemas import JudgingIn, LimitsIn
from server.schedules.schemas import Duration
from server.scorecards.schemas import Rating
from tests.support.auth import register_and_login
from tests.support.http import error_of

BOOLEAN_NUMBERS: list[tuple[type[BaseModel], dict[str, Any]]] = [
    (ApiKeyCreateRequest, {"name": "k", "expires_in_days": True}),
    (Rating, {"rating": True}),
    (QuestionTest, {"name": "t", "weight": True}),
    (PerTestLimits, {"memory_mb": True}),
    (Comparison, {"mode": "float", "abs_tolerance": False}),
    (LimitsIn, {"run_timeout_ms": True}),
    (JudgingIn, {"float_abs_tolerance": True}),
]


@pytest.mark.parametrize(
    ("model", "payload"), BOOLEAN_NUMBERS, ids=lambda v: getattr(v, "__name__", "")
)
def test_a_boolean_is_refused_where_a_number_is_expected(
    model: type[BaseModel], payload: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError):
        model.model_validate(payload)
    numbers = {
        key: (int(value) if isinstance(value, bool) else value) for key, value in payload.items()
    }
    model.model_validate(numbers)  # the same field with a number passes


def test_a_slot_of_true_minutes_is_refused() -> None:
    minutes = TypeAdapter(Duration)
    with pytest.raises(ValidationError):
        minutes.validate_python(True)
    assert minutes.validate_python(60) == 60


async def test_retention_of_true_days_is_a_400(app: Quart) -> None:
    admin = await register_and_login(app.test_client())
    response = await admin.client.patch(
        "/api/admin/organization", json={"retention_days": True}, headers=admin.csrf
    )
    assert await error_of(response, 400) == "validation_error"
    response = await admin.client.get("/api/admin/organization")
    assert (await response.get_json())["retention_days"] is None


async def test_a_run_with_a_boolean_limit_is_a_400(app: Quart) -> None:
    user = await register_and_login(app.test_client())
    response = await user.client.post(
        "/api/runs",
        json={"language": "python", "source": "print(1)", "limits": {"run_timeout_ms": True}},
        headers=user.csrf,
    )
    assert await error_of(response, 400) == "validation_error"
