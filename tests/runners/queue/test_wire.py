"""The queue's wire format and budget rules, on plain values (no Redis, no Docker)."""

from __future__ import annotations

from pathlib import Path

import pytest

from runners.contract import (
    Comparison,
    EngineBusyError,
    EngineError,
    Judging,
    LimitAboveMaximumError,
    RequestedLimits,
    RunRequest,
    RunResult,
    SourceFile,
    Stage,
    TestCase,
    Verdict,
)
from runners.engine import DockerEngine
from runners.redis_engine import CONTAINER_OVERHEAD_MS, RedisEngine, job_budget_ms
from runners.settings import EngineSettings, RedisTarget, SettingsError
from runners.wire import Keys, QueuedJob, error_reply, read_reply, result_reply, runner_acl
from server.app import build_engine
from server.settings import Settings

FULL = RunRequest(
    language="c",
    source="int main(void){}",
    stdin="in",
    limits=RequestedLimits(run_timeout_ms=1000, memory_mb=128),
    tests=(
        TestCase("1", "1", "one", False, RequestedLimits(run_timeout_ms=500)),
        TestCase("2", None, "", True),
    ),
    judging=Judging(Comparison.FLOAT, 1e-3, 1e-4, True),
    args=("a", "b c"),
    files=(SourceFile("data/in.bin", b"\x00\xff\x10"),),
)


def test_a_job_round_trips_whole() -> None:
    job = QueuedJob("j1", FULL, deadline_ms=10_000, budget_ms=4_000)
    again = QueuedJob.from_json(job.to_json())
    assert again == job
    assert again.start_by_ms == 6_000


def test_replies_round_trip_results_and_the_errors_classes() -> None:
    result = RunResult(Verdict.OK, "python", None, Stage(stdout="hi\n", wall_ms=3))
    assert read_reply(result_reply(result, "w1")) == (result, "w1")
    for error in (EngineBusyError("full"), LimitAboveMaximumError("too much")):
        answer, worker = read_reply(error_reply(error, "w2"))
        assert type(answer) is type(error) and worker == "w2"
        assert isinstance(answer, EngineError) and answer.message == error.message
    odd = EngineError("new kind")
    odd.code = "something_new"
    answer, _ = read_reply(error_reply(odd, "w3"))
    assert isinstance(answer, EngineError) and answer.code == "something_new"


def test_every_key_lives_under_the_queue_prefix() -> None:
    keys = Keys("acme")
    every = (keys.jobs("c"), keys.inflight("c"), keys.workers, keys.worker("w"), keys.reply("j"))
    for key in every:
        assert key.startswith("acme:q:")
    assert keys.language_of(keys.jobs("python")) == "python"
    acl = runner_acl("runner", "pw", "acme")
    assert "~acme:q:*" in acl and "-@all" in acl
    # XADD only onto sessions' streams: a runner host cannot queue work
    assert acl.count("+xadd") == 1 and "(~acme:q:session:* +xadd)" in acl
    assert keys.session_in("s").startswith("acme:q:session:")


def test_the_budget_covers_compile_and_every_test() -> None:
    engine = DockerEngine(EngineSettings.load())
    job = engine.check(FULL)
    assert job_budget_ms(job) == (
        job.limits.compile_timeout_ms + 500 + job.limits.run_timeout_ms + CONTAINER_OVERHEAD_MS
    )
    plain = engine.check(RunRequest("python", "print(1)"))
    assert job_budget_ms(plain) == plain.limits.run_timeout_ms + CONTAINER_OVERHEAD_MS


def test_backend_selection(tmp_path: Path) -> None:
    settings = Settings.for_tests(tmp_path, redis={"url": "redis://127.0.0.1:1/0"})
    assert isinstance(build_engine(settings, EngineSettings.load()), DockerEngine)
    engine = build_engine(settings, EngineSettings.load(backend="redis"))
    assert isinstance(engine, RedisEngine) and engine.keys.prefix == "onsite"
    with pytest.raises(EngineError, match=r"needs \[redis\] url"):
        build_engine(Settings.for_tests(tmp_path), EngineSettings.load(backend="redis"))


def test_backend_settings_are_checked() -> None:
    with pytest.raises(SettingsError, match="backend 'kafka'"):
        EngineSettings.load(environ={"ONSITE_ENGINE_BACKEND": "kafka"})
    with pytest.raises(SettingsError, match="twice runner_heartbeat_ms"):
        EngineSettings.load(runner_heartbeat_ms=1000, runner_claim_idle_ms=1500)


def test_the_runner_reads_the_servers_redis_section(tmp_path: Path) -> None:
    extra = tmp_path / "site.toml"
    extra.write_text('[redis]\nurl = "redis://queue:6379/0"\nkey_prefix = "acme"\n')
    assert RedisTarget.load({"ONSITE_CONFIG": str(extra)}) == RedisTarget(
        "redis://queue:6379/0", "acme"
    )
    env = {"ONSITE_CONFIG": str(extra), "ONSITE_REDIS_URL": "redis://other/1"}
    assert RedisTarget.load(env).url == "redis://other/1"
    with pytest.raises(SettingsError):
        RedisTarget.load({"ONSITE_REDIS_KEY_PREFIX": "bad prefix"})


def test_onsite_runner_without_a_redis_url_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from server.cli import main

    monkeypatch.delenv("ONSITE_REDIS_URL", raising=False)
    monkeypatch.delenv("ONSITE_CONFIG", raising=False)
    assert main(["runner"]) == 2
    assert "needs a Redis URL" in capsys.readouterr().err
