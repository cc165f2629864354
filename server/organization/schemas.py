"""What the admin API accepts and answers. Unknown fields are refused (``extra="forbid"``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field

PolicyName = Literal["closed", "invitation", "domains", "sso", "open"]
RoleName = Literal["admin", "interviewer"]
Domain = Annotated[str, Field(min_length=1, max_length=253)]
Domains = Annotated[list[Domain], Field(max_length=100)]


def _stripped_not_blank(value: str) -> str:
    stripped = value.strip()
    if not stripped:
        raise ValueError("must not be blank")
    return stripped


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OrganizationOut(BaseModel):
    id: str
    name: str
    signup_policy: str
    allowed_domains: list[str]
    required_providers: list[str]
    invite_domains: list[str]
    retention_days: int | None
    providers: list[str] = []
    """The OpenID Connect providers configured in the settings (ids), to choose from."""


class OrganizationUpdate(_In):
    name: (
        Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_stripped_not_blank)]
        | None
    ) = None
    signup_policy: PolicyName | None = None
    allowed_domains: Domains | None = None
    required_providers: (
        Annotated[list[Annotated[str, Field(max_length=32)]], Field(max_length=20)] | None
    ) = None
    invite_domains: Domains | None = None
    retention_days: Annotated[int, Field(ge=1, le=36500, strict=True)] | None = None
    """Purge completed interviews older than this many days; ``null`` (with the key present)
    keeps them for ever."""


class MemberOut(BaseModel):
    id: str
    email: str
    name: str
    role: str
    is_active: bool
    email_verified_at: datetime | None
    created_at: datetime


class MemberList(BaseModel):
    items: list[MemberOut]


class RoleChange(_In):
    role: RoleName


class MoveRecords(_In):
    to_user_id: Annotated[str, Field(min_length=1, max_length=64)]


class MovedRecords(BaseModel):
    interviews: int
    schedules: int
    questions: int
    scorecard_templates: int


class InvitationCreate(_In):
    email: EmailStr
    role: RoleName = "interviewer"


class InvitationOut(BaseModel):
    id: str
    email: str
    role: str
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None
    status: Literal["pending", "accepted", "revoked", "expired"]
    mail_sent: bool | None = None
    """In the answer to a new invitation: whether the mail went out."""


class InvitationList(BaseModel):
    items: list[InvitationOut]


class AuditQueryArgs(_In):
    action: Annotated[str, Field(max_length=40)] | None = None
    actor: Annotated[str, Field(max_length=320)] | None = None
    """Part of the actor's e-mail address."""
    since: datetime | None = None
    until: datetime | None = None
    limit: int = Field(default=100, ge=1, le=1000)
    offset: int = Field(default=0, ge=0, le=1_000_000)


class AuditEventOut(BaseModel):
    id: str
    at: datetime
    action: str
    actor_id: str | None
    actor_email: str | None
    target: str | None
    ip: str | None
    user_agent: str | None
    details: dict[str, Any]


class AuditList(BaseModel):
    items: list[AuditEventOut]
    actions: list[str]
    """Every action name the log can hold, for the filter."""


class CandidateErasure(_In):
    email: EmailStr


class ErasureResult(BaseModel):
    interviews: int


class RetentionResult(BaseModel):
    interviews: int
