"""The one polling loop: bounded, first tick at once, last at the deadline, a pause after each body."""

import time

import pytest

from lab.core.errors import LabTimeout
from lab.core.waiting import ticks, wait_until


def test_ticks_start_at_once_and_end_at_the_deadline():
    seen = list(ticks(0.35, interval=0.1))
    assert seen[0] < 0.05
    assert 0.35 <= seen[-1] < 0.45
    assert 4 <= len(seen) <= 6


def test_the_pause_comes_after_a_slow_body():
    seen = []
    for elapsed in ticks(0.5, interval=0.05):
        seen.append(elapsed)
        time.sleep(0.2)
    gaps = [b - a for a, b in zip(seen, seen[1:], strict=False)]
    assert all(gap >= 0.24 for gap in gaps[:-1])  # 0.2 s of body, then the 0.05 s pause


def test_wait_until_returns_the_first_truthy_answer():
    answers = iter([None, 0, "ready"])
    assert wait_until(lambda: next(answers), timeout=2, what="x", interval=0.01) == "ready"


def test_wait_until_checks_even_with_no_time_left():
    assert wait_until(lambda: "now", timeout=0, what="x") == "now"


def test_wait_until_says_what_it_waited_for():
    started = time.monotonic()
    with pytest.raises(LabTimeout, match=r"Gave up after 0.2s waiting for redis to answer PING\."):
        wait_until(lambda: False, timeout=0.2, what="redis to answer PING", interval=0.05)
    # Bounded: back soon after its 0.2 s, with room for a loaded machine's scheduling (not a timing test).
    assert time.monotonic() - started < 0.2 + 2
