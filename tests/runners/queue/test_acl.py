"""The runner hosts' Redis user (``runners.wire.runner_acl``): enough for a worker, nothing more.
A compromised runner host must not read rate limits, sessions or anything outside the queue,
nor queue work itself."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from redis.exceptions import NoPermissionError, ResponseError

from runners.wire import GROUP, Keys
from tests.runners.queue.conftest import acl_rule
from tests.support.redis_server import RedisServer
from tests.support.runner_hosts import RUNNER_PASSWORD, RUNNER_USER

KEYS = Keys("onsite")


@pytest.fixture(scope="module")
def acl_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer.start(tmp_path_factory.mktemp("acl-redis"), users={"runner": acl_rule()})
    yield server
    server.stop()


@pytest.fixture
def clients(acl_redis: RedisServer) -> Iterator[tuple[redis.Redis, redis.Redis]]:
    """(the default user, the runner user)."""
    admin = redis.Redis.from_url(acl_redis.url)
    runner = redis.Redis.from_url(acl_redis.url_for(RUNNER_USER, RUNNER_PASSWORD))
    yield admin, runner
    admin.close()
    runner.close()


def test_the_runner_user_does_what_a_worker_does(
    clients: tuple[redis.Redis, redis.Redis],
) -> None:
    admin, runner = clients
    stream = KEYS.jobs("python")
    runner.xgroup_create(stream, GROUP, id="0", mkstream=True)
    entry = admin.xadd(stream, {"job": "{}"})
    assert runner.xreadgroup(GROUP, "w1", {stream: ">"}, count=1)
    runner.xclaim(stream, GROUP, "w1", 0, [entry], justid=True)
    runner.xautoclaim(stream, GROUP, "w2", 0, "0-0", count=1)
    with runner.pipeline(transaction=True) as pipe:
        pipe.lpush(KEYS.reply("j1"), "answer")
        pipe.expire(KEYS.reply("j1"), 60)
        pipe.xack(stream, GROUP, entry)
        pipe.xdel(stream, entry)
        pipe.set(KEYS.worker("w1"), "{}", px=1500)
        pipe.sadd(KEYS.workers, "w1")
        pipe.execute()
    runner.xadd(KEYS.session_out("s1"), {"kind": "chunk"})  # a session's output
    assert runner.xread({KEYS.session_in("s1"): "0-0"}, count=1) == []
    assert {c["name"] for c in runner.xinfo_consumers(stream, GROUP)} == {b"w1", b"w2"}
    assert runner.exists(KEYS.worker("gone")) == 0
    runner.xgroup_delconsumer(stream, GROUP, "w2")
    runner.srem(KEYS.workers, "w1")
    runner.delete(KEYS.worker("w1"))
    assert admin.lpop(KEYS.reply("j1")) == b"answer"


@pytest.mark.parametrize(
    "attempt",
    [
        pytest.param(lambda r: r.get("onsite:ratelimit:login:1.2.3.4"), id="get-other-key"),
        pytest.param(lambda r: r.set("onsite:room:x", "1"), id="set-other-key"),
        pytest.param(lambda r: r.keys("*"), id="keys"),
        pytest.param(lambda r: r.scan(0), id="scan"),
        pytest.param(lambda r: r.flushall(), id="flushall"),
        pytest.param(lambda r: r.config_get("*"), id="config"),
        pytest.param(lambda r: r.xadd(KEYS.jobs("python"), {"job": "{}"}), id="queue-work"),
        pytest.param(lambda r: r.get(KEYS.reply("j1")), id="read-a-reply"),
        pytest.param(lambda r: r.hgetall(KEYS.inflight("python")), id="read-inflight"),
        pytest.param(lambda r: r.eval("return 1", 0), id="eval"),
        pytest.param(lambda r: r.publish("onsite:rooms", "x"), id="publish"),
        pytest.param(lambda r: r.client_list(), id="client-list"),
        pytest.param(lambda r: r.client_kill_filter(skipme=True, _type="normal"), id="client-kill"),
        pytest.param(lambda r: r.acl_list(), id="acl"),
    ],
)
def test_the_runner_user_cannot_touch_anything_else(
    clients: tuple[redis.Redis, redis.Redis], attempt: object
) -> None:
    admin, runner = clients
    admin.set("onsite:ratelimit:login:1.2.3.4", "5")
    with pytest.raises((NoPermissionError, ResponseError)) as refused:
        attempt(runner)  # type: ignore[operator]
    assert "NOPERM" in str(refused.value) or "permission" in str(refused.value).lower()
    assert admin.get("onsite:ratelimit:login:1.2.3.4") == b"5"
