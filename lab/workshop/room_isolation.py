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

from lab.core.json_types import KubeDict

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


@dataclass(frozen=True)
class Hole:
    """One object a participant must not be able to create, and what refuses it."""

    name: str
    kind: str
    spec: KubeDict
    fix: str


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


def holes_open(api: "ApiClient", namespace: str) -> list[str]:
    """With a participant's credentials: one line per object the API server admitted, with
    its fix; empty when every one was refused."""
    from kubernetes.client.exceptions import ApiException

    found = []
    for hole in HOLES:
        try:
            _dry_run_create(api, hole, namespace)
        except ApiException as error:
            if error.status in REFUSED:
                continue
            raise
        found.append(f"a participant may create {hole.name} in {namespace}. Fix: {hole.fix}.")
    return found
