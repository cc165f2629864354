"""Piston's shapes, for OpenAPI (``service`` checks requests with Piston's own messages)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, StrictFloat, StrictInt, StrictStr


class PistonFileIn(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: StrictStr | None = None
    content: StrictStr
    encoding: Literal["utf8", "base64", "hex"] = "utf8"


class PistonExecuteIn(BaseModel):
    """The first file is the program; the others are placed beside it."""

    model_config = ConfigDict(extra="allow")

    language: StrictStr
    version: StrictStr
    files: list[PistonFileIn]
    stdin: StrictStr | None = None
    args: list[StrictStr] | None = None
    compile_timeout: StrictInt | StrictFloat | None = None
    """Milliseconds."""
    run_timeout: StrictInt | StrictFloat | None = None
    compile_memory_limit: StrictInt | None = None
    """Bytes; -1: the language's default."""
    run_memory_limit: StrictInt | None = None


class PistonStageOut(BaseModel):
    stdout: str
    stderr: str
    output: str
    code: int | None
    signal: str | None
    message: str | None
    status: str | None
    cpu_time: int | None
    wall_time: int | None
    memory: int | None


class PistonExecuteOut(BaseModel):
    language: str
    version: str
    run: PistonStageOut
    compile: PistonStageOut | None = None


class PistonRuntimeOut(BaseModel):
    language: str
    version: str
    aliases: list[str]
    runtime: str | None = None


class PistonErrorOut(BaseModel):
    message: str
