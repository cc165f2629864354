"""Judge0 submissions: what was asked (Judge0's request fields) and what came of it.

The token is Judge0's (a UUID4 string); every submission belongs to the account whose API key
created it, and is read by token through that account only.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from server.kit.db import Base, UTCDateTime, utcnow


class Judge0Submission(Base):
    __tablename__ = "judge0_submissions"
    __table_args__ = (
        Index("ix_judge0_submissions_user_id_created", "user_id", "created_at"),
        Index("ix_judge0_submissions_status_id", "status_id"),
    )

    token: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    language_id: Mapped[int] = mapped_column(Integer)
    source_code: Mapped[str] = mapped_column(Text)
    stdin: Mapped[str | None] = mapped_column(Text, nullable=True)
    expected_output: Mapped[str | None] = mapped_column(Text, nullable=True)
    additional_files: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    """The zip archive as sent (decoded from base64)."""
    compiler_options: Mapped[str | None] = mapped_column(String(512), nullable=True)
    command_line_arguments: Mapped[str | None] = mapped_column(String(512), nullable=True)
    number_of_runs: Mapped[int] = mapped_column(Integer, default=1)
    # Limits as the client gave them; None: not given (the language's own default applies, and
    # responses show the configured default, as Judge0 stores its defaults).
    cpu_time_limit: Mapped[float | None] = mapped_column(Float, nullable=True)
    cpu_extra_time: Mapped[float | None] = mapped_column(Float, nullable=True)
    wall_time_limit: Mapped[float | None] = mapped_column(Float, nullable=True)
    memory_limit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    stack_limit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    max_processes_and_or_threads: Mapped[int | None] = mapped_column(Integer, nullable=True)
    enable_per_process_and_thread_time_limit: Mapped[bool] = mapped_column(Boolean, default=False)
    enable_per_process_and_thread_memory_limit: Mapped[bool] = mapped_column(Boolean, default=False)
    max_file_size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    redirect_stderr_to_stdout: Mapped[bool] = mapped_column(Boolean, default=False)
    enable_network: Mapped[bool] = mapped_column(Boolean, default=False)
    callback_url: Mapped[str | None] = mapped_column(String(2048), nullable=True)

    status_id: Mapped[int] = mapped_column(Integer, default=1)
    # The program's outputs as UTF-8 bytes: a program may print U+0000, which PostgreSQL text
    # cannot hold, and Judge0 hands outputs back byte for byte (base64).
    stdout: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    stderr: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    compile_output: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    exit_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    exit_signal: Mapped[int | None] = mapped_column(Integer, nullable=True)
    time: Mapped[float | None] = mapped_column(Float, nullable=True)
    wall_time: Mapped[float | None] = mapped_column(Float, nullable=True)
    memory: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
