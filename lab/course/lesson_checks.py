"""The checks of lessons 3 to 5: one call per step or measurement, one PASS line that states what was shown,
or a CheckFailed that lists every part that did not hold."""
from typing import List, Sequence

from lab.core.json_types import Row
from lab.course.checks import CheckFailed, passed
from lab.course.experiments import AccidentalReaping, ExhaustionResult, MatrixResult
from lab.engine.processes import pod_process_table
from lab.targets.contract import Target


def _verdict(problems: List[str], success: str, hint: str = "") -> None:
    if problems:
        raise CheckFailed("; ".join(problems) + (f". {hint}" if hint else ""))
    passed(success)


REDIS_PID1_HINTS = {
    "redis-server": "this step runs the official image, as k8s/redis.yaml names it: run the `kubectl apply -f k8s/` "
                    "cell above, then its rollout cell",
    "tini": "the pod still runs the official image: save work/k8s/redis.yaml with your image, then run the "
            "`kubectl apply -f work/k8s/` cell and wait for its rollout",
}


def redis_pid1_is(target: Target, expected: str) -> None:
    """Read the running redis pod's process table (one exec): PASS when PID 1 is ``expected``."""
    table = pod_process_table(target, "redis", quiet=True)
    pid1 = table.pid1().comm
    print(table.tree())
    _verdict([f"PID 1 in the redis pod is {pid1}, not {expected}"] if pid1 != expected else [],
             f"PID 1 in the running redis pod is {expected}", REDIS_PID1_HINTS.get(expected, ""))


def zombies_left_by(target: Target, deployment: str, *, command: str) -> None:
    """Read the pod's process table: PASS when it holds at least one zombie ``command`` whose
    parent is PID 1 (and PID 1 is not a reaper), as a timed-out shell-form probe leaves them."""
    table = pod_process_table(target, deployment, quiet=True)
    print(table.tree())
    orphans = [p for p in table.zombies if p.comm == command and p.ppid == 1]
    pid1 = table.pid1().comm
    _verdict([] if orphans else [f"no zombie {command} under PID 1 ({pid1}) in {deployment}"],
             f"{len(orphans)} zombie {command} in {deployment}, each a child of PID 1, {pid1}, which does not reap",
             "the stall must be longer than the probe's timeout: run the stall cell again and read the table")


def matrix_matches_facts(matrix: MatrixResult, target: Target) -> None:
    """Every variant left the zombies the facts predict, with the PID 1 and zombie commands
    they predict, and the experiment removed its pods."""
    expected_pid1 = {"tini-pid1": "tini", "shared-pid-ns": "pause"}
    problems = []
    for row in matrix.rows:
        pid1 = expected_pid1.get(row["variant"], "redis-server")
        if not row["matches"]:
            problems.append(f"{row['variant']}: {row['timed_out_probes']} timed-out probes but {row['zombies']} zombies "
                            f"(expected {row['expected']})")
        if row["pid1"] != pid1 or row["zombie_commands"] not in ("-", "redis-cli"):
            problems.append(f"{row['variant']}: PID 1 is {row['pid1']} (expected {pid1}), "
                            f"zombies are {row['zombie_commands']}")
    leftovers = {name for name in target.deployments() if name.startswith("zombies-")}  # the experiment's own
    if leftovers:
        problems.append(f"left behind: {sorted(leftovers)}")
    leaking = [row["variant"] for row in matrix.rows if row["zombies"]]
    _verdict(problems, f"all {len(matrix.rows)} variants as the facts say: zombies only under "
                       f"{', '.join(leaking)} (redis-server as PID 1 with something between the runtime and "
                       "redis-cli); none with the exec form or a reaping PID 1",
             "expected: one zombie per timed-out probe (at least one) when redis-server is PID 1 and something "
             "sits between the runtime and redis-cli; none otherwise")


def _pids_at_the_limit_before_the_restart(exhaustion: ExhaustionResult) -> bool:
    """The cause where the probe's own output is not kept: on Kubernetes the kubelet's events
    stop after about 25, so the fork failures at the end are not shown; the pods' PIDs in
    use, read in the last seconds before the restart, are."""
    before = [row["pids"] for row in exhaustion.series if row["pids"] is not None and not row["restarts"]]
    return bool(before) and max(before[-6:]) >= exhaustion.pids_limit - 1


def exhaustion_caused_by_pids(exhaustion: ExhaustionResult) -> None:
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


def surge_then_recreate(rows: Sequence[Row]) -> None:
    """RollingUpdate ran the old and the new redis pod at once, both ready; Recreate never
    ran two."""
    rolling, recreate = rows
    problems = []
    if rolling["most_pods"] != 2 or rolling["none_ready"]:
        problems.append(f"RollingUpdate: {rolling['most_pods']} pods at once, "
                        f"no redis ready for {rolling['none_ready']} s")
    if recreate["most_pods"] != 1 or recreate["both_ready"]:
        problems.append(f"Recreate: {recreate['most_pods']} pods at once, "
                        f"both ready for {recreate['both_ready']} s")
    _verdict(problems, f"RollingUpdate ran two redis pods at once, both ready for {rolling['both_ready']} s "
                       "(whole seconds: 0 is under one), so a Service selecting them sends clients to either; "
                       f"Recreate never ran two, and had no redis ready for {recreate['none_ready']} s")


def readiness_took_the_only_endpoint(rows: Sequence[Row]) -> None:
    """Redis answered throughout and was never restarted, yet the failing readiness probe
    emptied the Service and new connections were refused, until the probe passed again."""
    failing = [row for row in rows if row["probe_failing"]]
    problems = []
    if any(row["redis_answers"] != "PONG" for row in rows):
        problems.append("redis did not answer PONG in its pod at every sample")
    if any(row["restarts"] != rows[0]["restarts"] for row in rows):
        problems.append("redis was restarted")
    if not any(row["service_sends_to"] == "none" for row in failing):
        problems.append("redis' address stayed in the Service's endpoints while the probe failed")
    if not any(row["new_connection"] == "refused" for row in failing):
        problems.append("no new connection was refused while the probe failed")
    last = rows[-1]
    if last["service_sends_to"] == "none" or last["new_connection"] != "connected":
        problems.append("after the probe passed again, the address or new connections did not come back")
    kept = all(row["webui_reads"] for row in failing)
    _verdict(problems, "redis answered PONG throughout, yet while its readiness probe failed the Service had no "
                       "endpoint and new connections were refused"
                       + ("; the webui's connection, open before, kept working (kube-proxy steers new "
                          "connections only)" if kept else "")
                       + "; nothing restarted redis, and the address came back only when the probe passed again")


def loading_fools_plain_ping(rows: Sequence[Row]) -> None:
    """While redis loaded: plain ping printed LOADING and exited 0; -e exited 1; then both PONG.
    (The two commands of one sample run one after the other: the load can end in between.)"""
    plain = [row["plain_ping"] for row in rows if row["plain_ping"].startswith("LOADING")]
    checked = [row["checked_ping"] for row in rows if row["checked_ping"].startswith("LOADING")]
    problems = []
    if not plain or not checked:
        problems.append("no sample caught redis loading with both commands (a faster machine loads 2 million keys "
                        "sooner: run the cell with more keys, loading_demo.run(target, keys=6_000_000))")
    if any(not reply.endswith("(exit 0)") for reply in plain):
        problems.append("while loading, `redis-cli ping` did not exit 0")
    if any(not reply.endswith("(exit 1)") for reply in checked):
        problems.append("while loading, `redis-cli -e ping` did not exit 1")
    if not rows or not rows[-1]["checked_ping"].startswith("PONG"):
        problems.append("redis did not answer PONG after loading")
    _verdict(problems, f"while redis loaded, `redis-cli ping` printed LOADING and exited 0 ({len(plain)} samples: "
                       f"a passing probe), `redis-cli -e ping` exited 1 ({len(checked)} samples); then both PONG")


EVENT_BURST = 25  # client-go's spam filter: about 25 events per object, then one per 5 minutes


def events_stop_after_a_burst(exhaustion: ExhaustionResult) -> None:
    """Never more Unhealthy Events than probe failures, and past the burst, fewer (the
    kubelet's event filter dropped the rest)."""
    failures, events = exhaustion.probe_failures, exhaustion.failure_events
    problems = []
    if events > failures:
        problems.append(f"{events} Unhealthy events for {failures} failures")
    if failures > EVENT_BURST + 5 and events >= failures:
        problems.append(f"all {failures} failures have an event, past the burst of about {EVENT_BURST}")
    dropped = f"; the kubelet's event filter dropped {failures - events} after its burst" if events < failures else ""
    _verdict(problems, f"the Events show {events} of {failures} probe failures{dropped}: count failures from the "
                       "kubelet's own counter (prober_probe_total on /metrics/probes), not from Events")


def bgsave_reaped_them_all(reaping: AccidentalReaping) -> None:
    """Zombies were there, and the BGSAVE reaped each one: one `unmatched pid` line per zombie."""
    lines = len(reaping.unmatched_pid_log_lines)
    problems = []
    if reaping.zombies_before == 0:
        problems.append("no zombie was there before the save")
    if lines != reaping.zombies_before:
        problems.append(f"{reaping.zombies_before} zombies but {lines} 'unmatched pid' log lines")
    _verdict(problems, f"the BGSAVE reaped all {reaping.zombies_before} zombies, one log line each")
