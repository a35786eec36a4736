"""Lesson 6: a liveness probe whose timeout is too short for a loaded redis. The learner
applies k8s/lesson-06/loaded-redis.yaml (redis with lesson 4's strict probe) and starts
the load generator, k8s/lesson-06/load-generator.yaml (slow Lua scripts from 4 clients);
the lab samples how long a PING takes inside the pod, and the restart count, until redis
is restarted or the load is over.

container.training teaches the same pitfall on DockerCoins' rng (slides/k8s/
healthchecks-more.md: a 1 s timeout, `ab -c 10`, restarts that cascade); here it is redis,
and the fix is measured too."""

import time
from dataclasses import dataclass, field

from lab.core.errors import LabError
from lab.core.json_types import Row
from lab.core.waiting import ticks
from lab.targets.contract import Target

DEPLOYMENT = "loaded-redis"
LOADED_MS = 500  # a PING slower than this: the load is there (an idle redis answers in a few ms)
IDLE_MS = 200  # a PING faster than this, IDLE_SAMPLES times in a row: the load is over
IDLE_SAMPLES = 4
# How long a PING waits behind this load at most, nominally: one ~0.5 s script from each of the
# 4 clients (a busy machine stretches it: 3.3 s was measured). A single sample waits anywhere
# from 0 to that, depending on when it arrives, so a probe's timeout is judged against the
# longer of this and the slowest sample, never against a lucky sample alone.
WORST_WAIT_MS = 2000
# The PING's own time, measured inside the pod: `timeout` kills and reaps redis-cli itself if
# redis takes longer than that, so the lab's sample never orphans anything in redis' container.
PING_TIMER = "a=$(date +%s%N); timeout 12 redis-cli ping >/dev/null; echo $(( ($(date +%s%N) - a) / 1000000 ))"

LABELS = {"t": "t (s)", "ping_ms": "PING took (ms)", "restarts": "restartCount"}


@dataclass
class LoadResult:
    rows: list[Row] = field(default_factory=list)  # t, ping_ms (None: no answer), restarts
    restarts_before: int = 0
    restarts_after: int = 0
    seconds: float = 0.0

    @property
    def restarted(self) -> bool:
        return self.restarts_after > self.restarts_before

    @property
    def slowest_ms(self) -> int:
        return max((row["ping_ms"] for row in self.rows if row["ping_ms"] is not None), default=0)


def ping_ms(target: Target, deployment: str = DEPLOYMENT) -> int | None:
    """How long one PING takes inside the pod, in ms; None when the pod does not answer."""
    try:
        result = target.exec(deployment, ["sh", "-c", PING_TIMER], timeout=15, quiet=True)
        return int(result.output.strip().splitlines()[-1])
    except (LabError, ValueError, IndexError):
        return None


def watch_load(
    target: Target, *, restarts_before: int, timeout: float = 90, deployment: str = DEPLOYMENT
) -> LoadResult:
    """Sample PING's time and the restart count every second (bounded by ``timeout``) until
    redis is restarted, or the load has been seen and is over (two fast PINGs after a slow one)."""
    started = time.monotonic()
    result = LoadResult(restarts_before=restarts_before, restarts_after=restarts_before)
    for _ in ticks(timeout, interval=1):
        result.restarts_after = target.restart_count(deployment)
        result.rows.append(
            {
                "t": round(time.monotonic() - started),
                "ping_ms": ping_ms(target, deployment),
                "restarts": result.restarts_after,
            }
        )
        if result.restarted or _load_over(result.rows):
            break
    else:
        print(f"(stopped watching after {timeout:.0f}s: neither a restart nor the end of the load)")
    result.seconds = round(time.monotonic() - started, 1)
    return result


def _load_over(rows: list[Row]) -> bool:
    """A slow PING seen, then the last IDLE_SAMPLES fast: the load generator has finished.
    (One sample under load may arrive as a script ends and be fast; four in a row, a second
    apart, are not.)"""
    times = [row["ping_ms"] for row in rows]
    loaded = any(ms is not None and ms > LOADED_MS for ms in times)
    recent = times[-IDLE_SAMPLES:]
    return loaded and len(recent) == IDLE_SAMPLES and all(ms is not None and ms < IDLE_MS for ms in recent)
