"""The Judge0 shapes, for OpenAPI. Requests are checked by ``parsing`` (Judge0's own messages),
responses are built by ``fields`` (only the fields asked for), so these models document; they
do not validate."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, RootModel, StrictBool, StrictInt, StrictStr

PositiveNumber = (
    Annotated[float, Field(gt=0, strict=True)] | Annotated[int, Field(gt=0, strict=True)]
)
PositiveInt = Annotated[int, Field(gt=0, strict=True)]


class Judge0SubmissionIn(BaseModel):
    """Judge0's request fields. Text fields are base64 when ``base64_encoded=true``;
    ``additional_files`` is always a base64 zip archive."""

    model_config = ConfigDict(extra="allow")

    source_code: StrictStr
    language_id: StrictInt
    stdin: StrictStr | None = None
    expected_output: StrictStr | None = None
    compiler_options: StrictStr | None = None
    command_line_arguments: StrictStr | None = None
    number_of_runs: PositiveInt | None = None
    cpu_time_limit: PositiveNumber | None = None
    cpu_extra_time: PositiveNumber | None = None
    wall_time_limit: PositiveNumber | None = None
    memory_limit: PositiveInt | None = None
    """Kilobytes."""
    stack_limit: PositiveInt | None = None
    max_processes_and_or_threads: PositiveInt | None = None
    enable_per_process_and_thread_time_limit: StrictBool | None = None
    enable_per_process_and_thread_memory_limit: StrictBool | None = None
    max_file_size: PositiveInt | None = None
    redirect_stderr_to_stdout: StrictBool | None = None
    enable_network: StrictBool | None = None
    callback_url: StrictStr | None = None
    additional_files: StrictStr | None = None


class Judge0BatchIn(BaseModel):
    model_config = ConfigDict(extra="allow")

    submissions: list[dict[str, Any]]


class Judge0StatusOut(BaseModel):
    id: int
    description: str


class Judge0LanguageRef(BaseModel):
    id: int
    name: str | None


class Judge0SubmissionOut(BaseModel):
    """Only the fields asked for (``fields``) are present."""

    token: str | None = None
    source_code: str | None = None
    language: Judge0LanguageRef | None = None
    language_id: int | None = None
    stdin: str | None = None
    expected_output: str | None = None
    stdout: str | None = None
    stderr: str | None = None
    compile_output: str | None = None
    message: str | None = None
    status: Judge0StatusOut | None = None
    status_id: int | None = None
    created_at: str | None = None
    finished_at: str | None = None
    time: str | None = None
    wall_time: str | None = None
    memory: int | None = None
    exit_code: int | None = None
    exit_signal: int | None = None


class Judge0TokenOut(BaseModel):
    token: str


class Judge0SubmissionPage(BaseModel):
    submissions: list[Judge0SubmissionOut]
    meta: dict[str, int | None]


class Judge0BatchOut(BaseModel):
    submissions: list[Judge0SubmissionOut | None]


class Judge0BatchCreatedOut(RootModel[list[dict[str, Any]]]):
    """One ``{"token"}`` per valid submission, its field errors for an invalid one."""


class Judge0ErrorOut(BaseModel):
    error: str


class Judge0FieldErrorsOut(RootModel[dict[str, list[str]]]):
    """Judge0's validation errors: each field with its messages."""


class Judge0LanguageOut(BaseModel):
    id: int
    name: str


class Judge0LanguageDetailOut(BaseModel):
    id: int
    name: str
    is_archived: bool
    source_file: str | None
    compile_cmd: str | None
    run_cmd: str | None


class Judge0StatusListItem(BaseModel):
    id: int
    description: str


class Judge0AboutOut(BaseModel):
    version: str
    homepage: str
    source_code: str
    maintainer: str


class Judge0ConfigInfoOut(RootModel[dict[str, Any]]):
    """Every key Judge0 CE 1.13 reports."""


class Judge0AnyJson(RootModel[Any]):
    """Free-form JSON (``/statistics``, ``/system_info``, ``/workers``)."""


class Judge0PageQuery(BaseModel):
    base64_encoded: str | None = None
    fields: str | None = None
    page: Annotated[int, Field(ge=1)] | None = None
    per_page: Annotated[int, Field(ge=1)] | None = None


class Judge0ReadQuery(BaseModel):
    base64_encoded: str | None = None
    fields: str | None = None


class Judge0CreateQuery(BaseModel):
    base64_encoded: str | None = None
    wait: str | None = None
    fields: str | None = None


class Judge0BatchQuery(BaseModel):
    tokens: str
    base64_encoded: str | None = None
    fields: str | None = None
