"""What the accounts API accepts and answers. Unknown fields are refused (``extra="forbid"``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field

# Length in characters here; the 8..72 *bytes* rule is checked in kit.security before hashing.
Password = Annotated[str, Field(min_length=1, max_length=256)]


def _stripped_not_blank(value: str) -> str:
    stripped = value.strip()
    if not stripped:
        raise ValueError("must not be blank")
    return stripped


# Lengths apply to the text as sent (as OpenAPI says); blanks around it are then removed.
DisplayName = Annotated[
    str, Field(min_length=1, max_length=200), AfterValidator(_stripped_not_blank)
]
Token = Annotated[str, Field(min_length=1, max_length=512)]
AdmitCandidates = Literal["auto", "manual"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RegisterRequest(_In):
    email: EmailStr
    password: Password
    name: DisplayName


class LoginRequest(_In):
    email: Annotated[str, Field(min_length=1, max_length=320)]
    password: Password


class ForgotPasswordRequest(_In):
    email: Annotated[str, Field(min_length=1, max_length=320)]


class ResetPasswordRequest(_In):
    token: Token
    password: Password
    end_api_keys: bool = False
    """Also revoke every API key of the account (a leaked key ends with the password)."""


class VerifyEmailRequest(_In):
    token: Token
    password: Password


class InvitationTokenRequest(_In):
    token: Token


class AcceptInvitationRequest(_In):
    token: Token
    name: DisplayName
    password: Password


class InvitationInfo(BaseModel):
    email: str
    role: str
    organization: str


class DeleteAccountRequest(_In):
    password: Annotated[str, Field(max_length=256)] = ""


class ConfirmDeleteRequest(_In):
    token: Token


class UserOut(BaseModel):
    id: str
    email: str
    name: str
    admit_candidates: AdmitCandidates
    """auto: candidates enter once the interviewer is in the room; manual: they wait in the
    lobby until admitted."""
    created_at: datetime
    role: str = "interviewer"
    """``admin`` or ``interviewer``."""


class PreferencesUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    admit_candidates: AdmitCandidates


class UserResponse(BaseModel):
    user: UserOut


class AcceptedResponse(BaseModel):
    """Answer of a request whose effect arrives by e-mail."""

    status: str = "accepted"
    message: str


class OidcProviderOut(BaseModel):
    id: str
    name: str


class ApiKeyCreateRequest(_In):
    name: DisplayName
    scopes: Annotated[list[Literal["full", "runs"]], Field(min_length=1, max_length=2)] = ["full"]
    """``full``: whatever the owner may do; ``runs``: code runs only (``/api/runs``, the
    Judge0 and Piston surfaces)."""
    expires_in_days: Annotated[int, Field(ge=1, le=3650, strict=True)] | None = None
    """The key stops working this many days from now; none: until revoked."""


class ApiKeyOut(BaseModel):
    id: str
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    scopes: list[str] = ["full"]
    expires_at: datetime | None = None


class ApiKeyCreated(ApiKeyOut):
    secret: str
    """Shown once; only its hash is stored."""


class ApiKeyList(BaseModel):
    items: list[ApiKeyOut]
