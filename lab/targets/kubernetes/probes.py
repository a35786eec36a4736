"""Liveness probes as the kubelet counts them (Events as the fallback), `kubectl describe`, the PID limit."""

import time
from collections.abc import Sequence

from lab.core.console import show_command
from lab.core.errors import LabError, LabTimeout
from lab.core.waiting import wait_until
from lab.targets.contract import LivenessRuns
from lab.targets.kubernetes import kubelet_readings
from lab.targets.kubernetes.apis import Apis
from lab.targets.kubernetes.kube_api import KubeObject, call_or_none, kube_call
from lab.targets.kubernetes.namespaces import namespace, room_pids_limit
from lab.targets.kubernetes.pods import (
    pod_events,
    pods_of,
    raw_pod_events,
    running_pod,
    selector,
)

# What a room's participant gets when reading a node's kubelet (nodes/proxy is not theirs)
NOT_OURS_TO_READ = (401, 403, 404)
ProbeCounts = dict[str, dict[str, int]]  # per pod UID: {"successful": n, "failed": m}


def probe_counts(apis: Apis, pods: list[KubeObject]) -> ProbeCounts | None:
    """Liveness results per pod UID, {"successful": n, "failed": m}, read from each node's
    kubelet once; None when this account may not read them."""
    counts: ProbeCounts = {pod.metadata.uid: {"successful": 0, "failed": 0} for pod in pods}
    for node in sorted({pod.spec.node_name for pod in pods if pod.spec.node_name}):
        readings = call_or_none(NOT_OURS_TO_READ, kubelet_readings.probe_counts, apis.core(), node)
        if readings is None:
            return None
        for (uid, probe_type, result), value in readings.items():
            if uid in counts and probe_type == "Liveness" and result in counts[uid]:
                counts[uid][result] = value
    return counts


def _failures_from_events(apis: Apis, pods: list[KubeObject]) -> set[str]:
    """Fallback without node access: one identifier per counted Unhealthy event occurrence
    (the kubelet stops recording them after about 25 per pod)."""
    ids: set[str] = set()
    for pod in pods:
        for event in raw_pod_events(apis, pod):
            # "Liveness probe errored" (the exec could not run) is not a failed run: the
            # kubelet's count leaves those out too (pkg/kubelet/prober/worker.go)
            if event.reason == "Unhealthy" and (event.message or "").startswith("Liveness probe failed"):
                ids.update(f"{event.metadata.uid}:{n}" for n in range(event.count or 1))
    return ids


@kube_call("reading events")
def unhealthy_events(apis: Apis, deployment: str) -> int:
    """How many failed liveness runs the pod's Events report (`kubectl describe pod`),
    which stop growing after the kubelet's burst of about 25 events per pod."""
    return len(_failures_from_events(apis, pods_of(apis, deployment)))


@kube_call("describing the pod")
def describe(apis: Apis, deployment: str, *, events: int = 6) -> str:
    """The lines of `kubectl describe pod` that tell a probe's story: the probe as
    configured with the kubelet's counts of its runs, restartCount, the last state, and
    the pod's latest events (which stop after a burst of about 25)."""
    pods = pods_of(apis, deployment)
    if not pods:
        raise LabError(f"no pod for deployment {deployment}. Fix: apply it first (target.apply()).")
    pod = max(pods, key=lambda p: p.metadata.creation_timestamp)
    labels = selector(apis, deployment)
    assert labels is not None  # it has pods, found by this very selector
    show_command("kubectl", "describe", "pod", "-n", namespace(), "-l", labels)
    status = (pod.status.container_statuses or [None])[0]
    lines = [f"Name:           {pod.metadata.name}", f"Restart Count:  {status.restart_count if status else 0}"]
    last = status.last_state.terminated if status and status.last_state else None
    if last:
        lines.append(f"Last State:     Terminated (Reason: {last.reason}, Exit Code: {last.exit_code})")
    container = pod.spec.containers[0]
    probe = container.liveness_probe
    if probe and probe._exec:
        counts = (probe_counts(apis, [pod]) or {}).get(pod.metadata.uid, {})
        lines.append(f"Liveness:       {_probe_line(probe)}")
        if counts:
            lines.append(
                f"  (the kubelet's count of its runs: {counts.get('successful', 0)} passed, "
                f"{counts.get('failed', 0)} failed)"
            )
    if container.readiness_probe and container.readiness_probe._exec:
        lines.append(f"Readiness:      {_probe_line(container.readiness_probe)}")
    lines.append("Events (latest):")
    lines += [f"  {line[:150]}" for line in pod_events(apis, pod)[-events:]] or ["  <none>"]
    return "\n".join(lines)


def _probe_line(probe: KubeObject) -> str:
    """An exec probe as `kubectl describe pod` shows it."""
    return (
        f"exec [{' '.join(probe._exec.command)}] delay={probe.initial_delay_seconds or 0}s "
        f"timeout={probe.timeout_seconds}s period={probe.period_seconds}s "
        f"#success={probe.success_threshold} #failure={probe.failure_threshold}"
    )


@kube_call("reading probe results")
def liveness_runs(apis: Apis, deployments: Sequence[str]) -> dict[str, LivenessRuns]:
    """Each deployment's failed and passed liveness runs, from one read of each node's counts
    (the failures from Events, and no passes, when this account may not read them)."""
    pods = {name: pods_of(apis, name) for name in deployments}
    counts = probe_counts(apis, [pod for found in pods.values() for pod in found])
    return {
        name: LivenessRuns(
            failed=failed_ids(apis, found, counts),
            passed=None if counts is None else sum(counts[pod.metadata.uid]["successful"] for pod in found),
        )
        for name, found in pods.items()
    }


def failed_ids(apis: Apis, pods: list[KubeObject], counts: ProbeCounts | None) -> set[str]:
    if counts is None:
        return _failures_from_events(apis, pods)
    return {f"{pod.metadata.uid}:{n}" for pod in pods for n in range(counts.get(pod.metadata.uid, {}).get("failed", 0))}


@kube_call("reading the liveness probe's state")
def liveness_passing(apis: Apis, deployment: str) -> bool:
    """The latest liveness run succeeded. The kubelet keeps counts, not the last result,
    so this waits for the next run (at most initialDelaySeconds left, plus one period and
    the timeout) and looks at which count moved."""
    pod = running_pod(apis, deployment)
    probe = pod.spec.containers[0].liveness_probe
    if probe is None:
        raise LabError(f"deployment {deployment} has no liveness probe. Fix: add one (lesson 4) and apply it.")
    if not all(status.state.running for status in pod.status.container_statuses or []):
        return False  # restarting: its probe cannot pass now
    before = probe_counts(apis, [pod])
    period, probe_timeout = probe.period_seconds or 10, probe.timeout_seconds or 1
    if before is None:  # no access to the kubelet: no Unhealthy event in the last two periods
        recent = time.time() - 2 * period
        return not any(
            e.reason == "Unhealthy"
            and (e.message or "").startswith("Liveness probe")
            and e.last_timestamp
            and e.last_timestamp.timestamp() > recent
            for e in raw_pod_events(apis, pod)
        )
    started = pod.status.start_time.timestamp() if pod.status.start_time else time.time()
    not_yet = max(0.0, (probe.initial_delay_seconds or 0) - (time.time() - started))
    uid = pod.metadata.uid

    def next_run() -> dict[str, int] | None:
        counts = probe_counts(apis, [pod])
        assert counts is not None  # readable a moment ago, for the same pod
        now = counts[uid]
        return now if now != before[uid] else None

    try:
        after = wait_until(
            next_run,
            timeout=not_yet + period + probe_timeout + 2,
            interval=0.25,
            what=f"the next liveness probe run of {deployment}",
        )
    except LabTimeout:
        return False  # no run yet (still in initialDelaySeconds): nothing has passed
    return after["failed"] == before[uid]["failed"]


@kube_call("reading the kubelet's PID limit")
def pids_limit(apis: Apis, deployment: str, known: dict[str, int]) -> int:
    """The podPidsLimit of the kubelet that runs the pod (its /configz); 0 if unknown.
    ``known``: the limits read already, per node (filled in here)."""
    node = running_pod(apis, deployment).spec.node_name
    if node not in known:
        limit = call_or_none(NOT_OURS_TO_READ, kubelet_readings.pod_pids_limit, apis.core(), node)
        known[node] = room_pids_limit(apis, node) if limit is None else limit  # a room's, read by its instructor
    return known[node]
