"""Lesson 5: zombies use up the pod's PIDs until the probe itself cannot fork.

Shell probes that check redis' answer (`redis-cli ping | grep -q PONG`) under redis as PID 1,
and short stalls (fewer timeouts in a row than failureThreshold) that each leave zombies
behind. Each stall times out each exec probe once: containerd or Docker kills the timed-out
`sh`, but waits for the probe's output pipe to close, which the orphaned redis-cli and grep
hold until the pause ends; then both exit, and neither is reaped. The pod has a readiness
probe with the same command beside its liveness probe (as many charts do), so each stall
leaves four zombies, and the 26 free PIDs run out in about 25 s on the stand-in (with
`sh -c "redis-cli ping"` and the liveness probe alone: 92 s). When no PID is left, the
liveness probe fails three times and the restart "fixes" it.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from lab.core.errors import LabError
from lab.core.json_types import Row
from lab.course.deployments import CHECKED_PING, redis_deployment
from lab.course.experiments.stall import stall
from lab.engine.processes import pod_process_table
from lab.targets.contract import Target
from lab.targets.deployed import deployed

NAME = "zombies-exhaustion"
NO_PID = ("fork", "resource temporarily unavailable", "exec failed")  # how a missing PID shows itself
# A key set in the first container's redis (which runs with --save "": a restarted one starts
# empty). The pod's restartCount lags the restart by a second or two, so a stall sent in
# that time would pause the new container and leave zombies in it; the key tells them apart.
FIRST_CONTAINER_KEY = "lab:first-container"
CYCLE_SECONDS = 3.2  # a 2.5 s stall, then 0.7 s for a probe to pass: never failureThreshold timeouts in a row
ZOMBIES_PER_STALL = 4  # redis-cli and grep, from each exec probe: the liveness and the readiness probe


@dataclass
class ExhaustionResult:
    series: list[Row]  # t, zombies (None when no snapshot could be taken), pids, restarts
    timeline: list[Row]  # probe failures and the restart
    pids_limit: int
    restarted: bool
    seconds: float
    probe_failures: int = 0  # counted while watching (the kubelet's count)
    failure_events: int = 0  # Unhealthy Events recorded for the pod
    no_pid_signs: list[str] = field(default_factory=list)  # what failed to fork or to start for lack of a PID

    @property
    def pids_peak(self) -> int:
        return max((row["pids"] for row in self.series if row["pids"] is not None), default=0)


def _no_pid_sign(text: str) -> bool:
    return any(sign in text.lower() for sign in NO_PID)


class _Sampler:
    """What one watch tick records: the pod's PIDs and zombies, and any sign of no PID left."""

    def __init__(self, target: Target, on_sample: Callable[[Row], None] | None):
        self.target, self.on_sample = target, on_sample
        self.series: list[Row] = []
        self.no_pid_signs: list[str] = []
        self.next_stall = 0.0

    def sample(self, elapsed: float) -> None:
        row: Row = {
            "t": round(elapsed, 1),
            "restarts": self.target.restart_count(NAME),
            "pids": self.target.pids_in_use(NAME),
        }
        try:
            row["zombies"] = len(pod_process_table(self.target, NAME, quiet=True).zombies)
        except LabError as error:
            row["zombies"] = None  # the snapshot's own exec could not start
            self._note_no_pid(elapsed, "the lab's process snapshot", error)
        self.series.append(row)
        if self.on_sample:
            self.on_sample(row)

    def _first_container(self) -> bool:
        """The first container's redis answers (1: it has the key; 0: a restarted one). An
        exec that cannot run raises, as the stall's own would: it is a sign of no PID left."""
        found = self.target.exec(NAME, ["redis-cli", "EXISTS", FIRST_CONTAINER_KEY], quiet=True)
        if found.exit_code != 0 or found.stdout.strip() not in ("0", "1"):
            raise LabError(f"the exec failed: {found.output.strip()[:120]}")
        return found.stdout.strip() == "1"

    def stall_now_and_then(self, elapsed: float, *, cycle_seconds: float, pause_ms: int) -> None:
        if elapsed >= self.next_stall and self.target.restart_count(NAME) == 0:
            self.next_stall = elapsed + cycle_seconds
            try:
                if self._first_container():  # else the restart has happened: no stall for the new one
                    stall(self.target, NAME, pause_ms)
            except LabError as error:
                why = "no PID left to start it" if "exec failed" in str(error) else str(error)[:80]
                print(f"{elapsed:6.1f}s  {NAME}: the stall's own exec could not run: {why}")
                self._note_no_pid(elapsed, "the stall's exec", error)

    def _note_no_pid(self, elapsed: float, whose: str, error: LabError) -> None:
        if _no_pid_sign(str(error)):
            self.no_pid_signs.append(f"{elapsed:.1f}s {whose}: {str(error)[:100]}")


def pid_exhaustion(
    target: Target,
    *,
    pause_ms: int = 2500,
    cycle_seconds: float = CYCLE_SECONDS,
    timeout: float = 120,
    on_sample: Callable[[Row], None] | None = None,
) -> ExhaustionResult:
    """Stall redis every ``cycle_seconds`` until the probe fails for lack of a PID and the pod
    restarts. The node's podPidsLimit applies (32 on kind-config.yaml's worker and on the stand-in)."""
    started = time.monotonic()
    sampler = _Sampler(target, on_sample)
    manifest = redis_deployment(NAME, CHECKED_PING, period=1, timeout=1, failure_threshold=3, readiness_too=True)
    with deployed(target, [manifest], ready_timeout=60):
        limit = target.pids_limit(NAME)
        marked = target.exec(NAME, ["redis-cli", "SET", FIRST_CONTAINER_KEY, "1"], quiet=True)
        if marked.stdout.strip() != "OK":
            raise LabError(f"could not mark the first container's redis: {marked.output.strip()[:120]}")
        print(f"pids limit of the pod: {limit}; redis paused for {pause_ms / 1000:g}s every {cycle_seconds:g}s")

        def tick(elapsed: float) -> None:
            sampler.stall_now_and_then(elapsed, cycle_seconds=cycle_seconds, pause_ms=pause_ms)
            sampler.sample(elapsed)

        watch_started = time.monotonic()
        timeline = target.watch(
            timeout, on_tick=tick, until=lambda: target.restart_count(NAME) > 0, interval=0.5, deployments=[NAME]
        )
        restarted = target.restart_count(NAME) > 0
        if restarted:
            target.wait_ready(timeout=60, names=[NAME])
            sampler.sample(time.monotonic() - watch_started)
        failures = sum(row["deployment"] == NAME and row["event"] == "probe failed" for row in timeline)
        signs = sampler.no_pid_signs + [
            f"{row['t']:.1f}s the probe: {row['detail']}"
            for row in timeline
            if row["event"] == "probe failed" and _no_pid_sign(row["detail"])
        ]
        events = target.unhealthy_events(NAME)
    return ExhaustionResult(
        sampler.series,
        timeline,
        limit,
        restarted,
        round(time.monotonic() - started, 1),
        failures,
        events,
        sorted(signs, key=lambda line: float(line.split("s ")[0])),
    )
