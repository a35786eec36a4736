"""Lesson 4: stall redis under DockerCoins, watch the liveness probe restart it, and the
hash counter climb again."""

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lab.core.json_types import Row
from lab.core.waiting import ticks
from lab.course.dockercoins import stats
from lab.course.experiments.stall import stall
from lab.targets.contract import Target


@dataclass
class LivenessResult:
    samples: list[Row]  # t, hashes (None while the webui cannot read redis)
    timeline: list[Row]
    restarts_before: int
    restarts_after: int
    seconds: float


def stall_until_restart(
    target: Target,
    url: str,
    *,
    pause_ms: int = 60000,
    timeout: float = 90,
    recovery_samples: int = 4,
    view: Any | None = None,
) -> LivenessResult:
    """Pause redis (longer than failureThreshold x periodSeconds), then watch_restart."""
    before = target.restart_count("redis")
    stall(target, "redis", pause_ms, quiet=False)
    return watch_restart(
        target, url, restarts_before=before, timeout=timeout, recovery_samples=recovery_samples, view=view
    )


def hash_samples(url: str, *, count: int = 3, interval: float = 1) -> list[Row]:
    """DockerCoins' hash counter a few times, before a stall: the chart's "before" (its
    samples carry the monotonic time they were taken, `at`)."""
    samples: list[Row] = []
    for _ in ticks(interval * (count - 1), interval=interval):
        samples.append({"at": time.monotonic(), "hashes": stats(url).get("hashes")})
    return samples


def watch_restart(
    target: Target,
    url: str,
    *,
    restarts_before: int,
    timeout: float = 90,
    recovery_samples: int = 4,
    view: Any | None = None,
    before: Sequence[Row] = (),
) -> LivenessResult:
    """After redis was stalled (by the lab, or by the learner's own `kubectl exec ... CLIENT
    PAUSE`): watch the probe fail and the restart, and keep sampling DockerCoins' hash counter
    until it climbs again. ``restarts_before``: restartCount read before the stall.
    ``view``: a live view (lab.views.widgets.ProbeTimelineView) fed each tick and event.
    ``before``: hash_samples taken before the stall, shown at their (negative) times."""
    started = time.monotonic()
    samples: list[Row] = [{"t": round(s["at"] - started, 1), "hashes": s["hashes"]} for s in before]

    def sample(elapsed: float) -> None:
        samples.append({"t": round(time.monotonic() - started, 1), "hashes": stats(url).get("hashes")})
        if view is not None:
            view.on_tick(elapsed)

    def recovered() -> bool:
        if target.restart_count("redis") == restarts_before:
            return False
        after_restart = [s["hashes"] for s in samples[-recovery_samples:]]
        return (
            len(after_restart) == recovery_samples
            and None not in after_restart
            and after_restart == sorted(after_restart)
            and after_restart[-1] > after_restart[0]
        )

    try:
        sample(0)  # inside: the webui's /json may block while redis is paused
        timeline = target.watch(
            timeout,
            on_tick=sample,
            until=recovered,
            deployments=["redis"],
            on_event=view.on_event if view is not None else None,
        )
    except BaseException:  # interrupted: do not leave redis paused for the rest of the minute
        if target.restart_count("redis") == restarts_before:
            # CLIENT UNPAUSE would wait behind the pause itself: restart redis, as the probe would have
            target.restart("redis", reason="the stall was interrupted")
        raise
    return LivenessResult(
        samples, timeline, restarts_before, target.restart_count("redis"), round(time.monotonic() - started, 1)
    )
