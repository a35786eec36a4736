"""The measured demos of lessons 4 and 5, as functions that return plain rows.

Each experiment deploys what it needs through the active target (the same Deployment
objects on kind and on Docker), is bounded in time, and removes what it deployed when it
ends, also when interrupted.
"""
import time
from dataclasses import dataclass, field
from typing import Callable, List, Optional

import yaml

from lab.core import settings
from lab.core.errors import LabError
from lab.engine.processes import pod_process_table
from lab.targets.docker.translate import PIDS_LIMIT_ANNOTATION
from lab.targets.manifests import Manifest, write_work_file

REDIS_ARGS = ["redis-server", "--save", ""]
# Overriding the image's ENTRYPOINT (tini) with the official entrypoint script keeps
# redis-server as PID 1 while tini stays installed in the image, for the probe variants.
REDIS_AS_PID1 = ["docker-entrypoint.sh"]


@dataclass(frozen=True)
class ProbeVariant:
    """One row of the probe-timeout matrix (docs/facts.md)."""
    name: str
    probe: List[str]
    redis_is_pid1: bool = True
    share_process_namespace: bool = False
    leaks: bool = False  # docs/facts.md: one zombie per timed-out probe, or none

    @property
    def deployment(self) -> str:
        return f"zombies-{self.name}"


VARIANTS = [
    ProbeVariant("exec-form", ["redis-cli", "ping"]),
    ProbeVariant("shell-form", ["sh", "-c", "redis-cli ping"], leaks=True),
    ProbeVariant("tini-in-probe", ["tini", "--", "redis-cli", "ping"], leaks=True),
    ProbeVariant("tini-s-in-probe", ["tini", "-s", "--", "redis-cli", "ping"], leaks=True),
    ProbeVariant("tini-pid1", ["sh", "-c", "redis-cli ping"], redis_is_pid1=False),
    ProbeVariant("shared-pid-ns", ["sh", "-c", "redis-cli ping"], share_process_namespace=True),
]


def what_differs(variant: ProbeVariant) -> str:
    """The lines of a variant's pod spec that differ between variants, as YAML."""
    body = redis_deployment(variant.deployment, variant.probe, redis_is_pid1=variant.redis_is_pid1,
                            share_process_namespace=variant.share_process_namespace).body
    spec = body["spec"]["template"]["spec"]
    container = spec["containers"][0]
    shown = {"containers": [{"name": "redis", **({"command": container["command"]} if "command" in container else {}),
                             "livenessProbe": {"exec": container["livenessProbe"]["exec"]}}]}
    if variant.share_process_namespace:
        shown = {"shareProcessNamespace": True, **shown}
    return yaml.safe_dump(shown, sort_keys=False, default_flow_style=None).rstrip()


def with_predictions(rows: List[dict], predictions: dict) -> List[dict]:
    """The matrix rows with the learner's prediction (zombies per timed-out probe: 0 or 1)
    beside what was measured."""
    shown = []
    for row in rows:
        guess = predictions.get(row["variant"])
        leaked = row["zombies"] > 0
        verdict = "-" if guess is None else ("right" if (guess > 0) == leaked else "wrong")
        shown.append({"variant": row["variant"], "PID 1": row["PID 1"], "your prediction": "-" if guess is None else guess,
                      "timed-out probes": row["timed-out probes"], "zombies": row["zombies"], "you were": verdict})
    return shown


def redis_deployment(name: str, probe: List[str], *, redis_is_pid1: bool = True, share_process_namespace: bool = False,
                     period: int = 2, timeout: int = 1, failure_threshold: int = 1000,
                     pids_limit: Optional[int] = None) -> Manifest:
    """A one-replica redis Deployment with an exec liveness probe, as the learner would write it."""
    container = {"name": "redis", "image": settings.REDIS_TINI.tag, "imagePullPolicy": "IfNotPresent",
                 "args": REDIS_ARGS,
                 "livenessProbe": {"exec": {"command": probe}, "periodSeconds": period,
                                   "timeoutSeconds": timeout, "failureThreshold": failure_threshold}}
    if redis_is_pid1:
        container["command"] = REDIS_AS_PID1
    template_metadata = {"labels": {"app": name}}
    if pids_limit:
        template_metadata["annotations"] = {PIDS_LIMIT_ANNOTATION: str(pids_limit)}
    body = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "labels": {"app": name}},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": template_metadata,
                                  "spec": {"shareProcessNamespace": share_process_namespace,
                                           "terminationGracePeriodSeconds": 5, "containers": [container]}}}}
    return Manifest(f"(experiment {name})", body)


def stall(target, deployment: str, milliseconds: int, *, quiet: bool = True) -> None:
    """Make redis answer nothing for a while, without DEBUG: CLIENT PAUSE ... ALL."""
    result = target.exec(deployment, ["redis-cli", "CLIENT", "PAUSE", str(milliseconds), "ALL"], quiet=quiet)
    if result.exit_code != 0:
        raise LabError(f"could not pause redis in {deployment}: {result.output.strip()}")


# -- lesson 5: the probe-timeout matrix ------------------------------------------------

@dataclass
class MatrixResult:
    rows: List[dict]                                   # one per variant: the table
    series: List[dict] = field(default_factory=list)   # (t, variant, zombies): the plot
    seconds: float = 0.0


def probe_timeout_matrix(target, variants: List[ProbeVariant] = VARIANTS, *, pause_ms: int = 5000,
                         settle_seconds: float = 4) -> MatrixResult:
    """Stall redis under every variant at once; count timed-out probes and zombies."""
    started = time.monotonic()
    objects = {v.deployment: redis_deployment(v.deployment, v.probe, redis_is_pid1=v.redis_is_pid1,
                                              share_process_namespace=v.share_process_namespace) for v in variants}
    by_deployment = {v.deployment: v for v in variants}
    measured, series = measure_stall(target, objects, pause_ms=pause_ms, settle_seconds=settle_seconds,
                                     work_file="05-matrix.yaml")
    for row in series:
        row["variant"] = by_deployment[row.pop("deployment")].name
    rows = [_matrix_row(by_deployment[name], counts) for name, counts in measured.items()]
    return MatrixResult(rows, series, round(time.monotonic() - started, 1))


def measure_stall(target, objects: dict, *, pause_ms: int = 5000, settle_seconds: float = 4,
                  work_file: str = "05-experiment.yaml"):
    """Deploy ``objects`` (deployment name -> Manifest) from work/``work_file``, pause every
    redis at once, sample zombies every half second; return per deployment {PID 1,
    timed-out probes, zombies, zombie commands} and the samples. Removes what it deployed,
    also when interrupted."""
    try:
        target.apply([write_work_file(work_file, list(objects.values()))])
        target.wait_ready(timeout=120, names=list(objects))
        before = {name: target.failed_probes(name) for name in objects}  # e.g. while redis started
        for name in objects:
            stall(target, name, pause_ms, quiet=False)
        timeouts = {name: set() for name in objects}
        series, stall_started = [], time.monotonic()
        print(f"redis paused for {pause_ms / 1000:g}s in {len(objects)} pod(s); sampling...")
        while time.monotonic() - stall_started < pause_ms / 1000 + settle_seconds:
            t = round(time.monotonic() - stall_started, 1)
            for name in objects:
                timeouts[name] |= target.failed_probes(name) - before[name]  # all timeouts: redis is paused
                table = pod_process_table(target, name, quiet=True)
                series.append({"t": t, "deployment": name, "zombies": len(table.zombies)})
            time.sleep(0.5)
        measured = {}
        for name in objects:
            table = pod_process_table(target, name, quiet=True)
            measured[name] = {"PID 1": table.pid1().comm, "timed-out probes": len(timeouts[name]),
                              "zombies": len(table.zombies),
                              "zombie commands": ", ".join(sorted({z.comm for z in table.zombies})) or "-"}
    finally:
        target.delete(list(objects), wait=False)
    return measured, series


def measure_pod_spec(target, spec: dict, **stall_options) -> dict:
    """An exercise answer (a pod spec) measured like a matrix variant."""
    name = "zombies-exercise"
    body = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "labels": {"app": name}},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}}, "spec": spec}}}
    measured, _ = measure_stall(target, {name: Manifest("(your answer)", body)}, work_file="05-your-fix.yaml",
                                **stall_options)
    return measured[name]


def _matrix_row(variant: ProbeVariant, counts: dict) -> dict:
    """A leaking variant leaves one zombie per timed-out probe whose redis-cli had started:
    on a busy machine containerd or Docker sometimes kills `sh` (or tini) before it has
    forked, and that timeout orphans nothing. So: at least one zombie, at most one per timeout."""
    timeouts, zombies = counts["timed-out probes"], counts["zombies"]
    matches = 1 <= zombies <= timeouts if variant.leaks else zombies == 0
    return {"variant": variant.name, "probe": " ".join(variant.probe), **counts,
            "expected": "1 per timed-out probe" if variant.leaks else "0",
            "matches": matches and timeouts > 0}


# -- lesson 5: PID exhaustion ------------------------------------------------------------

@dataclass
class ExhaustionResult:
    series: List[dict]      # t, zombies (None when no snapshot could be taken), pids, restarts
    timeline: List[dict]    # probe failures and the restart
    pids_limit: int
    restarted: bool
    seconds: float
    probe_failures: int = 0                 # counted while watching (the kubelet's count on Kubernetes)
    failure_events: Optional[int] = None    # Unhealthy Events recorded for the pod (Kubernetes only)
    no_pid_signs: List[str] = field(default_factory=list)  # what failed to fork or to start for lack of a PID

    @property
    def pids_peak(self) -> int:
        return max((row["pids"] for row in self.series if row["pids"] is not None), default=0)


NO_PID = ("fork", "resource temporarily unavailable", "exec failed")  # how a missing PID shows itself


def _no_pid_sign(text: str) -> bool:
    return any(sign in text.lower() for sign in NO_PID)


def pid_exhaustion(target, *, docker_pids_limit: int = 12, pause_ms: int = 2500, cycle_seconds: float = 3.2,
                   timeout: float = 120, on_sample: Optional[Callable[[dict], None]] = None) -> ExhaustionResult:
    """A shell-form probe under redis as PID 1, and short stalls (fewer timeouts in a row than
    failureThreshold) that each leave zombies behind, until no PID is left: then the probe
    itself cannot fork, fails three times, and the restart 'fixes' it.

    Each stall leaves one zombie: containerd or Docker kills the timed-out `sh`, but waits
    for the probe's output pipe to close, which the orphaned redis-cli holds until the
    pause ends.
    On Kubernetes the node's podPidsLimit applies (kind-config.yaml's worker: 32); Docker
    gets ``docker_pids_limit`` for this pod, to keep the demo short there too."""
    name = "zombies-exhaustion"
    started = time.monotonic()
    series: List[dict] = []
    no_pid_signs: List[str] = []
    next_stall = [0.0]
    try:
        target.apply_manifests([redis_deployment(name, ["sh", "-c", "redis-cli ping"], period=1, timeout=1,
                                                 failure_threshold=3, pids_limit=docker_pids_limit)])
        target.wait_ready(timeout=60, names=[name])
        limit = target.pids_limit(name)
        print(f"pids limit of the pod: {limit}; redis paused for {pause_ms / 1000:g}s every {cycle_seconds:g}s")

        def sample(elapsed: float) -> None:
            row = {"t": round(elapsed, 1), "restarts": target.restart_count(name), "pids": target.pids_in_use(name)}
            try:
                row["zombies"] = len(pod_process_table(target, name, quiet=True).zombies)
            except LabError as error:
                row["zombies"] = None  # the snapshot's own exec could not start
                if _no_pid_sign(str(error)):
                    no_pid_signs.append(f"{elapsed:.1f}s the lab's process snapshot: {str(error)[:100]}")
            series.append(row)
            if on_sample:
                on_sample(row)

        def tick(elapsed: float) -> None:
            if elapsed >= next_stall[0] and target.restart_count(name) == 0:
                next_stall[0] = elapsed + cycle_seconds
                try:
                    stall(target, name, pause_ms)
                except LabError as error:
                    why = "no PID left to start it" if "exec failed" in str(error) else str(error)[:80]
                    print(f"{elapsed:6.1f}s  {name}: the stall's own exec could not run: {why}")
                    if _no_pid_sign(str(error)):
                        no_pid_signs.append(f"{elapsed:.1f}s the stall's exec: {str(error)[:100]}")
            sample(elapsed)

        watch_started = time.monotonic()
        timeline = target.watch(timeout, on_tick=tick, until=lambda: target.restart_count(name) > 0,
                                interval=0.5, deployments=[name])
        restarted = target.restart_count(name) > 0
        if restarted:
            target.wait_ready(timeout=60, names=[name])
            sample(time.monotonic() - watch_started)
        failures = sum(row["deployment"] == name and row["event"] == "probe failed" for row in timeline)
        no_pid_signs += [f"{row['t']:.1f}s the probe: {row['detail']}" for row in timeline
                         if row["event"] == "probe failed" and _no_pid_sign(row["detail"])]
        events = target.unhealthy_events(name)
    finally:
        target.delete([name], wait=False)
    return ExhaustionResult(series, timeline, limit, restarted, round(time.monotonic() - started, 1),
                            failures, events, sorted(no_pid_signs, key=lambda line: float(line.split("s ")[0])))


# -- lesson 4: stall redis under DockerCoins and watch the restart ------------------------

@dataclass
class LivenessResult:
    samples: List[dict]     # t, hashes (None while the webui cannot read redis)
    timeline: List[dict]
    restarts_before: int
    restarts_after: int
    seconds: float


def stall_until_restart(target, url: str, *, pause_ms: int = 60000, timeout: float = 90,
                        recovery_samples: int = 4, view=None) -> LivenessResult:
    """Pause redis (longer than failureThreshold x periodSeconds), watch the probe fail and
    the restart, and keep sampling DockerCoins' hash counter until it climbs again."""
    from lab.course.dockercoins import stats
    started = time.monotonic()
    before = target.restart_count("redis")
    samples: List[dict] = []

    def sample(elapsed: float) -> None:
        samples.append({"t": round(time.monotonic() - started, 1), "hashes": stats(url).get("hashes")})
        if view is not None:
            view.on_tick(elapsed)

    def recovered() -> bool:
        if target.restart_count("redis") == before:
            return False
        after_restart = [s["hashes"] for s in samples[-recovery_samples:]]
        return len(after_restart) == recovery_samples and None not in after_restart and \
            after_restart == sorted(after_restart) and after_restart[-1] > after_restart[0]

    sample(0)
    stall(target, "redis", pause_ms, quiet=False)
    try:
        timeline = target.watch(timeout, on_tick=sample, until=recovered, deployments=["redis"],
                                on_event=view.on_event if view is not None else None)
    except BaseException:  # interrupted: do not leave redis paused for the rest of the minute
        if target.restart_count("redis") == before:
            # CLIENT UNPAUSE would wait behind the pause itself: restart redis, as the probe would have
            target.restart("redis", reason="the stall was interrupted")
        raise
    return LivenessResult(samples, timeline, before, target.restart_count("redis"),
                          round(time.monotonic() - started, 1))


# -- lesson 5: redis reaps by accident while a BGSAVE child runs ---------------------------

@dataclass
class AccidentalReaping:
    zombies_before: int
    unmatched_pid_log_lines: List[str]   # redis' "Warning, detected child with unmatched pid: N", one per reaped stray
    seconds_to_none_left: float          # from the one write to no zombie left
    experiment_seconds: float

    def row(self) -> dict:
        """For display: labels a reader understands."""
        return {"zombies before": self.zombies_before, "zombies after": 0,
                "'unmatched pid' log lines": len(self.unmatched_pid_log_lines),
                "seconds from the write to none left": self.seconds_to_none_left,
                "experiment seconds": self.experiment_seconds}


def accidental_reaping(target, *, pause_ms: int = 4000) -> AccidentalReaping:
    """Leak zombies with a shell-form probe, then let redis' own save rules start a BGSAVE:
    while that child runs, redis calls waitpid(-1) and reaps every stray, logging each one."""
    name = "zombies-bgsave"
    started = time.monotonic()
    try:
        target.apply_manifests([redis_deployment(name, ["sh", "-c", "redis-cli ping"], period=1)])
        target.wait_ready(timeout=60, names=[name])
        stall(target, name, pause_ms, quiet=False)
        time.sleep(pause_ms / 1000 + 1.5)  # the orphaned redis-cli processes exit once the pause ends
        before = len(pod_process_table(target, name, quiet=True).zombies)
        print(f"{before} zombies under redis-server; now the default-like save rule '1 1' and one write:")
        target.exec(name, ["redis-cli", "CONFIG", "SET", "save", "1 1"])
        target.exec(name, ["redis-cli", "INCR", "lab:one-write"])
        reaped_at = time.monotonic()
        from lab.core.waiting import wait_until
        wait_until(lambda: not pod_process_table(target, name, quiet=True).zombies, timeout=15,
                   what="a BGSAVE to reap the zombies", interval=0.2)
        seconds = time.monotonic() - reaped_at
        log_lines = [line for line in target.logs(name).splitlines() if "unmatched pid" in line]
    finally:
        target.delete([name], wait=False)
    return AccidentalReaping(before, log_lines, round(seconds, 1), round(time.monotonic() - started, 1))
