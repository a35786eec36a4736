"""Deleting, bounded and idempotent: a pod (a restart), deployments, or all of the participant's and the namespace."""

import time
from collections.abc import Callable, Iterable
from typing import Any

from lab.core import settings
from lab.core.console import show_command
from lab.core.errors import LabError
from lab.core.waiting import wait_until
from lab.targets.kubernetes import pods
from lab.targets.kubernetes.apis import Apis
from lab.targets.kubernetes.kube_api import kube_call, read_or_none
from lab.targets.kubernetes.namespaces import (
    DELETE_TIMEOUT,
    namespace,
    namespace_state,
    wait_namespace_gone,
)
from lab.targets.kubernetes.port_forward import PortForward


def _delete_ignoring_gone(call: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Run a delete call; a 404 is fine. The calls pass _preload_content=False: the reply
    is not needed, and a 1.20 API server answers a Service deletion with a Status
    object that the current client fails to read as a Service."""
    read_or_none(call, *args, **kwargs)  # a 404: already gone, which is what we wanted


@kube_call("restarting the pod")
def restart(apis: Apis, deployment: str, *, reason: str = "") -> None:
    """`kubectl delete pod -l ...`: the Deployment starts a new pod; wait until the old
    one has stopped and the new one is ready."""
    current_pods = pods.pods_of(apis, deployment)
    if not current_pods:
        raise LabError(f"no pod for deployment {deployment} to restart. Fix: apply it first (target.apply()).")
    old = {pod.metadata.uid for pod in current_pods}
    if reason:
        print(f"  restarting {deployment}: {reason}")
    show_command("kubectl", "delete", "pod", "-n", namespace(), *sorted(pod.metadata.name for pod in current_pods))
    for pod in current_pods:
        _delete_ignoring_gone(apis.core().delete_namespaced_pod, pod.metadata.name, namespace(), _preload_content=False)

    def replaced() -> bool:
        current = pods.pods_of(apis, deployment, terminating=True)
        return all(pods.stopped(p) for p in current if p.metadata.uid in old) and any(
            pods.is_ready(p) for p in current if not p.metadata.deletion_timestamp
        )

    wait_until(replaced, timeout=DELETE_TIMEOUT, what=f"a new ready pod for {deployment}", interval=0.5)
    print(f"deployment {deployment}: a new pod is ready")


@kube_call("deleting")
def delete(apis: Apis, forwards: dict[str, PortForward], deployments: Iterable[str] = (), *, wait: bool = True) -> None:
    """`kubectl delete deployment NAME...`, or everything of this participant's and then
    the namespace (closing the lab's port-forwards, ``forwards``). Returns once the pods
    have stopped (and the namespace is gone), showing progress; with ``wait=False``
    named deployments' pods stop in the background."""
    ns = namespace()
    wanted = list(deployments)
    state = namespace_state(apis, ns)
    if state in ("absent", "terminating"):
        print(f"namespace {ns} does not exist: nothing to delete")
        return
    if wanted:
        show_command(
            "kubectl",
            "delete",
            "deployment",
            "-n",
            ns,
            "--ignore-not-found",
            *wanted,
            *([] if wait else ["--wait=false"]),
        )
        selectors = _delete_deployments(apis, wanted)
        if wait:
            _wait_pods_stopped(apis, selectors, ", ".join(wanted))
        else:
            print("  (their pods stop in the background)")
        return
    # Pods first, so the namespace controller finds nothing left to wait for: a namespace
    # that still holds pod objects waits out their grace period before it checks again.
    mine = settings.PART_OF_SELECTOR
    show_command("kubectl", "delete", "deployment,service", "-n", ns, "-l", mine)
    _delete_deployments(apis, pods.deployments(apis))
    for service in apis.core().list_namespaced_service(ns, label_selector=mine).items:
        _delete_ignoring_gone(apis.core().delete_namespaced_service, service.metadata.name, ns, _preload_content=False)
    _wait_pods_stopped(apis, [mine], "this participant")
    if state == "given":
        print(
            f"namespace {ns} is the room's: kept, with your progress in it (the instructor's 'room delete' removes it)"
        )
    else:
        _remove_stopped_pods(apis, ns, mine)
        show_command("kubectl", "delete", "namespace", ns)
        _delete_ignoring_gone(apis.core().delete_namespace, ns, _preload_content=False)
        wait_namespace_gone(apis, ns)
    for forward in forwards.values():
        forward.close()
    forwards.clear()


def _delete_deployments(apis: Apis, names: list[str]) -> list[str]:
    """Each deployment (already gone is fine), then its ReplicaSets and pods at once
    rather than through the garbage collector, which takes several seconds more. Only
    objects with this participant's label; returns the selectors of their pods."""
    ns, selectors = namespace(), []
    for name in names:
        selector = pods.selector(apis, name)
        _delete_ignoring_gone(
            apis.apps().delete_namespaced_deployment, name, ns, propagation_policy="Background", _preload_content=False
        )
        if selector:  # the ReplicaSets first, so none of them starts a replacement pod
            selector += f",{settings.PART_OF_SELECTOR}"
            apis.apps().delete_collection_namespaced_replica_set(ns, label_selector=selector, _preload_content=False)
            apis.core().delete_collection_namespaced_pod(ns, label_selector=selector, _preload_content=False)
            selectors.append(selector)
    return selectors


def _remove_stopped_pods(apis: Apis, ns: str, selector: str) -> None:
    """Remove the objects of pods whose containers have all stopped. The kubelet would, after
    its cleanup (about 25 s on 1.20), and until then deleting the namespace waits their grace
    period and more (60-77 s measured at the end of lesson 5, against about 6 s without them)."""
    show_command("kubectl", "delete", "pod", "-n", ns, "-l", selector, "--grace-period=0", "--force")
    print("  (their containers have stopped: only the pod objects are left for the kubelet to remove)")
    apis.core().delete_collection_namespaced_pod(
        ns, label_selector=selector, grace_period_seconds=0, _preload_content=False
    )


def _wait_pods_stopped(apis: Apis, selectors: list[str], what: str) -> None:
    """Until no pod matching these label selectors still runs, printing what is left
    whenever that changes."""
    last: list[list[str] | None] = [None]

    def stopped() -> bool:
        running = sorted(
            pod.metadata.name
            for selector in selectors
            for pod in apis.core().list_namespaced_pod(namespace(), label_selector=selector).items
            if not pods.stopped(pod)
        )
        if running and running != last[0]:
            print(f"  waiting for {len(running)} pod(s) to stop: {', '.join(running)}")
        last[0] = running
        return not running

    started = time.monotonic()
    wait_until(stopped, timeout=DELETE_TIMEOUT, interval=0.5, what=f"the pods of {what} to stop")
    print(f"pods stopped in {time.monotonic() - started:.1f}s")
