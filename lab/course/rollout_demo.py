"""Lesson 6: what applying a changed redis does to its pods, the surge and `Recreate`.

A Deployment's default strategy, RollingUpdate (maxSurge 25%, rounded up to 1 pod;
maxUnavailable 25%, rounded down to 0), starts the new pod *before* it stops the old one:
for a while two redis pods run, both ready, so a Service selecting them (DockerCoins'
`redis`) sends clients to either, and the new one is empty. `strategy: {type: Recreate}`
stops the old pod first: never two, and a short time with no redis ready instead.

Two Deployments, one per strategy, get the same change at the same moment, and a sampler
follows their pods four times a second: when each was created, became ready, and was
asked to stop (the API's timestamps, in whole seconds).
"""

import threading
import time
from dataclasses import dataclass, field

from lab.core.errors import LabError, LabTimeout
from lab.core.json_types import Row
from lab.core.waiting import ticks
from lab.course.deployments import redis_deployment
from lab.targets.contract import Target
from lab.targets.deployed import deployed
from lab.targets.manifests import Manifest, write_work_file
from lab.targets.pod_lifetime import PodLifetime

ROLLING = "surge-rolling"  # no strategy written: the default, RollingUpdate
RECREATE = "surge-recreate"  # strategy: {type: Recreate}
WORK_FILE = "06-rollout.yaml"
SAMPLE_SECONDS = 0.25


def deployments(change: int) -> list[Manifest]:
    """Both Deployments; `change` is the one thing that differs between applies (an
    environment variable here; a new image tag or argument in real life)."""
    objects = []
    for name in (ROLLING, RECREATE):
        manifest = redis_deployment(name, ["redis-cli", "ping"], redis_is_pid1=False, period=5, failure_threshold=3)
        if name == RECREATE:
            manifest.body["spec"]["strategy"] = {"type": "Recreate"}
        manifest.body["spec"]["template"]["spec"]["containers"][0]["env"] = [{"name": "CHANGE", "value": str(change)}]
        objects.append(manifest)
    return objects


@dataclass
class Rollout:
    """What the sampler saw of one Deployment while the change rolled out."""

    deployment: str
    old: PodLifetime  # the pod before the change
    ignored: set[str] = field(default_factory=set)  # a previous run's pods, still stopping
    pods: dict[str, PodLifetime] = field(default_factory=dict)  # every pod seen, latest view
    gone: set[str] = field(default_factory=set)  # pods no longer listed
    most_pods: int = 0  # pods not being deleted, at one sample

    def current(self) -> list[PodLifetime]:
        return [p for name, p in self.pods.items() if name not in self.gone and name not in self.ignored]

    def settled(self) -> bool:
        """One pod left, a new one, ready, and the old one no longer listed."""
        current = self.current()
        return (
            len(current) == 1
            and current[0].pod != self.old.pod
            and current[0].ready is not None
            and current[0].deleting is None
        )


def _sample(target: Target, rollout: Rollout) -> None:
    seen = {p.pod: p for p in target.pod_lifetimes(rollout.deployment) if p.pod not in rollout.ignored}
    rollout.gone |= set(rollout.pods) - set(seen)
    rollout.pods.update(seen)
    rollout.most_pods = max(rollout.most_pods, sum(p.deleting is None for p in seen.values()))


def _the_ready_pod(target: Target, name: str, ignored: set[str]) -> PodLifetime:
    pods = [p for p in target.pod_lifetimes(name) if p.pod not in ignored and p.deleting is None]
    if len(pods) != 1:
        raise LabError(f"{name} has {len(pods)} running pods, expected 1. Fix: run the cell again.")
    return pods[0]


def run(target: Target, *, timeout: float = 90) -> list[Row]:
    """Deploy both, apply one change to both, follow the rollouts until each has one new
    ready pod; one row per strategy. Removes what it deployed, also when interrupted."""
    names = [ROLLING, RECREATE]
    stale = {name: {p.pod for p in target.pod_lifetimes(name)} for name in names}  # a previous run's, leaving
    with deployed(target, deployments(change=1), work_file=WORK_FILE):
        rollouts = {name: Rollout(name, _the_ready_pod(target, name, stale[name]), stale[name]) for name in names}
        for rollout in rollouts.values():
            _sample(target, rollout)  # the old pod, seen before anything changes
        stop, failure = threading.Event(), []

        def sampler() -> None:
            try:
                for _ in ticks(timeout + 10, interval=SAMPLE_SECONDS):
                    if stop.is_set():
                        return
                    for rollout in rollouts.values():
                        _sample(target, rollout)
            except Exception as error:  # reported below, in the cell's thread
                failure.append(error)

        thread = threading.Thread(target=sampler, daemon=True)
        thread.start()  # before the apply: the first Deployment's new pod may start while the second is applied
        try:
            applied_at = float(int(time.time()))  # whole seconds, as the API server's timestamps
            target.apply([write_work_file(WORK_FILE, deployments(change=2))])
            for _ in ticks(timeout, interval=SAMPLE_SECONDS):
                if failure or all(r.settled() for r in rollouts.values()):
                    break
        finally:
            stop.set()
            thread.join(timeout=10)
        if failure:
            raise failure[0]
        unsettled = [name for name, rollout in rollouts.items() if not rollout.settled()]
        if unsettled:
            raise LabTimeout(
                f"{', '.join(unsettled)} did not finish rolling out within {timeout:g}s "
                "(waited for one new ready pod). Fix: look at `kubectl get pods`, then re-run the cell."
            )
        return [_row(rollouts[name], applied_at) for name in names]


def _since(moment: float | None, applied_at: float) -> int | None:
    """Whole seconds after the apply: Kubernetes' timestamps have no finer resolution."""
    return None if moment is None else int(moment - applied_at)


def _row(rollout: Rollout, applied_at: float) -> Row:
    old = rollout.pods.get(rollout.old.pod, rollout.old)  # its latest view: when it was asked to stop
    new = rollout.current()[0]
    # None: the old pod vanished between two samples before its deletion stamp was seen.
    both_ready = None if old.deleting is None or new.ready is None else int(old.deleting - new.ready)
    return {
        "strategy": "Recreate" if rollout.deployment == RECREATE else "RollingUpdate (default)",
        "deployment": rollout.deployment,
        "most_pods": rollout.most_pods,
        "new_created": _since(new.created, applied_at),
        "new_ready": _since(new.ready, applied_at),
        "old_stopping": _since(old.deleting, applied_at),
        "both_ready": None if both_ready is None else max(0, both_ready),
        "none_ready": None if both_ready is None else max(0, -both_ready),
    }


# A row's fields, and the column each is shown under: Table(rows, labels=LABELS).
LABELS = {
    "strategy": "strategy",
    "deployment": "deployment",
    "most_pods": "most pods at once",
    "new_created": "new pod created (s)",
    "new_ready": "new pod ready (s)",
    "old_stopping": "old pod asked to stop (s)",
    "both_ready": "both ready for (s)",
    "none_ready": "no redis ready for (s)",
}
