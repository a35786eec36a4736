"""Lesson 5's last exercise: a redis that keeps restarting, and nobody knows why.

`redis-cache` is another team's redis in your namespace. Its container runs a maintenance
job next to redis (a redis-cli that pauses redis for 2.5 s every few seconds, as a slow
snapshot or compaction would), its `command` makes redis-server PID 1 (it replaces the
image's tini ENTRYPOINT), and its liveness probe is a shell that checks redis' answer
(`redis-cli ping | grep -q PONG`), as is a readiness probe with the same command (which one
redis does not need: lesson 4). Each pause times out both probes; containerd or Docker kills
each probe's `sh`; its redis-cli and grep are orphaned to redis-server, which never reaps
them; the zombies (four a pause) fill the pod's PIDs; a probe can no longer fork, fails
three times in a row, and the container is restarted, about every 30 s, which wipes the
evidence. The learner finds this with the commands a person would type, then fixes the
pod spec, and the fix is measured: the job keeps pausing redis, yet nothing restarts and
no zombie is left.
"""

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NoReturn

import yaml

from lab.core import json_types, settings
from lab.core.errors import LabError
from lab.core.json_types import Row
from lab.core.waiting import ticks
from lab.course import deployments
from lab.course.exercises import MYSTERY as EXERCISE
from lab.course.exercises.registry import fail, passed
from lab.course.exercises.zombie_fix import load_pod_spec, the_container
from lab.engine.processes import ProcessTable, pod_process_table
from lab.targets.contract import Target
from lab.targets.manifests import Manifest, write_work_file

NAME = "redis-cache"
WORK_FILE = "05-redis-cache.yaml"
YOUR_FIX_FILE = "05-redis-cache-fixed.yaml"
# One long-lived redis-cli that repeats the pause (-r -1: forever, -i: seconds between): a
# shell loop would need a fork per round and die at the first fork the full PIDs refuse.
# 2 s of free running between two pauses, so that a probe (one a second) passes between
# them and timeouts never come three in a row (with 0.7 s between pauses they did, on a
# loaded machine).
MAINTENANCE = "sleep 2; exec redis-cli -r -1 -i 4.5 CLIENT PAUSE 2500 ALL >/dev/null"


def _probe() -> json_types.KubeDict:
    return {
        "exec": {"command": list(deployments.CHECKED_PING)},
        "periodSeconds": 1,
        "timeoutSeconds": 1,
        "failureThreshold": 3,
    }


def pod_spec() -> json_types.KubeDict:
    """The pod spec as the other team wrote it: the same shell-form probe for liveness and
    readiness, so each pause leaves four zombies (redis-cli and grep, twice)."""
    return {
        "terminationGracePeriodSeconds": 5,
        "containers": [
            {
                "name": "redis",
                "image": settings.REDIS_TINI.tag,
                "imagePullPolicy": "IfNotPresent",
                "command": ["sh", "-c", f"({MAINTENANCE}) & exec docker-entrypoint.sh redis-server --save ''"],
                "livenessProbe": _probe(),
                "readinessProbe": _probe(),
            }
        ],
    }


def spec_yaml() -> str:
    return yaml.safe_dump(pod_spec(), sort_keys=False, width=200).rstrip()


def deployment(spec: json_types.KubeDict) -> Manifest:
    return deployments.deployment(NAME, copy.deepcopy(spec), source=NAME)


def start(target: Target, spec: json_types.KubeDict | None = None, work_file: str = WORK_FILE) -> None:
    """Deploy redis-cache from work/FILE. Deleted first: server-side apply on Kubernetes 1.20
    cannot drop every field a fix removes (a probe's defaulted fields stay behind)."""
    if NAME in target.deployments():
        target.delete([NAME], wait=False)
    target.apply([write_work_file(work_file, [deployment(spec or pod_spec())])])
    target.wait_ready(timeout=120, names=[NAME])


# -- the clues --------------------------------------------------------------------------------------


@dataclass
class Clues:
    restarts: int
    probe_failures: int
    failure_events: int
    zombies: int
    zombie_commands: list[str]
    zombie_parent: str
    pid1: str
    pids_in_use: int | None
    pids_limit: int
    described: str = ""
    timeline: list[Row] = field(default_factory=list)

    def rows(self) -> list[Row]:
        """The clues as a table, one per line."""
        return [
            {"clue": "restarts so far", "value": self.restarts},
            {"clue": "liveness failures counted", "value": self.probe_failures},
            {"clue": "PID 1", "value": self.pid1},
            {"clue": "zombies now (a few seconds after the restart)", "value": self.zombies},
            {"clue": "the zombies' command", "value": ", ".join(self.zombie_commands) or "-"},
            {"clue": "the zombies' parent", "value": self.zombie_parent},
            {"clue": "PIDs in use / the pod's limit", "value": f"{self.pids_in_use} / {self.pids_limit}"},
        ]


def wait_for_a_restart(target: Target, timeout: float = 150) -> list[Row]:
    """The complaint: it restarts. Watch until it has (at once if it already did)."""
    if target.restart_count(NAME) > 0:
        print(f"{NAME} has restarted {target.restart_count(NAME)} time(s) already")
        return []
    return target.watch(timeout, until=lambda: target.restart_count(NAME) > 0, interval=0.5, deployments=[NAME])


def _process_table(target: Target, attempts: int = 3) -> ProcessTable:
    """The pod's process table; an exec that fails while the kubelet restarts the container
    again (it keeps restarting: that is the mystery) is tried again once it runs."""
    for _ in range(attempts - 1):
        try:
            return pod_process_table(target, NAME)
        except LabError as error:
            print(f"  (reading the process table failed: {str(error)[:100]}...; trying again once it runs)")
            target.wait_ready(timeout=330, names=[NAME])
            time.sleep(2)
    return pod_process_table(target, NAME)  # the last attempt: its error is the one to show


def _until_it_leaks_again(target: Target, seconds: float = 15) -> None:
    """Wait (about ``seconds`` at most) until the restarted container shows zombies again: its job's
    first pause ends about 4.5 s after it starts. Then the table has something to show."""
    for _ in ticks(seconds, interval=1):
        try:
            if pod_process_table(target, NAME, quiet=True).zombies:
                return
        except LabError:
            pass  # restarting again: the next look tells


def gather_clues(target: Target, timeline: list[Row]) -> Clues:
    """What `kubectl describe pod` and a process table show a few seconds after a restart."""
    # After a few restarts the kubelet waits before the next start (back-off, 10 s doubling
    # up to 5 minutes): wait until the container runs again before looking inside it.
    target.wait_ready(timeout=330, names=[NAME])
    _until_it_leaks_again(target)
    described = target.describe(NAME)
    print(described)
    table = _process_table(target)
    print(table.tree())
    zombies = table.zombies
    by_pid = {process.pid: process for process in table.processes}
    parents = {by_pid[z.ppid].comm if z.ppid in by_pid else str(z.ppid) for z in zombies}
    return Clues(
        restarts=target.restart_count(NAME),
        probe_failures=len(target.failed_probes(NAME)),
        failure_events=target.unhealthy_events(NAME),
        zombies=len(zombies),
        zombie_commands=sorted({z.comm for z in zombies}),
        zombie_parent=", ".join(sorted(parents)) or "-",
        pid1=table.pid1().comm,
        pids_in_use=target.pids_in_use(NAME),
        pids_limit=target.pids_limit(NAME),
        described=described,
        timeline=timeline,
    )


# -- the fix, measured -----------------------------------------------------------------------------


def measure_fix(target: Target, spec: json_types.KubeDict, seconds: float = 15) -> Row:
    """Deploy the fixed spec as redis-cache and watch it for ``seconds`` while its job keeps
    pausing redis: restarts, probe failures (the pauses still time probes out), zombies."""
    start(target, spec, YOUR_FIX_FILE)
    most = [0]

    def count_zombies(_elapsed: float) -> None:
        try:
            most[0] = max(most[0], len(pod_process_table(target, NAME, quiet=True).zombies))
        except LabError:
            pass  # the snapshot's exec could not start: the watch sees the restart this causes

    print(f"watching your redis-cache for {seconds:g}s while its maintenance job pauses redis...")
    timeline = target.watch(seconds, on_tick=count_zombies, interval=1, deployments=[NAME])
    try:
        at_the_end = len(pod_process_table(target, NAME, quiet=True).zombies)
    except LabError:  # no PID left even for the snapshot: a leak, which the verdict reports
        at_the_end = most[0] or 1
    return {
        "restarts": target.restart_count(NAME),
        "timed_out_probes": sum(row["event"] == "probe failed" for row in timeline),
        "most_zombies": most[0],
        "zombies": at_the_end,
    }


# -- the check ----------------------------------------------------------------------------------------


def _fail(mistake: str, what: str) -> NoReturn:
    fail(EXERCISE, mistake, what)


def _static_checks(spec: json_types.KubeDict) -> json_types.KubeDict:
    """What can be seen without running it: the job kept, the probe kept as strict."""
    container = the_container(EXERCISE, spec)
    words = {name: container.get(name) for name in ("command", "args")}
    for name, value in words.items():
        if value is not None and not isinstance(value, list):  # Kubernetes would refuse it: a list is needed
            _fail("maintenance-removed", f"{name} is {value!r}, not a list: the job no longer runs as it was written.")
    started = " ".join(map(str, (words["command"] or []) + (words["args"] or [])))
    if "CLIENT PAUSE" not in started:
        _fail("maintenance-removed", "the maintenance job is gone from the container's command.")
    probe = container.get("livenessProbe")
    if not isinstance(probe, dict) or not isinstance(probe.get("exec"), dict):
        _fail("probe-removed", "the liveness probe is gone (or is no longer an exec probe).")
    command = probe["exec"].get("command")
    if not isinstance(command, list) or not command:
        _fail("probe-removed", "the probe's exec has no command list: there is nothing for the kubelet to run.")
    original = pod_spec()["containers"][0]["livenessProbe"]
    for name in ("periodSeconds", "timeoutSeconds", "failureThreshold"):
        value = probe.get(name, 1)  # absent: the default, a number; present but null: a mistake
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            _fail("bad-number", f"{name} is {value!r}.")
    loosened = [
        f"{name} {probe.get(name, default)}"
        for name, default in (("periodSeconds", 10), ("timeoutSeconds", 1), ("failureThreshold", 3))
        if probe.get(name, default) > original[name]
    ]
    if loosened:
        _fail("probe-loosened", f"the probe is looser ({', '.join(loosened)}) than the other team's.")
    return container


def check_fix(answer: str, measure: Callable[[json_types.KubeDict], Row] | None = None) -> Row:
    """Check a fixed pod spec for redis-cache; with ``measure``, deploy and watch it: passes
    only when the job still pauses redis (probes time out), nothing restarts and no zombie
    is left."""
    spec = load_pod_spec(EXERCISE, answer)
    _static_checks(spec)
    if measure is None:
        passed(EXERCISE, "the job and a strict probe are kept; run it with measure to prove the fix")
        return {}
    measured = measure(spec)
    if measured["timed_out_probes"] == 0:
        _fail("nothing-timed-out", "no probe timed out while watching, so the fix was not tested.")
    if measured["restarts"] or measured["zombies"] or measured["most_zombies"]:
        _fail(
            "still-leaking",
            f"measured {measured['restarts']} restart(s) and up to {measured['most_zombies']} "
            f"zombies ({measured['zombies']} at the end).",
        )
    passed(
        EXERCISE,
        f"the job paused redis and {measured['timed_out_probes']} probes timed out, yet 0 restarts and 0 zombies",
    )
    return measured
