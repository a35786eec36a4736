"""Lesson 4: what applying a changed redis does to its pods, the surge and `Recreate`.

A Deployment's default strategy, RollingUpdate (maxSurge 25%, rounded up to 1 pod;
maxUnavailable 25%, rounded down to 0), starts the new pod *before* it stops the old one.
For a few seconds two redis pods run behind one Service, and the new one is empty and,
without a readiness probe, gets traffic at once. `strategy: {type: Recreate}` stops the
old pod first: never two, and a short time with none instead. The docker target has no
rolling update: it removes a changed container, then runs the new one (which is Recreate).

Two Deployments, one per strategy, get the same change at the same moment, and a sampler
follows their pods (when each was created, became ready, was asked to stop) and the
Services' endpoints, four times a second.
"""
import threading
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from .experiments import redis_deployment
from .manifests import Manifest, write_work_file
from .pod_lifetime import PodLifetime

ROLLING = "surge-rolling"     # no strategy written: the default, RollingUpdate
RECREATE = "surge-recreate"   # strategy: {type: Recreate}
WORK_FILE = "04-rollout.yaml"
SAMPLE_SECONDS = 0.25


def deployments(change: int) -> List[Manifest]:
    """Both Deployments and their Services; `change` is the one thing that differs between
    applies (an environment variable here; a new image tag or argument in real life)."""
    objects = []
    for name in (ROLLING, RECREATE):
        manifest = redis_deployment(name, ["redis-cli", "ping"], redis_is_pid1=False, period=5, failure_threshold=3)
        if name == RECREATE:
            manifest.body["spec"]["strategy"] = {"type": "Recreate"}
        manifest.body["spec"]["template"]["spec"]["containers"][0]["env"] = [{"name": "CHANGE", "value": str(change)}]
        service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
                   "spec": {"selector": {"app": name}, "ports": [{"port": 6379, "protocol": "TCP", "targetPort": 6379}]}}
        objects += [manifest, Manifest(f"(experiment {name})", service)]
    return objects


@dataclass
class Rollout:
    """What the sampler saw of one Deployment while the change rolled out."""
    deployment: str
    pods: Dict[str, PodLifetime] = field(default_factory=dict)   # every pod seen, latest view
    gone: Dict[str, float] = field(default_factory=dict)         # pod -> first sample without it
    most_pods: int = 0          # pods not being deleted, at one sample
    most_addresses: int = 0     # ready addresses behind its Service, at one sample

    def settled(self, old: set) -> bool:
        """One pod left, a new one, ready, and nothing of the old one still being deleted."""
        current = [p for p in self.pods.values() if p.pod not in self.gone]
        return len(current) == 1 and current[0].pod not in old and current[0].ready is not None \
            and current[0].deleting is None


def _sample(target, rollout: Rollout) -> None:
    seen = {p.pod: p for p in target.pod_lifetimes(rollout.deployment)}
    now = time.time()
    for pod in rollout.pods:
        if pod not in seen and pod not in rollout.gone:
            rollout.gone[pod] = now
    rollout.pods.update(seen)
    rollout.most_pods = max(rollout.most_pods, sum(p.deleting is None for p in seen.values()))
    if target.has_service_endpoints:
        rollout.most_addresses = max(rollout.most_addresses, len(target.endpoints(rollout.deployment, quiet=True)))


def run(target, *, timeout: float = 90) -> List[dict]:
    """Deploy both, apply one change to both, follow the rollouts until each has one new
    ready pod; one row per strategy. Removes what it deployed, also when interrupted."""
    names = [ROLLING, RECREATE]
    rollouts = {name: Rollout(name) for name in names}
    stop, failure = threading.Event(), []
    try:
        target.apply([write_work_file(WORK_FILE, deployments(change=1))])
        target.wait_ready(timeout=120, names=names)
        old = {name: {p.pod for p in target.pod_lifetimes(name)} for name in names}

        def sampler() -> None:
            try:
                while not stop.is_set():
                    for name in names:
                        _sample(target, rollouts[name])
                    stop.wait(SAMPLE_SECONDS)
            except Exception as error:  # reported below, in the cell's thread
                failure.append(error)

        thread = threading.Thread(target=sampler, daemon=True)
        thread.start()  # before the apply: on Docker the replacement happens inside apply
        applied_at = float(int(time.time()))  # whole seconds, as the API server's timestamps
        target.apply([write_work_file(WORK_FILE, deployments(change=2))])
        deadline = time.monotonic() + timeout
        while not all(rollouts[n].settled(old[n]) for n in names) and not failure and time.monotonic() < deadline:
            time.sleep(SAMPLE_SECONDS)
        stop.set()
        thread.join(timeout=10)
        if failure:
            raise failure[0]
        unsettled = [n for n in names if not rollouts[n].settled(old[n])]
        if unsettled:
            from .errors import LabTimeout
            raise LabTimeout(f"{', '.join(unsettled)} did not finish rolling out within {timeout:g}s "
                             "(waited for one new ready pod). Fix: look at `kubectl get pods`, then re-run the cell.")
        return [_row(rollouts[name], old[name], applied_at, target) for name in names]
    finally:
        stop.set()
        target.delete(names, wait=False)


def _row(rollout: Rollout, old: set, applied_at: float, target) -> dict:
    old_pod = next(rollout.pods[p] for p in old)
    new_pod = next(p for p in rollout.pods.values() if p.pod not in old and p.pod not in rollout.gone)
    # Kubernetes stamps the deletion; Docker removes the container at once, with no stamp to read.
    old_stopping = old_pod.deleting
    row = {"strategy": "Recreate" if rollout.deployment == RECREATE else "RollingUpdate (default)",
           "deployment": rollout.deployment,
           "most pods at once": rollout.most_pods,
           "new pod created (s)": _since(new_pod.created, applied_at),
           "old pod asked to stop (s)": _since(old_stopping, applied_at),
           "new pod ready (s)": _since(new_pod.ready, applied_at)}
    if target.has_service_endpoints:
        row["most addresses behind the Service"] = rollout.most_addresses
    return row


def _since(moment: Optional[float], applied_at: float) -> Optional[int]:
    """Whole seconds after the apply: Kubernetes' timestamps have no finer resolution."""
    return None if moment is None else int(moment - applied_at)


def overlap_seconds(row: dict) -> Optional[int]:
    """Seconds the old and the new pod both existed (negative: seconds with no pod at all)."""
    if row["old pod asked to stop (s)"] is None:
        return None
    return row["old pod asked to stop (s)"] - row["new pod created (s)"]
