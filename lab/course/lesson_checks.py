"""The checks of lessons 3 to 6: one call per step or measurement, one PASS line that states what was shown,
or a CheckFailed that lists every part that did not hold."""

import os
from collections.abc import Sequence

from lab.core.errors import CheckFailed, LabError
from lab.core.json_types import Row
from lab.course.checks import passed
from lab.course.experiments import AccidentalReaping, ExhaustionResult, MatrixResult
from lab.course.learner_copy import REDIS_COPY, read_redis_copy, redis_container
from lab.course.load_demo import LOADED_MS, LoadResult
from lab.engine.processes import ProcessTable, pod_process_table
from lab.targets.contract import Target


def _verdict(problems: list[str], success: str, hint: str = "") -> None:
    if problems:
        raise CheckFailed("; ".join(problems) + (f". {hint}" if hint else ""))
    passed(success)


REDIS_PID1_HINTS = {
    "redis-server": "this step runs the official image, as k8s/redis.yaml names it: run the `kubectl apply -f k8s/` "
    "cell above, then its rollout cell",
    "tini": "the pod still runs the official image: save work/k8s/redis.yaml with your image, then run the "
    "`kubectl apply -f work/k8s/` cell and wait for its rollout",
}


def redis_pid1(target: Target) -> str:
    """PID 1's name in the running redis pod (one exec)."""
    return pod_process_table(target, "redis", quiet=True).pid1().comm


def redis_pid1_is(target: Target, expected: str) -> None:
    """Read the running redis pod's process table (one exec): PASS when PID 1 is ``expected``."""
    table = pod_process_table(target, "redis", quiet=True)
    pid1 = table.pid1().comm
    print(table.tree())
    _verdict(
        [f"PID 1 in the redis pod is {pid1}, not {expected}"] if pid1 != expected else [],
        f"PID 1 in the running redis pod is {expected}",
        REDIS_PID1_HINTS.get(expected, ""),
    )


def zombies_left_by(target: Target, deployment: str, *, command: str) -> None:
    """Read the pod's process table: PASS when it holds at least one zombie ``command`` whose
    parent is PID 1 (and PID 1 is not a reaper), as a timed-out shell-form probe leaves them."""
    table = pod_process_table(target, deployment, quiet=True)
    print(table.tree())
    orphans = [p for p in table.zombies if p.comm == command and p.ppid == 1]
    pid1 = table.pid1().comm
    _verdict(
        [] if orphans else [f"no zombie {command} under PID 1 ({pid1}) in {deployment}"],
        f"{len(orphans)} zombie {command} in {deployment}, each a child of PID 1, {pid1}, which does not reap",
        "the stall must be longer than the probe's timeout: run the stall cell again and read the table",
    )


def matrix_matches_facts(matrix: MatrixResult, target: Target) -> None:
    """Every variant left the zombies the facts predict, with the PID 1 and zombie commands
    they predict, and the experiment removed its pods."""
    expected_pid1 = {"tini-pid1": "tini", "shared-pid-ns": "pause"}
    problems = []
    for row in matrix.rows:
        pid1 = expected_pid1.get(row["variant"], "redis-server")
        if not row["matches"]:
            problems.append(
                f"{row['variant']}: {row['timed_out_probes']} timed-out probes but {row['zombies']} zombies "
                f"(expected {row['expected']})"
            )
        if row["pid1"] != pid1 or row["zombie_commands"] not in ("-", "redis-cli"):
            problems.append(
                f"{row['variant']}: PID 1 is {row['pid1']} (expected {pid1}), zombies are {row['zombie_commands']}"
            )
    leftovers = {name for name in target.deployments() if name.startswith("zombies-")}  # the experiment's own
    if leftovers:
        problems.append(f"left behind: {sorted(leftovers)}")
    leaking = [row["variant"] for row in matrix.rows if row["zombies"]]
    _verdict(
        problems,
        f"all {len(matrix.rows)} variants as the facts say: zombies only under "
        f"{', '.join(leaking)} (redis-server as PID 1 with something between the runtime and "
        "redis-cli); none with the exec form or a reaping PID 1",
        "expected: one zombie per timed-out probe (at least one) when redis-server is PID 1 and something "
        "sits between the runtime and redis-cli; none otherwise",
    )


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
        problems.append(
            "no pids limit known or no PIDs-in-use sample (the nodes need a podPidsLimit, and reading "
            "it needs the right to get nodes/proxy)"
        )
    elif exhaustion.pids_peak < exhaustion.pids_limit - 1:
        problems.append(f"PIDs in use peaked at {exhaustion.pids_peak} of {exhaustion.pids_limit}: not the cause")
    if exhaustion.pids_peak > exhaustion.pids_limit > 0:
        problems.append(f"PIDs in use reached {exhaustion.pids_peak}, over the limit {exhaustion.pids_limit}")
    if not exhaustion.no_pid_signs and not _pids_at_the_limit_before_the_restart(exhaustion):
        problems.append(
            "nothing failed to fork for lack of a PID, and the PIDs in use were not at the limit "
            "just before the restart"
        )
    if most_zombies < 3 or not exhaustion.series or exhaustion.series[-1]["zombies"] != 0:
        problems.append(
            f"zombies: at most {most_zombies}, at the end "
            f"{exhaustion.series[-1]['zombies'] if exhaustion.series else '?'}"
        )
    _verdict(
        problems,
        f"restarted for lack of PIDs after {exhaustion.seconds:.0f}s: {most_zombies} zombies, PIDs in "
        f"use {exhaustion.pids_peak} of {exhaustion.pids_limit}, then "
        f"{exhaustion.no_pid_signs[0].split(' ', 1)[1] if exhaustion.no_pid_signs else 'no PID left'}; "
        "0 zombies after the restart",
    )


def surge_then_recreate(rows: Sequence[Row]) -> None:
    """RollingUpdate ran the old and the new redis pod at once, both ready; Recreate never
    ran two."""
    rolling, recreate = rows
    problems = []
    if rolling["most_pods"] != 2 or rolling["none_ready"]:
        problems.append(
            f"RollingUpdate: {rolling['most_pods']} pods at once, no redis ready for {rolling['none_ready']} s"
        )
    if recreate["most_pods"] != 1 or recreate["both_ready"]:
        problems.append(f"Recreate: {recreate['most_pods']} pods at once, both ready for {recreate['both_ready']} s")
    both = (
        f"both ready for {rolling['both_ready']} s, so a Service selecting them sent new connections to either"
        if rolling["both_ready"]
        else "both ready for under a second (the old one was asked to stop as soon as the new one was ready), a "
        "short window in which a Service selecting them may send a new connection to either"
    )
    _verdict(
        problems,
        f"RollingUpdate ran two redis pods at once, {both}; "
        f"Recreate never ran two, and had no redis ready for {recreate['none_ready']} s",
    )


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
    _verdict(
        problems,
        "redis answered PONG throughout, yet while its readiness probe failed the Service had no "
        "endpoint and new connections were refused"
        + (
            "; the webui's connection, open before, kept working (kube-proxy steers new connections only)"
            if kept
            else ""
        )
        + "; nothing restarted redis, and the address came back only when the probe passed again",
    )


def loading_fools_plain_ping(rows: Sequence[Row]) -> None:
    """While redis loaded: plain ping printed LOADING and exited 0; -e exited 1; then both PONG.
    (The two commands of one sample run one after the other: the load can end in between.)"""
    plain = [row["plain_ping"] for row in rows if row["plain_ping"].startswith("LOADING")]
    checked = [row["checked_ping"] for row in rows if row["checked_ping"].startswith("LOADING")]
    problems = []
    if not plain or not checked:
        problems.append(
            "no sample caught redis loading with both commands (a faster machine loads 2 million keys "
            "sooner: run the cell with more keys, loading_demo.run(target, keys=6_000_000))"
        )
    if any(not reply.endswith("(exit 0)") for reply in plain):
        problems.append("while loading, `redis-cli ping` did not exit 0")
    if any(not reply.endswith("(exit 1)") for reply in checked):
        problems.append("while loading, `redis-cli -e ping` did not exit 1")
    if not rows or not rows[-1]["checked_ping"].startswith("PONG"):
        problems.append("redis did not answer PONG after loading")
    _verdict(
        problems,
        f"while redis loaded, `redis-cli ping` printed LOADING and exited 0 ({len(plain)} samples: "
        f"a passing probe), `redis-cli -e ping` exited 1 ({len(checked)} samples); then both PONG",
    )


EVENT_BURST = 25  # client-go's spam filter: about 25 events per object, then one per 5 minutes


def events_stop_after_a_burst(target: Target, deployment: str) -> None:
    """Never more Unhealthy Events than liveness failures the kubelet counted for the pod, and
    past the burst, fewer (the kubelet's event filter dropped the rest)."""
    events = target.unhealthy_events(deployment)  # read first: the count only grows after it
    failures = len(target.failed_probes(deployment))
    problems = []
    if events > failures:
        problems.append(f"{events} Unhealthy events for {failures} failures")
    if failures > EVENT_BURST + 5 and events >= failures:
        problems.append(f"all {failures} failures have an event, past the burst of about {EVENT_BURST}")
    dropped = f"; the kubelet's event filter dropped {failures - events} after its burst" if events < failures else ""
    _verdict(
        problems,
        f"the Events show {events} of {failures} probe failures{dropped}: count failures from the "
        "kubelet's own counter (prober_probe_total on /metrics/probes), not from Events",
    )


def bgsave_reaped_them_all(reaping: AccidentalReaping) -> None:
    """Zombies were there, and the BGSAVE reaped each one: one `unmatched pid` line per zombie."""
    lines = len(reaping.unmatched_pid_log_lines)
    problems = []
    if reaping.zombies_before == 0:
        problems.append("no zombie was there before the save")
    if lines != reaping.zombies_before:
        problems.append(f"{reaping.zombies_before} zombies but {lines} 'unmatched pid' log lines")
    _verdict(problems, f"the BGSAVE reaped all {reaping.zombies_before} zombies, one log line each")


# What a demonstration showed, as one of its prediction's answers (lab.course.predictions).


def orphan_fate(table: ProcessTable, zombies_before: int) -> str:
    """01-orphan: a new zombie under PID 1, under another parent, or none."""
    new = table.zombies[zombies_before:] if len(table.zombies) > zombies_before else []
    if not new:
        return "gone"
    return "zombie-of-pid1" if all(p.ppid == 1 for p in new) else "zombie-of-sh"


def readiness_outcome(rows: Sequence[Row]) -> str:
    """04-readiness: restarted, unreachable (new connections refused), or nothing."""
    if any(row["restarts"] != rows[0]["restarts"] for row in rows):
        return "restarted"
    failing = [row for row in rows if row["probe_failing"]]
    return "unreachable" if any(row["new_connection"] == "refused" for row in failing) else "nothing"


def zombie_parent(target: Target, deployment: str, command: str) -> str:
    """05-zombie-parent: a zombie ``command`` whose parent is PID 1, or none in the container."""
    table = pod_process_table(target, deployment, quiet=True)
    return "pid1" if any(p.comm == command and p.ppid == 1 for p in table.zombies) else "none"


def _matrix_variant_of(command: list[str]) -> str:
    """The matrix's row for a probe command with redis-server as PID 1."""
    words = [word for word in command if word != "-e"]
    if words and os.path.basename(words[0]).startswith("tini"):
        return "tini-s-in-probe" if "-s" in words else "tini-in-probe"
    return "shell-form" if words and os.path.basename(words[0]) in ("sh", "bash", "dash") else "exec-form"


def your_probe_in_the_matrix(matrix: MatrixResult) -> None:
    """Lesson 4's probe, as the learner wrote it in work/k8s/redis.yaml, read against the
    matrix: what its timeouts leave with redis-server as PID 1 (the lecture's setup), and
    with the PID 1 of the learner's own image."""
    try:
        container = redis_container(read_redis_copy())
    except LabError:
        print(f"(no {REDIS_COPY} with a probe from lesson 4 to compare)")
        return
    command = (container.get("livenessProbe") or {}).get("exec", {}).get("command")
    if not isinstance(command, list):
        print(f"({REDIS_COPY} has no exec livenessProbe from lesson 4 to compare)")
        return
    rows = {row["variant"]: row for row in matrix.rows}
    variant = _matrix_variant_of([str(word) for word in command])
    print(f"your lesson 4 probe: {' '.join(map(str, command))}  (image {container.get('image')})")
    print(
        f"  with redis-server as PID 1, it is the matrix's {variant} row: {rows[variant]['zombies']} zombies "
        f"after {rows[variant]['timed_out_probes']} timed-out probes"
    )
    if "tini" in str(container.get("image")) or "my-redis" in str(container.get("image")):
        leaks = rows[variant]["zombies"] > 0
        print(
            f"  in your image tini is PID 1 and reaps every orphan (the tini-pid1 row: "
            f"{rows['tini-pid1']['zombies']} zombies): "
            + (
                "your redis was safe because of its PID 1, not its probe"
                if leaks
                else "your probe leaks nothing by itself, and your PID 1 would reap what another probe left"
            )
        )


def failed_probe_counts(target: Target, deployments: Sequence[str]) -> dict[str, int]:
    """Each Deployment's failed liveness runs so far, as the kubelet counts them."""
    return {name: len(target.failed_probes(name)) for name in deployments}


def tcp_socket_outcome(target: Target, before: dict[str, int]) -> str:
    """06-tcp-socket: did the tcpSocket probe fail since ``before``?"""
    return "passes" if failed_probe_counts(target, ["probe-tcp"])["probe-tcp"] == before["probe-tcp"] else "fails"


def tcp_passed_while_ping_failed(target: Target, before: dict[str, int]) -> None:
    """While both redis were paused, redis-cli ping failed and the tcpSocket probe did not."""
    after = failed_probe_counts(target, list(before))
    tcp, ping = after["probe-tcp"] - before["probe-tcp"], after["probe-ping"] - before["probe-ping"]
    problems = []
    if ping < 2:
        problems.append(f"redis-cli ping failed {ping} times: was redis paused long enough (the stall cell)?")
    if tcp:
        problems.append(f"the tcpSocket probe failed {tcp} times")
    _verdict(
        problems,
        f"while redis answered nobody, redis-cli ping failed {ping} times and the tcpSocket probe "
        f"{tcp}: the kernel completes the TCP handshake for a listening socket whatever redis does",
        "run the stall cell, then this one",
    )


def _load_problems(load: LoadResult, *, restart_expected: bool) -> list[str]:
    """What a load run did not show: slow PINGs (the load), and the restart expected or not."""
    problems = []
    if load.longest_wait_ms <= LOADED_MS:
        problems.append(
            f"the slowest PING waited {load.longest_wait_ms} ms (loaded: over {LOADED_MS} ms): "
            "was the load generator running?"
        )
    if load.restarted != restart_expected:
        problems.append(f"restartCount went {load.restarts_before} -> {load.restarts_after}")
    return problems


def load_restarted_the_strict_probe(load: LoadResult) -> None:
    """Under load redis answered, late; the strict probe's timeouts got it restarted."""
    _verdict(
        _load_problems(load, restart_expected=True),
        f"under load a PING waited up to {load.longest_wait_ms} ms in the lab's samples (idle: a few ms); "
        f"the probe's runs, timed out after 1 s three times in a row, got redis restarted while it worked "
        f"through the load (restartCount {load.restarts_before} -> {load.restarts_after})",
        "apply k8s/lesson-06/load-generator.yaml (the cell above), then run this cell again",
    )


def patient_probe_held(load: LoadResult) -> None:
    """The same load, the learner's probe: slow PINGs, and no restart."""
    _verdict(
        _load_problems(load, restart_expected=False),
        f"the same load (a PING waited up to {load.longest_wait_ms} ms), and your probe restarted nothing",
        "is your probe applied? kubectl describe pod -l app=loaded-redis | grep Liveness",
    )
