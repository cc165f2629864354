"""Scorecard rules: one per interviewer per interview, autosaved as a draft, locked when
submitted, and blind: nobody sees another interviewer's scorecard before submitting their own,
so the first opinion written does not anchor the others.

Who may score an interview is decided by the interviews slice (its owner and the co-interviewers
of its panel), through ``interviews.service.member_interview``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from server.interviews import service as interviews
from server.kit.db import utcnow
from server.kit.errors import BadRequestError, ConflictError, ForbiddenError, NotFoundError
from server.scorecards import repository
from server.scorecards.models import Scorecard, ScorecardTemplate
from server.scorecards.schemas import ScorecardDraft, TemplateCreate

DEFAULT_TEMPLATE_NAME = "Coding interview"
DEFAULT_CRITERIA: tuple[dict[str, str], ...] = (
    {"key": "problem_solving", "name": "Problem solving",
     "description": "Understands the problem, finds an approach, weighs trade-offs."},
    {"key": "code_quality", "name": "Code quality",
     "description": "Correct, readable, idiomatic code; sensible names and structure."},
    {"key": "communication", "name": "Communication",
     "description": "Thinks aloud, asks clarifying questions, takes hints well."},
    {"key": "testing", "name": "Testing",
     "description": "Checks the solution: edge cases, examples, complexity."},
)  # fmt: skip


class TemplateNotFoundError(NotFoundError):
    code = "template_not_found"


class BuiltInTemplateError(ForbiddenError):
    code = "built_in_template"


class ScorecardSubmittedError(ConflictError):
    code = "scorecard_submitted"


class ScorecardIncompleteError(BadRequestError):
    code = "scorecard_incomplete"


class UnknownCriterionError(BadRequestError):
    code = "unknown_criterion"


class SubmitYoursFirstError(ForbiddenError):
    code = "submit_yours_first"


async def ensure_default_template(session: AsyncSession) -> None:
    if await repository.built_in_template(session) is None:
        template = ScorecardTemplate(name=DEFAULT_TEMPLATE_NAME, criteria=list(DEFAULT_CRITERIA))
        await repository.add(session, template)


async def list_templates(session: AsyncSession, user_id: str) -> Sequence[ScorecardTemplate]:
    return await repository.templates_for(session, user_id)


async def create_template(
    session: AsyncSession, user_id: str, data: TemplateCreate
) -> ScorecardTemplate:
    template = ScorecardTemplate(
        owner_id=user_id, name=data.name, criteria=[c.model_dump() for c in data.criteria]
    )
    await repository.add(session, template)
    return template


async def delete_template(session: AsyncSession, user_id: str, template_id: str) -> None:
    """Scorecards written with it keep their own copy of its criteria."""
    template = await repository.template_for(session, user_id, template_id)
    if template is None:
        raise TemplateNotFoundError("No such scorecard template.")
    if template.owner_id is None:
        raise BuiltInTemplateError("The built-in template cannot be deleted.")
    await repository.delete(session, template)


async def _template(session: AsyncSession, user_id: str, template_id: str) -> ScorecardTemplate:
    template = await repository.template_for(session, user_id, template_id)
    if template is None:
        raise TemplateNotFoundError("No such scorecard template.")
    return template


async def my_scorecard(
    session: AsyncSession, user_id: str, user_name: str, interview_id: str
) -> Scorecard:
    """The caller's scorecard of the interview, made (as an empty draft on the built-in
    template) the first time it is asked for."""
    await interviews.member_interview(session, user_id, interview_id)
    found = await repository.scorecard_of(session, interview_id, user_id)
    if found is not None:
        return found
    template = await repository.built_in_template(session)
    assert template is not None, "the built-in template is made when the app starts"
    scorecard = Scorecard(
        interview_id=interview_id,
        interviewer_id=user_id,
        interviewer_name=user_name,
        template_name=template.name,
        criteria=list(template.criteria),
        ratings={},
    )
    await repository.add(session, scorecard)
    return scorecard


def _keys(scorecard: Scorecard) -> list[str]:
    return [str(c["key"]) for c in scorecard.criteria]


async def save_draft(
    session: AsyncSession, user_id: str, user_name: str, interview_id: str, draft: ScorecardDraft
) -> Scorecard:
    scorecard = await my_scorecard(session, user_id, user_name, interview_id)
    if scorecard.status == "submitted":
        raise ScorecardSubmittedError("The scorecard is submitted; it can no longer change.")
    if draft.template_id is not None:
        if any(r.get("rating") is not None for r in scorecard.ratings.values()):
            raise ConflictError(
                "The scorecard has ratings; its template can only change before the first one.",
                code="scorecard_started",
            )
        template = await _template(session, user_id, draft.template_id)
        scorecard.template_name = template.name
        scorecard.criteria = list(template.criteria)
        scorecard.ratings = {}
    if draft.ratings is not None:
        unknown = sorted(set(draft.ratings) - set(_keys(scorecard)))
        if unknown:
            raise UnknownCriterionError(
                f"{unknown[0]!r} is not a criterion of this scorecard; "
                f"its criteria: {', '.join(_keys(scorecard))}."
            )
        merged: dict[str, Any] = dict(scorecard.ratings)
        merged.update({key: rating.model_dump() for key, rating in draft.ratings.items()})
        scorecard.ratings = merged
    if "recommendation" in draft.model_fields_set:
        scorecard.recommendation = draft.recommendation.value if draft.recommendation else None
    if draft.summary is not None:
        scorecard.summary = draft.summary
    scorecard.updated_at = utcnow()
    return scorecard


async def submit(
    session: AsyncSession, user_id: str, user_name: str, interview_id: str
) -> Scorecard:
    scorecard = await my_scorecard(session, user_id, user_name, interview_id)
    if scorecard.status == "submitted":
        raise ScorecardSubmittedError("The scorecard is already submitted.")
    missing = [
        str(c["name"])
        for c in scorecard.criteria
        if (scorecard.ratings.get(str(c["key"])) or {}).get("rating") is None
    ]
    if missing or scorecard.recommendation is None:
        parts = [f"rate {', '.join(missing)}"] if missing else []
        if scorecard.recommendation is None:
            parts.append("choose a recommendation")
        raise ScorecardIncompleteError(f"Before submitting, {' and '.join(parts)}.")
    scorecard.status = "submitted"
    scorecard.submitted_at = scorecard.updated_at = utcnow()
    await interviews.record_recommendation(session, user_id, interview_id, scorecard.recommendation)
    return scorecard


async def submitted_scorecards(
    session: AsyncSession, user_id: str, interview_id: str
) -> Sequence[Scorecard]:
    await interviews.member_interview(session, user_id, interview_id)
    mine = await repository.scorecard_of(session, interview_id, user_id)
    if mine is None or mine.status != "submitted":
        raise SubmitYoursFirstError(
            "Submit your own scorecard first: the others stay hidden until then, so that "
            "nobody's opinion anchors yours."
        )
    return await repository.submitted_for(session, interview_id)


def average(scorecard: Scorecard) -> float | None:
    ratings = [
        int(value["rating"])
        for value in scorecard.ratings.values()
        if isinstance(value, dict) and value.get("rating") is not None
    ]
    return round(sum(ratings) / len(ratings), 2) if ratings else None


async def scores_of(
    session: AsyncSession, user_id: str, interview_ids: Sequence[str]
) -> dict[str, tuple[int, list[Scorecard]]]:
    """For the dashboard's score column: per interview the user may see (owner or panel), how
    many scorecards are submitted and, only once the user's own is in (no anchoring), those
    scorecards. Someone else's interview is left out."""
    seen: dict[str, tuple[int, list[Scorecard]]] = {}
    for interview_id in dict.fromkeys(interview_ids):
        try:
            await interviews.member_interview(session, user_id, interview_id)
        except interviews.InterviewNotFoundError:
            continue
        submitted = list(await repository.submitted_for(session, interview_id))
        mine = any(s.interviewer_id == user_id for s in submitted)
        seen[interview_id] = (len(submitted), submitted if mine else [])
    return seen
