"""Proof, before a room's kubeconfigs are handed out, that a participant cannot break out of
their namespace. With the participant's own credentials, the API server is asked to create
six objects that would reach the node or the network beyond the namespace, as server-side
dry-runs (nothing is created). Each must be refused; each one admitted is a hole, named
with its fix.

What refuses them is the cluster's, not the lab's: Pod Security Admission's `baseline`
level (the room labels each namespace for it; Kubernetes 1.23+) or a PodSecurityPolicy
(Kubernetes 1.20-1.24; the stand-in brings one), the room's quota (`services.nodeports:
0`), and for `externalIPs` (CVE-2020-8554) the API server's DenyServiceExternalIPs
admission plugin (Kubernetes 1.21+), or on 1.20 a validating webhook (the stand-in's).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lab.core.errors import LabTimeout
from lab.core.json_types import KubeDict
from lab.core.waiting import wait_until

if TYPE_CHECKING:
    from kubernetes.client import ApiClient

PODS_FIX = (
    "label the namespace pod-security.kubernetes.io/enforce=baseline with Pod Security Admission on "
    "(Kubernetes 1.23+; the room does label it), or on 1.20-1.24 enable the PodSecurityPolicy admission "
    "plugin with a baseline policy (scripts/k8s-standin.sh shows one)"
)
NODEPORT_FIX = "keep the room's quota (services.nodeports: 0) and the ResourceQuota admission plugin on"
EXTERNAL_IPS_FIX = (
    "enable the DenyServiceExternalIPs admission plugin (kube-apiserver --enable-admission-plugins, "
    "Kubernetes 1.21+); on 1.20, a validating webhook that refuses spec.externalIPs "
    "(scripts/standin-webhook.py)"
)
REFUSED = (400, 403, 422)  # forbidden by admission or policy, or a webhook's denial
# The API server's quota admission may not see a quota created a moment ago: when its
# informer has none for the namespace it looks them up, and keeps that answer (none, if the
# lookup came before the quota) for 30 s (plugin/pkg/admission/resourcequota,
# resource_access.go: liveTTL). Seen once, on a loaded machine: a NodePort admitted right
# after `room create` applied the quota. So a hole the quota closes is tried again for that long.
QUOTA_CACHE_SECONDS = 35


@dataclass(frozen=True)
class Hole:
    """One object a participant must not be able to create, and what refuses it."""

    name: str
    kind: str
    spec: KubeDict
    fix: str
    closed_by_a_new_quota: bool = False  # the room's quota closes it: see QUOTA_CACHE_SECONDS


def _pod(**spec: object) -> KubeDict:
    container: KubeDict = {"name": "probe", "image": "redis:7.2.4-bookworm"}
    if spec.pop("privileged", False):
        container["securityContext"] = {"privileged": True}
    return {"containers": [container], **spec}


HOLES = [
    Hole("a privileged pod", "Pod", _pod(privileged=True), PODS_FIX),
    Hole("a hostPath pod (the node's /)", "Pod", _pod(volumes=[{"name": "node", "hostPath": {"path": "/"}}]), PODS_FIX),
    Hole("a hostPID pod", "Pod", _pod(hostPID=True), PODS_FIX),
    Hole("a hostNetwork pod", "Pod", _pod(hostNetwork=True), PODS_FIX),
    Hole(
        "a NodePort Service",
        "Service",
        {"type": "NodePort", "selector": {"app": "none"}, "ports": [{"port": 6379}]},
        NODEPORT_FIX,
        closed_by_a_new_quota=True,
    ),
    Hole(
        "an externalIPs Service (CVE-2020-8554)",
        "Service",
        {"selector": {"app": "none"}, "ports": [{"port": 6379}], "externalIPs": ["203.0.113.10"]},
        EXTERNAL_IPS_FIX,
    ),
]


def body(hole: Hole, namespace: str) -> KubeDict:
    return {
        "apiVersion": "v1",
        "kind": hole.kind,
        "metadata": {"name": "isolation-check", "namespace": namespace},
        "spec": hole.spec,
    }


def _dry_run_create(api: "ApiClient", hole: Hole, namespace: str) -> None:
    from kubernetes import client

    core = client.CoreV1Api(api)
    create: Callable[..., object] = core.create_namespaced_pod if hole.kind == "Pod" else core.create_namespaced_service
    create(namespace, body(hole, namespace), dry_run="All", _request_timeout=(5, 30))


def _refused(api: "ApiClient", hole: Hole, namespace: str) -> bool:
    from kubernetes.client.exceptions import ApiException

    try:
        _dry_run_create(api, hole, namespace)
    except ApiException as error:
        if error.status in REFUSED:
            return True
        raise
    return False


def holes_open(api: "ApiClient", namespace: str) -> list[str]:
    """With a participant's credentials: one line per object the API server admitted, with
    its fix; empty when every one was refused."""
    found = []
    for hole in HOLES:
        if _refused(api, hole, namespace) or (hole.closed_by_a_new_quota and _refused_in_time(api, hole, namespace)):
            continue
        found.append(f"a participant may create {hole.name} in {namespace}. Fix: {hole.fix}.")
    return found


def _refused_in_time(api: "ApiClient", hole: Hole, namespace: str) -> bool:
    """Whether ``hole`` is refused once the API server's quota admission sees the new quota."""
    print(
        f"  {hole.name} was admitted; trying again while the API server's quota cache catches up (at most "
        f"{QUOTA_CACHE_SECONDS} s)"
    )
    try:
        return wait_until(
            lambda: _refused(api, hole, namespace),
            timeout=QUOTA_CACHE_SECONDS,
            interval=2,
            what=f"the API server to refuse {hole.name} in {namespace}",
        )
    except LabTimeout:
        return False
