"""Lesson 5's probe-timeout matrix: which probe forms leave a zombie per timed-out probe.

Every variant runs at once, redis is paused in each, and zombies are sampled every half
second (docs/facts.md has the expected counts and where they come from).
"""

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import yaml

from lab.core import config
from lab.core.json_types import Row
from lab.core.waiting import ticks
from lab.course import progress
from lab.course.deployments import deployment, redis_deployment
from lab.course.experiments.stall import stall
from lab.engine.processes import pod_process_table
from lab.targets.contract import Target
from lab.targets.deployed import deployed
from lab.targets.manifests import Manifest


@dataclass(frozen=True)
class ProbeVariant:
    """One row of the probe-timeout matrix (docs/facts.md)."""

    name: str
    probe: list[str]
    redis_is_pid1: bool = True
    share_process_namespace: bool = False
    leaks: bool = False  # docs/facts.md: one zombie per timed-out probe, or none

    @property
    def deployment(self) -> str:
        return f"zombies-{self.name}"

    def manifest(self) -> Manifest:
        return redis_deployment(
            self.deployment,
            self.probe,
            redis_is_pid1=self.redis_is_pid1,
            share_process_namespace=self.share_process_namespace,
        )


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
    spec = variant.manifest().body["spec"]["template"]["spec"]
    container = spec["containers"][0]
    shown: Row = {
        "containers": [
            {
                "name": "redis",
                **({"command": container["command"]} if "command" in container else {}),
                "livenessProbe": {"exec": container["livenessProbe"]["exec"]},
            }
        ]
    }
    if variant.share_process_namespace:
        shown = {"shareProcessNamespace": True, **shown}
    return yaml.safe_dump(shown, sort_keys=False, default_flow_style=None).rstrip()


def with_predictions(rows: list[Row], predictions: Mapping[str, int | None]) -> list[Row]:
    """The matrix rows with the learner's prediction (zombies per timed-out probe: 0 or 1)
    beside what was measured, each kept in the participant's progress. Under CI
    (LAB_SOLUTIONS=1) a missing prediction is the course's (docs/facts.md)."""
    leaks = {variant.name: variant.leaks for variant in VARIANTS}
    shown = []
    for row in rows:
        guess = predictions.get(row["variant"])
        if guess is None and config.current().solutions:
            guess = int(leaks.get(row["variant"], False))
        leaked = row["zombies"] > 0
        if guess is not None:
            progress.record_prediction(f"05-matrix-{row['variant']}", str(int(guess > 0)), str(int(leaked)))
        verdict = "-" if guess is None else ("right" if (guess > 0) == leaked else "wrong")
        shown.append(
            {
                "variant": row["variant"],
                "pid1": row["pid1"],
                "prediction": "-" if guess is None else guess,
                "timed_out_probes": row["timed_out_probes"],
                "zombies": row["zombies"],
                "verdict": verdict,
            }
        )
    return shown


# A row's fields, and the column each is shown under: Table(rows, labels=LABELS).
LABELS = {
    "variant": "variant",
    "probe": "probe",
    "pid1": "PID 1",
    "prediction": "your prediction",
    "timed_out_probes": "timed-out probes",
    "zombies": "zombies",
    "zombie_commands": "zombie commands",
    "expected": "expected",
    "matches": "matches",
    "verdict": "you were",
}


@dataclass
class MatrixResult:
    rows: list[Row]  # one per variant: the table
    series: list[Row] = field(default_factory=list)  # (t, variant, zombies): the plot
    seconds: float = 0.0


def probe_timeout_matrix(
    target: Target, variants: list[ProbeVariant] = VARIANTS, *, pause_ms: int = 5000, settle_seconds: float = 4
) -> MatrixResult:
    """Stall redis under every variant at once; count timed-out probes and zombies."""
    started = time.monotonic()
    by_deployment = {v.deployment: v for v in variants}
    measured, series = measure_stall(
        target,
        [v.manifest() for v in variants],
        pause_ms=pause_ms,
        settle_seconds=settle_seconds,
        work_file="05-matrix.yaml",
    )
    for row in series:
        row["variant"] = by_deployment[row.pop("deployment")].name
    rows = [_matrix_row(by_deployment[name], counts) for name, counts in measured.items()]
    return MatrixResult(rows, series, round(time.monotonic() - started, 1))


def measure_stall(
    target: Target,
    objects: list[Manifest],
    *,
    pause_ms: int = 5000,
    settle_seconds: float = 4,
    work_file: str = "05-experiment.yaml",
) -> tuple[dict[str, Row], list[Row]]:
    """Deploy ``objects`` from work/``work_file``, pause every redis at once, sample zombies
    every half second until every pod's probe has passed again after the pause (at most
    ``settle_seconds`` after it); return per deployment {PID 1, timed-out probes, zombies,
    zombie commands} and the samples. Removes what it deployed, also when interrupted."""
    with deployed(target, objects, work_file=work_file) as names:
        before = target.liveness_runs(names)  # e.g. failures while redis started
        for name in names:
            stall(target, name, pause_ms, quiet=False)
        timeouts: dict[str, set[str]] = {name: set() for name in names}
        series: list[Row] = []
        passed_when_the_pause_ended: dict[str, int | None] | None = None
        print(f"redis paused for {pause_ms / 1000:g}s in {len(names)} pod(s); sampling...")
        for elapsed in ticks(pause_ms / 1000 + settle_seconds, interval=0.5):
            runs = target.liveness_runs(names)  # one read of the kubelet's counts a tick
            for name in names:
                timeouts[name] |= runs[name].failed - before[name].failed  # all timeouts: redis is paused
                table = pod_process_table(target, name, quiet=True)
                series.append({"t": round(elapsed, 1), "deployment": name, "zombies": len(table.zombies)})
            if elapsed < pause_ms / 1000:
                continue
            if passed_when_the_pause_ended is None:
                passed_when_the_pause_ended = {name: runs[name].passed for name in names}
            elif all(_more(runs[name].passed, passed_when_the_pause_ended[name]) for name in names):
                break  # every probe passed again: see _more
        measured = {}
        for name in names:
            table = pod_process_table(target, name, quiet=True)
            measured[name] = {
                "pid1": table.pid1().comm,
                "timed_out_probes": len(timeouts[name]),
                "zombies": len(table.zombies),
                "zombie_commands": ", ".join(sorted({z.comm for z in table.zombies})) or "-",
            }
    return measured, series


def _more(now: int | None, then: int | None) -> bool:
    """More passes than when the pause ended. The kubelet runs a pod's probe one run at a
    time, so a pass after the pause comes after every run the pause timed out was counted,
    and after its orphans exited (the runtime waits for them: they hold the probe's output
    pipe). Without the kubelet's counts (None: a room's participant) never: the sampling
    then runs its full time."""
    return now is not None and then is not None and now > then


def measure_pod_spec(target: Target, spec: Row, *, pause_ms: int = 5000, settle_seconds: float = 4) -> Row:
    """An exercise answer (a pod spec) measured like a matrix variant."""
    answer = deployment("zombies-exercise", spec, source="(your answer)")
    measured, _ = measure_stall(
        target, [answer], work_file="05-your-fix.yaml", pause_ms=pause_ms, settle_seconds=settle_seconds
    )
    return measured[answer.name]


def measure_probe(target: Target, command: list[str], *, pause_ms: int = 5000, settle_seconds: float = 4) -> Row:
    """A probe's command measured like a matrix variant under redis-server as PID 1."""
    answer = redis_deployment("zombies-exercise", command)
    measured, _ = measure_stall(
        target, [answer], work_file="05-your-probe.yaml", pause_ms=pause_ms, settle_seconds=settle_seconds
    )
    return measured[answer.name]


def _matrix_row(variant: ProbeVariant, counts: Row) -> Row:
    """A leaking variant leaves one zombie per timed-out probe whose redis-cli had started:
    on a busy machine containerd or Docker sometimes kills `sh` (or tini) before it has
    forked, and that timeout orphans nothing. So: at least one zombie, at most one per timeout."""
    timeouts, zombies = counts["timed_out_probes"], counts["zombies"]
    matches = 1 <= zombies <= timeouts if variant.leaks else zombies == 0
    return {
        "variant": variant.name,
        "probe": " ".join(variant.probe),
        **counts,
        "expected": "1 per timed-out probe" if variant.leaks else "0",
        "matches": matches and timeouts > 0,
    }
