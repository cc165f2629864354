"""The limiters: IPv6 clients are keyed by /64, and a limiter's memory is bounded."""

from __future__ import annotations

from server.kit.ratelimit import SlidingWindowLimiter, client_key


def test_client_key() -> None:
    assert client_key("203.0.113.7") == "203.0.113.7"
    assert client_key("2001:db8:1:2:aaaa::1") == client_key("2001:db8:1:2:ffff:1:2:3")
    assert client_key("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert client_key("2001:db8:1:3::1") != client_key("2001:db8:1:2::1")
    assert client_key("::ffff:203.0.113.7") == "203.0.113.7"
    assert client_key("fe80::1%eth0") == "fe80::/64"
    assert client_key(None) == client_key("not an address") == "unknown"


def test_memory_is_bounded_under_rotating_keys() -> None:
    now = [0.0]
    limiter = SlidingWindowLimiter(3, 60, clock=lambda: now[0], max_keys=100)
    for i in range(10_000):
        limiter.hit(f"10.0.{i // 256}.{i % 256}")
        now[0] += 0.001
    assert len(limiter) <= 100


def test_a_bounded_limiter_still_limits_the_client_it_sees() -> None:
    now = [0.0]
    limiter = SlidingWindowLimiter(3, 60, clock=lambda: now[0], max_keys=10)
    for _ in range(3):
        limiter.hit("attacker")
    for i in range(5):
        limiter.hit(f"other-{i}")
    assert limiter.retry_after("attacker") is not None
    now[0] += 61  # the window passes: expired keys are the first to go
    for i in range(20):
        limiter.hit(f"late-{i}")
    assert len(limiter) <= 10
