"""Lesson 5's checks: one call per measurement, one PASS line that states what was shown,
or a CheckFailed that lists every part that did not hold."""
from typing import List

from .checks import CheckFailed, passed


def _verdict(problems: List[str], success: str, hint: str = "") -> None:
    if problems:
        raise CheckFailed("; ".join(problems) + (f". {hint}" if hint else ""))
    passed(success)


def matrix_matches_facts(matrix, target) -> None:
    """Every variant left the zombies the facts predict, with the PID 1 and zombie commands
    they predict, and the experiment removed its pods."""
    expected_pid1 = {"tini-pid1": "tini", "shared-pid-ns": target.shared_pid_namespace_pid1}
    problems = []
    for row in matrix.rows:
        pid1 = expected_pid1.get(row["variant"], "redis-server")
        if not row["matches"]:
            problems.append(f"{row['variant']}: {row['timed-out probes']} timed-out probes but {row['zombies']} zombies "
                            f"(expected {row['expected']})")
        if row["PID 1"] != pid1 or row["zombie commands"] not in ("-", "redis-cli"):
            problems.append(f"{row['variant']}: PID 1 is {row['PID 1']} (expected {pid1}), "
                            f"zombies are {row['zombie commands']}")
    leftovers = {name for name in target.deployments() if name.startswith("zombies-")}  # the experiment's own
    if leftovers:
        problems.append(f"left behind: {sorted(leftovers)}")
    leaking = [row["variant"] for row in matrix.rows if row["zombies"]]
    _verdict(problems, f"all {len(matrix.rows)} variants as the facts say: zombies only under "
                       f"{', '.join(leaking)} (redis-server as PID 1 with something between the runtime and "
                       "redis-cli); none with the exec form or a reaping PID 1",
             "expected: one zombie per timed-out probe (at least one) when redis-server is PID 1 and something "
             "sits between the runtime and redis-cli; none otherwise")


def _pids_at_the_limit_before_the_restart(exhaustion) -> bool:
    """The cause where the probe's own output is not kept: on Kubernetes the kubelet's events
    stop after about 25, so the fork failures at the end are not shown; the pods' PIDs in
    use, read in the last seconds before the restart, are."""
    before = [row["pids"] for row in exhaustion.series if row["pids"] is not None and not row["restarts"]]
    return bool(before) and max(before[-6:]) >= exhaustion.pids_limit - 1


def exhaustion_caused_by_pids(exhaustion) -> None:
    """The restart happened, and it happened for lack of PIDs: the pod's PIDs reached the
    limit and something failed to fork or to start (not just any restart)."""
    most_zombies = max((row["zombies"] or 0 for row in exhaustion.series), default=0)
    problems = []
    if not exhaustion.restarted:
        problems.append("no restart happened within the time limit")
    if exhaustion.pids_limit <= 0 or exhaustion.pids_peak == 0:
        problems.append("no pids limit known or no PIDs-in-use sample (the nodes need a podPidsLimit, and reading "
                        "it needs the right to get nodes/proxy)")
    elif exhaustion.pids_peak < exhaustion.pids_limit - 1:
        problems.append(f"PIDs in use peaked at {exhaustion.pids_peak} of {exhaustion.pids_limit}: not the cause")
    if exhaustion.pids_peak > exhaustion.pids_limit > 0:
        problems.append(f"PIDs in use reached {exhaustion.pids_peak}, over the limit {exhaustion.pids_limit}")
    if not exhaustion.no_pid_signs and not _pids_at_the_limit_before_the_restart(exhaustion):
        problems.append("nothing failed to fork for lack of a PID, and the PIDs in use were not at the limit "
                        "just before the restart")
    if most_zombies < 3 or not exhaustion.series or exhaustion.series[-1]["zombies"] != 0:
        problems.append(f"zombies: at most {most_zombies}, at the end "
                        f"{exhaustion.series[-1]['zombies'] if exhaustion.series else '?'}")
    _verdict(problems, f"restarted for lack of PIDs after {exhaustion.seconds:.0f}s: {most_zombies} zombies, PIDs in "
                       f"use {exhaustion.pids_peak} of {exhaustion.pids_limit}, then "
                       f"{exhaustion.no_pid_signs[0].split(' ', 1)[1] if exhaustion.no_pid_signs else 'no PID left'}; "
                       "0 zombies after the restart")
