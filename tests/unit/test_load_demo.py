"""Lesson 6's load watch: when it calls the load over, and what counts as the slowest PING."""

from lab.course.load_demo import IDLE_SAMPLES, NO_ANSWER, LoadResult, _load_over


def sample(ms: int, reply: str = "PONG") -> dict:
    return {"t": 0, "ping_ms": ms, "reply": reply, "restarts": 0}


def test_the_load_is_over_after_a_slow_ping_and_then_enough_fast_ones():
    assert _load_over([sample(9), sample(7600)] + [sample(10)] * IDLE_SAMPLES)


def test_a_fast_ping_between_two_pipelines_does_not_end_the_load():
    assert not _load_over([sample(7600), sample(10), sample(7900)] + [sample(10)] * (IDLE_SAMPLES - 1))


def test_no_load_seen_yet_is_not_the_end_of_it():
    assert not _load_over([sample(10)] * (IDLE_SAMPLES + 3))


def test_a_fast_error_reply_is_not_an_idle_redis():
    rows = [sample(7600)] + [sample(10)] * (IDLE_SAMPLES - 1) + [sample(12, "Could not connect to Redis")]
    assert not _load_over(rows)


def test_a_ping_cut_off_by_the_restart_shows_the_load_but_does_not_set_the_exercises_bar():
    """Its wait is the lab's clock around the exec, not the PING's own: it shows that redis was
    loaded, and the exercise judges a timeout against the waits timed inside the pod."""
    result = LoadResult(rows=[sample(9), sample(7320, "Error: Connection reset by peer"), sample(9400, NO_ANSWER)])
    assert result.longest_wait_ms == 9400 and result.slowest_ms == 7320
