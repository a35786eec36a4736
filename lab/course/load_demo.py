"""Lesson 6: a liveness probe whose timeout is too short for a loaded redis. The learner
applies k8s/lesson-06/loaded-redis.yaml (redis with lesson 4's strict probe) and starts
the load generator, k8s/lesson-06/load-generator.yaml (pipelines of slow Lua scripts); the
lab samples how long a PING takes inside the pod, and the restart count, until redis
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
# How long a PING waits behind this load at most: one pipeline, 8 scripts that each keep redis
# busy for 1 s of wall-clock time (they loop on TIME, so a fast machine does not shorten
# them, and a loaded one stretches them only by what it preempts). A single sample waits anywhere from 0 to that, depending on when it
# arrives, so a probe's timeout is judged against the longer of this and the slowest
# sample, never against a lucky sample alone.
WORST_WAIT_MS = 8000
# The PING's own time and redis' reply, measured inside the pod: `timeout` kills and reaps
# redis-cli itself if redis takes longer than that, so the lab's sample never orphans
# anything in redis' container.
PING_TIMER = (
    'a=$(date +%s%N); reply=$(timeout 12 redis-cli ping 2>&1); echo "$(( ($(date +%s%N) - a) / 1000000 )) $reply"'
)
NO_ANSWER = "none"  # the sample's reply when redis answered nothing (restarted while it waited)

LABELS = {"t": "t (s)", "ping_ms": "PING waited (ms)", "reply": "reply", "restarts": "restartCount"}


@dataclass
class LoadResult:
    rows: list[Row] = field(default_factory=list)  # t, ping_ms, reply, restarts
    restarts_before: int = 0
    restarts_after: int = 0
    seconds: float = 0.0

    @property
    def restarted(self) -> bool:
        return self.restarts_after > self.restarts_before

    @property
    def slowest_ms(self) -> int:
        """The longest a sampled PING waited for a reply, as timed inside the pod (the bar the
        exercise sets a probe's timeout against)."""
        return max((row["ping_ms"] for row in self.rows if row["reply"] != NO_ANSWER), default=0)

    @property
    def longest_wait_ms(self) -> int:
        """The longest wait of any sample, a PING cut off by the restart included (timed by
        the lab's clock around the exec: a little more than the PING's own wait)."""
        return max((row["ping_ms"] for row in self.rows), default=0)


def time_ping(target: Target, deployment: str = DEPLOYMENT) -> tuple[int, str]:
    """One PING inside the pod: how long it waited (ms) and what redis-cli printed (PONG, or
    an error such as the connection reset of a redis restarted while the PING waited; after
    12 s, nothing). When the exec itself ends without output (the restarted container's
    processes go with it), the wait is the lab's own clock around the exec, and the reply
    NO_ANSWER."""
    started = time.monotonic()
    try:
        output = target.exec(deployment, ["sh", "-c", PING_TIMER], timeout=15, quiet=True).output
        waited, _, reply = output.strip().splitlines()[-1].partition(" ")
        return int(waited), reply.strip() or NO_ANSWER
    except (LabError, ValueError, IndexError):
        return round((time.monotonic() - started) * 1000), NO_ANSWER


def watch_load(
    target: Target, *, restarts_before: int, timeout: float = 90, deployment: str = DEPLOYMENT
) -> LoadResult:
    """Sample PING's time and the restart count every second (bounded by ``timeout``) until
    redis is restarted, or the load has been seen and is over (IDLE_SAMPLES fast PINGs after a
    slow one). A sample waits as long as its PING does, up to a pipeline: the rows are a second
    apart at the least."""
    started = time.monotonic()
    result = LoadResult(restarts_before=restarts_before, restarts_after=restarts_before)
    for _ in ticks(timeout, interval=1):
        t = round(time.monotonic() - started)
        waited_ms, reply = time_ping(target, deployment)
        # Read after the sample, so that a restart while it waited shows (here, or on the next
        # tick: the kubelet reports restartCount a little late).
        result.restarts_after = target.restart_count(deployment)
        result.rows.append({"t": t, "ping_ms": waited_ms, "reply": reply, "restarts": result.restarts_after})
        if result.restarted or _load_over(result.rows):
            break
    else:
        print(f"(stopped watching after {timeout:.0f}s: neither a restart nor the end of the load)")
    result.seconds = round(time.monotonic() - started, 1)
    return result


def _load_over(rows: list[Row]) -> bool:
    """A slow PING seen, then the last IDLE_SAMPLES answered PONG fast: the load generator has
    finished. (A sample between two pipelines is fast; IDLE_SAMPLES in a row, a second apart,
    are not: the pipelines are 1 s apart.)"""
    loaded = any(row["ping_ms"] > LOADED_MS for row in rows)
    recent = rows[-IDLE_SAMPLES:]
    return (
        loaded
        and len(recent) == IDLE_SAMPLES
        and all(row["reply"] == "PONG" and row["ping_ms"] < IDLE_MS for row in recent)
    )
