"""Reading the participant's deployments and their pods: selectors, readiness, rollout, lifetimes, events."""

import time

from lab.core import settings
from lab.core.console import show_command
from lab.core.errors import LabError, LabTimeout
from lab.core.waiting import wait_until
from lab.targets.kubernetes.apis import Apis
from lab.targets.kubernetes.kube_api import KubeObject, kube_call, read_or_none
from lab.targets.kubernetes.namespaces import namespace
from lab.targets.pod_lifetime import PodLifetime


@kube_call("listing deployments")
def deployments(apis: Apis) -> list[str]:
    return sorted(
        d.metadata.name
        for d in apis.apps().list_namespaced_deployment(namespace(), label_selector=settings.PART_OF_SELECTOR).items
    )


@kube_call("waiting for the rollout")
def wait_ready(apis: Apis, timeout: float = 180, names: list[str] | None = None) -> None:
    """`kubectl rollout status`: bounded; unknown names and the timeout are clear errors."""
    asked = bool(names)
    names = _existing(apis, names)
    show_command(
        "kubectl",
        "wait",
        "-n",
        namespace(),
        "--for=condition=available",
        *([f"deployment/{name}" for name in names] if asked else ["deployment", "--all"]),
        f"--timeout={timeout:g}s",
    )
    pull_failing_since: list[float] = []

    def rolled_out() -> bool:
        pending = _not_ready(apis, names)
        errors = _pull_errors(apis, pending)
        if not errors:
            pull_failing_since.clear()
        elif not pull_failing_since:
            pull_failing_since.append(time.monotonic())
        elif time.monotonic() - pull_failing_since[0] >= PULL_ERROR_PATIENCE:
            raise LabError(
                f"not ready: {'; '.join(errors)}, for {PULL_ERROR_PATIENCE}s: the node cannot get the "
                "image, and waiting longer will not help. Fix: load it onto the cluster (lesson 0's "
                "cluster cell, or target.prepare([IMAGE])), or correct the image's name and tag"
            )
        return not pending

    try:
        wait_until(rolled_out, timeout=timeout, what="every deployment to roll out", interval=1)
    except LabTimeout:
        raise LabTimeout(f"not ready after {timeout:g}s: {'; '.join(_why_not_ready(apis, names))}") from None
    print(f"all deployments ready: {', '.join(names)}")


# A pull error that lasts this long does not fix itself: the image is not on the node and
# the node has no registry that has it (kind, the stand-in), or its name is wrong.
PULL_ERRORS = ("ErrImagePull", "ImagePullBackOff", "ErrImageNeverPull", "InvalidImageName")
PULL_ERROR_PATIENCE = 20  # seconds


def _pull_errors(apis: Apis, names: list[str]) -> list[str]:
    """`POD: ImagePullBackOff (IMAGE)` for each container of these deployments that cannot get its image."""
    errors = []
    for name in names:
        for pod in pods_of(apis, name):
            for status in (pod.status.container_statuses if pod.status else None) or []:
                waiting = status.state.waiting if status.state else None
                if waiting is not None and waiting.reason in PULL_ERRORS:
                    errors.append(f"{pod.metadata.name}: {waiting.reason} ({status.image})")
    return errors


def _existing(apis: Apis, names: list[str] | None) -> list[str]:
    deployed = deployments(apis)
    if not names:
        if not deployed:
            raise LabError(
                f"nothing is deployed in namespace {namespace()}. Fix: run the cell with target.apply() first."
            )
        return deployed
    unknown = sorted(set(names) - set(deployed))
    if unknown:
        raise LabError(
            f"no deployment {', '.join(unknown)} in namespace {namespace()}. "
            "Fix: apply it first (target.apply()), or check the name."
        )
    return list(names)


def _not_ready(apis: Apis, names: list[str]) -> list[str]:
    """What `kubectl rollout status` waits for (the new generation seen, every replica
    updated and available, no old replica left), and a running, ready pod."""
    pending = []
    for name in names:
        d = apis.apps().read_namespaced_deployment(name, namespace())
        want, status = d.spec.replicas or 0, d.status
        rolled_out = (
            (status.observed_generation or 0) >= d.metadata.generation
            and (status.updated_replicas or 0) >= want
            and (status.available_replicas or 0) >= want
            and (status.replicas or 0) <= (status.updated_replicas or 0)
        )
        if not rolled_out or (want and not any(is_ready(pod) for pod in pods_of(apis, name))):
            pending.append(name)
    return pending


def is_ready(pod: KubeObject) -> bool:
    statuses = pod.status.container_statuses or []
    return pod.status.phase == "Running" and bool(statuses) and all(s.ready for s in statuses)


def stopped(pod: KubeObject) -> bool:
    """No container of the pod runs: each has terminated, or, in a pod being deleted, is
    still waiting (an image that never pulled, a back-off), since the kubelet starts nothing
    in a pod being deleted. The kubelet removes the pod object itself a little later, once it
    has cleaned up: 10-25 s on Kubernetes 1.20, measured."""
    statuses = pod.status.container_statuses or []
    deleting = pod.metadata.deletion_timestamp is not None
    none_running = bool(statuses) and all(
        status.state.terminated is not None or (deleting and status.state.waiting is not None) for status in statuses
    )
    return none_running or pod.status.phase in ("Succeeded", "Failed")


def _why_not_ready(apis: Apis, names: list[str]) -> list[str]:
    reasons = []
    for name in _not_ready(apis, names):
        found = []
        for pod in pods_of(apis, name):
            for status in pod.status.container_statuses or []:
                waiting = status.state.waiting
                if waiting:
                    found.append(f"{pod.metadata.name}: {waiting.reason} {waiting.message or ''}".strip())
            found += [f"{pod.metadata.name}: {event}" for event in pod_events(apis, pod)[-2:]]
        reasons += found or [f"deployment {name} has no ready pod yet"]
    return reasons


def selector(apis: Apis, deployment: str) -> str | None:
    """The deployment's pod selector as a label selector string; None if it does not exist."""
    found = read_or_none(apis.apps().read_namespaced_deployment, deployment, namespace())
    if found is None:
        return None
    labels = found.spec.selector.match_labels
    return ",".join(f"{key}={value}" for key, value in sorted((labels or {}).items()))


def pods_of(apis: Apis, deployment: str, *, terminating: bool = False) -> list[KubeObject]:
    """The deployment's pods (by its own selector); those being deleted only when asked."""
    found = selector(apis, deployment)
    if found is None:
        return []
    pods = apis.core().list_namespaced_pod(namespace(), label_selector=found).items
    return [pod for pod in pods if terminating or not pod.metadata.deletion_timestamp]


def running_pod(apis: Apis, deployment: str) -> KubeObject:
    for pod in pods_of(apis, deployment):
        if pod.status.phase == "Running":
            return pod
    raise LabError(f"no running pod for deployment {deployment}. Fix: run target.apply() and target.wait_ready().")


@kube_call("listing the pods")
def pod_lifetimes(apis: Apis, deployment: str) -> list[PodLifetime]:
    """Every pod of the deployment, those being deleted too: created, ready since, deletion asked."""
    lifetimes = []
    for pod in pods_of(apis, deployment, terminating=True):
        ready = next(
            (
                c.last_transition_time.timestamp()
                for c in pod.status.conditions or ()
                if c.type == "Ready" and c.status == "True"
            ),
            None,
        )
        lifetimes.append(
            PodLifetime(pod.metadata.name, pod.metadata.creation_timestamp.timestamp(), ready, _deletion_asked(pod))
        )
    return lifetimes


@kube_call("reading the restart count")
def restart_count(apis: Apis, deployment: str) -> int:
    """The current pod's restartCount: how often the kubelet restarted its container."""
    return restarts_of(pods_of(apis, deployment))


def restarts_of(pods: list[KubeObject]) -> int:
    """The restartCounts of these pods' containers, added up."""
    total: int = sum(s.restart_count for pod in pods for s in pod.status.container_statuses or [])
    return total


def raw_pod_events(apis: Apis, pod: KubeObject) -> list[KubeObject]:
    found = (
        apis.core().list_namespaced_event(namespace(), field_selector=f"involvedObject.name={pod.metadata.name}").items
    )
    return sorted(found, key=lambda e: e.last_timestamp or e.event_time or e.metadata.creation_timestamp)


def event_line(event: KubeObject) -> str:
    return f"{event.type} {event.reason}: {event.message}" + (f" (x{event.count})" if (event.count or 1) > 1 else "")


def pod_events(apis: Apis, pod: KubeObject) -> list[str]:
    return [event_line(e) for e in raw_pod_events(apis, pod)]


def _deletion_asked(pod: KubeObject) -> float | None:
    """When the pod was asked to stop: its deletionTimestamp is when the grace period ends
    (request time + deletionGracePeriodSeconds), not when the deletion was asked."""
    deleting = pod.metadata.deletion_timestamp
    if deleting is None:
        return None
    return float(deleting.timestamp() - (pod.metadata.deletion_grace_period_seconds or 0))
