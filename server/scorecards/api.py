"""REST for scorecards: templates, the caller's scorecard of an interview (autosaved draft,
then submitted and locked), and the interview's submitted scorecards (after one's own)."""

from __future__ import annotations

from quart import Blueprint, current_app
from quart_schema import (
    document_response,
    validate_querystring,
    validate_request,
    validate_response,
)

from server.accounts.auth import require_user
from server.kit.db import current_session, unit_of_work
from server.kit.errors import BadRequestError, documents_errors
from server.kit.openapi import NoContent
from server.kit.state import get_state
from server.scorecards import service
from server.scorecards.models import Scorecard, ScorecardTemplate
from server.scorecards.schemas import (
    Criterion,
    InterviewScores,
    Rating,
    Recommendation,
    ScorecardDraft,
    ScorecardList,
    ScorecardOut,
    ScorecardStatus,
    ScoresList,
    ScoresQuery,
    TemplateCreate,
    TemplateList,
    TemplateOut,
)

blueprint = Blueprint("scorecards", __name__, url_prefix="/api")


@blueprint.before_app_serving
async def _default_template() -> None:
    async with unit_of_work(get_state(current_app).sessions) as session:
        await service.ensure_default_template(session)


def template_out(template: ScorecardTemplate) -> TemplateOut:
    return TemplateOut(
        id=template.id,
        name=template.name,
        criteria=[Criterion.model_validate(c) for c in template.criteria],
        built_in=template.owner_id is None,
        created_at=template.created_at,
    )


def scorecard_out(scorecard: Scorecard) -> ScorecardOut:
    return ScorecardOut(
        id=scorecard.id,
        interview_id=scorecard.interview_id,
        interviewer_id=scorecard.interviewer_id,
        interviewer_name=scorecard.interviewer_name,
        template_name=scorecard.template_name,
        criteria=[Criterion.model_validate(c) for c in scorecard.criteria],
        ratings={k: Rating.model_validate(v) for k, v in scorecard.ratings.items()},
        recommendation=Recommendation(scorecard.recommendation)
        if scorecard.recommendation
        else None,
        summary=scorecard.summary,
        status=ScorecardStatus(scorecard.status),
        submitted_at=scorecard.submitted_at,
        updated_at=scorecard.updated_at,
        average=service.average(scorecard),
    )


@blueprint.get("/scorecard-templates")
@validate_response(TemplateList, 200)
@documents_errors(401, 403)
async def list_templates() -> TemplateList:
    """The built-in template and yours."""
    user = await require_user()
    templates = await service.list_templates(current_session(), user.id)
    return TemplateList(items=[template_out(t) for t in templates])


@blueprint.post("/scorecard-templates")
@validate_request(TemplateCreate)
@validate_response(TemplateOut, 201)
@documents_errors(400, 401, 403)
async def create_template(data: TemplateCreate) -> tuple[TemplateOut, int]:
    user = await require_user()
    return template_out(await service.create_template(current_session(), user.id, data)), 201


@blueprint.delete("/scorecard-templates/<template_id>")
@document_response(NoContent, 204)
@documents_errors(401, 403, 404)
async def delete_template(template_id: str) -> tuple[str, int]:
    user = await require_user()
    await service.delete_template(current_session(), user.id, template_id)
    return "", 204


@blueprint.get("/interviews/<interview_id>/scorecards/mine")
@validate_response(ScorecardOut, 200)
@documents_errors(401, 403, 404)
async def get_mine(interview_id: str) -> ScorecardOut:
    """Your scorecard of this interview (an empty draft the first time)."""
    user = await require_user()
    scorecard = await service.my_scorecard(current_session(), user.id, user.name, interview_id)
    return scorecard_out(scorecard)


@blueprint.put("/interviews/<interview_id>/scorecards/mine")
@validate_request(ScorecardDraft)
@validate_response(ScorecardOut, 200)
@documents_errors(400, 401, 403, 404, 409)
async def save_mine(interview_id: str, data: ScorecardDraft) -> ScorecardOut:
    """Autosave the draft; only the keys sent change. 409 once submitted."""
    user = await require_user()
    scorecard = await service.save_draft(current_session(), user.id, user.name, interview_id, data)
    return scorecard_out(scorecard)


@blueprint.post("/interviews/<interview_id>/scorecards/mine/submit")
@validate_response(ScorecardOut, 200)
@documents_errors(400, 401, 403, 404, 409)
async def submit_mine(interview_id: str) -> ScorecardOut:
    """Every criterion rated and a recommendation chosen, then locked for good."""
    user = await require_user()
    scorecard = await service.submit(current_session(), user.id, user.name, interview_id)
    return scorecard_out(scorecard)


@blueprint.get("/interviews/<interview_id>/scorecards")
@validate_response(ScorecardList, 200)
@documents_errors(401, 403, 404)
async def list_submitted(interview_id: str) -> ScorecardList:
    """Every submitted scorecard of the interview; 403 until you have submitted yours."""
    user = await require_user()
    scorecards = await service.submitted_scorecards(current_session(), user.id, interview_id)
    return ScorecardList(items=[scorecard_out(s) for s in scorecards])


@blueprint.get("/scorecard-scores")
@validate_querystring(ScoresQuery)
@validate_response(ScoresList, 200)
@documents_errors(400, 401, 403)
async def scores(query_args: ScoresQuery) -> ScoresList:
    """Scores for a dashboard page: per interview, the submitted count, and the average and
    verdicts once your own scorecard is in. Interviews you cannot see are left out."""
    user = await require_user()
    ids = [i for i in query_args.interview_ids.split(",") if i]
    if len(ids) > 100:
        raise BadRequestError("At most 100 interview ids at once.", code="too_many_ids")
    found = await service.scores_of(current_session(), user.id, ids)
    items = []
    for interview_id, (count, cards) in found.items():
        averages = [a for a in (service.average(c) for c in cards) if a is not None]
        items.append(
            InterviewScores(
                interview_id=interview_id,
                submitted=count,
                average=round(sum(averages) / len(averages), 2) if averages else None,
                recommendations=[
                    Recommendation(c.recommendation) for c in cards if c.recommendation
                ],
            )
        )
    return ScoresList(items=items)
