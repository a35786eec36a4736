"""What a workshop room gives each participant, as plain Kubernetes objects.

One namespace per participant, and in it:
- a ServiceAccount whose Role reaches only that namespace, and only what lessons 3 to 6
  do there (deploy, exec, read logs and events, port-forward, record progress);
- a ResourceQuota and a LimitRange (CPU, memory, ephemeral storage, pods, no node ports),
  so one runaway experiment cannot starve the room;
- a NetworkPolicy: only the namespace's own pods (and the nodes' probes) reach its pods;
- a token Secret for the participant's kubeconfig (lab/workshop/room_kubeconfig.py).

Every object carries the lab's participant label and the room's label: `room delete`
removes what carries them, and nothing else. Nothing here is cluster-scoped except the
namespace itself.
"""

import json

from lab.core import settings
from lab.core.json_types import JsonObject, KubeDict, KubeDicts

ACCOUNT = "participant"  # the ServiceAccount, Role, RoleBinding and token Secret's name
TOKEN_SECRET = f"{ACCOUNT}-token"

# What lessons 3 to 6 do in their namespace, verb by verb (the lab and a learner's kubectl).
_ALL = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"]
_READ = ["get", "list", "watch"]
PARTICIPANT_RULES: list[dict[str, list[str]]] = [
    {"apiGroups": ["apps"], "resources": ["deployments", "replicasets"], "verbs": _ALL},
    {"apiGroups": ["apps"], "resources": ["deployments/scale"], "verbs": ["get", "update", "patch"]},
    {"apiGroups": [""], "resources": ["pods", "services", "configmaps"], "verbs": _ALL},
    {"apiGroups": [""], "resources": ["pods/exec", "pods/portforward", "services/proxy"], "verbs": ["get", "create"]},
    {
        "apiGroups": [""],
        "resources": ["pods/log", "endpoints", "events", "resourcequotas", "limitranges"],
        "verbs": _READ,
    },
    {"apiGroups": ["events.k8s.io"], "resources": ["events"], "verbs": _READ},
]

# Sized from the stand-in (benchmarks/room.py; docs/instructor.md has the numbers): a
# participant peaks at 12 pods (DockerCoins' 5 plus lesson 5's experiments) and about
# 76 MiB in all. The pod count is the quota that stops a runaway; the memory figures leave
# room for every pod at the LimitRange's defaults.
QUOTA = {
    "pods": "16",
    "count/deployments.apps": "16",
    "services": "8",
    "services.nodeports": "0",  # node ports are cluster-wide: one participant's would block another's
    "services.loadbalancers": "0",
    "configmaps": "8",
    "requests.cpu": "2",
    "requests.memory": "1Gi",
    "limits.memory": "2Gi",
    "requests.ephemeral-storage": "2Gi",  # container logs and writable layers: one participant cannot fill the node's disk
    "limits.ephemeral-storage": "4Gi",
}
# Every container without its own resources gets these, so the quota can count it. No CPU
# limit: CFS throttling would stretch the probe timings lesson 5 measures.
CONTAINER_DEFAULTS = {
    "defaultRequest": {"cpu": "50m", "memory": "32Mi", "ephemeral-storage": "64Mi"},
    "default": {"memory": "128Mi", "ephemeral-storage": "256Mi"},
    "max": {"memory": "512Mi", "ephemeral-storage": "1Gi"},
}
NETWORK_POLICY = "room-isolation"


def network_policy(node_addresses: list[str]) -> JsonObject:
    """Ingress only from this namespace's pods (and from the nodes: the kubelet's tcpSocket
    and HTTP probes come from there); egress only to this namespace's pods and to DNS. Its
    redis has no password: no other participant may reach it. Enforced where the CNI
    enforces NetworkPolicy (kind's kindnet does; the stand-in's bridge plugin does not)."""
    dns = [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]
    nodes = [{"ipBlock": {"cidr": f"{address}/32"}} for address in node_addresses]
    return {
        "podSelector": {},
        "policyTypes": ["Ingress", "Egress"],
        "ingress": [{"from": [{"podSelector": {}}] + nodes}],
        "egress": [{"to": [{"podSelector": {}}]}, {"to": [{"namespaceSelector": {}}] + nodes, "ports": dns}],
    }


def room_labels(room: str, participant: str) -> dict[str, str]:
    return {settings.LABEL: participant, settings.ROOM_LABEL: room}


def _meta(name: str, room: str, participant: str, **extra: object) -> JsonObject:
    return {"name": name, "labels": room_labels(room, participant), **extra}


# Pod Security Admission (Kubernetes 1.23+) refuses privileged, hostPath, hostPID and
# hostNetwork pods here: with them a participant could take over a node, and so reach the
# others. Nothing in the lessons needs them. (Kubernetes 1.20, the CI stand-in, ignores it.)
POD_SECURITY = {"pod-security.kubernetes.io/enforce": "baseline"}


def namespace(room: str, participant: str) -> KubeDict:
    meta = _meta(participant, room, participant)
    meta["labels"].update(POD_SECURITY)
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": meta}


def namespaced_objects(
    room: str, participant: str, pids_limits: dict[str, int] | None = None, node_addresses: list[str] | None = None
) -> KubeDicts:
    """Everything but the namespace, in the order they must be created. ``pids_limits`` is
    each node's podPidsLimit as the instructor read it: a participant may not read the
    kubelets' configuration, and lesson 5 shows PIDs in use beside that limit.
    ``node_addresses``: the nodes' internal IPs, which the NetworkPolicy admits (probes)."""

    def meta(name: str, **extra: object) -> JsonObject:
        return _meta(name, room, participant, namespace=participant, **extra)

    return [
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta(ACCOUNT)},
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "Role",
            "metadata": meta(ACCOUNT),
            "rules": PARTICIPANT_RULES,
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": meta(ACCOUNT),
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": ACCOUNT},
            "subjects": [{"kind": "ServiceAccount", "name": ACCOUNT, "namespace": participant}],
        },
        {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": meta("room-quota"), "spec": {"hard": QUOTA}},
        {
            "apiVersion": "v1",
            "kind": "LimitRange",
            "metadata": meta("room-defaults"),
            "spec": {"limits": [{"type": "Container", **CONTAINER_DEFAULTS}]},
        },
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": meta(NETWORK_POLICY),
            "spec": network_policy(node_addresses or []),
        },
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": meta(settings.ROOM_CONFIGMAP),
            "data": {"pod-pids-limits": json.dumps(pids_limits or {}, sort_keys=True)},
        },
        # A long-lived token for the kubeconfig: the token controller fills it in. (Kubernetes
        # 1.24+ no longer makes one per ServiceAccount by itself; this way works on 1.20 too.)
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "type": "kubernetes.io/service-account-token",
            "metadata": meta(TOKEN_SECRET, annotations={"kubernetes.io/service-account.name": ACCOUNT}),
        },
    ]


MAX_PARTICIPANTS = 50  # a workshop room: lesson 5 runs up to 12 pods per participant, 600 in all


def participant_names(count: int = 0, names: str | None = None) -> list[str]:
    """`--participants 3` gives p1, p2, p3; `--names ada,bob` gives those (checked as LAB_PREFIX is).
    An empty `--names ""` is refused, never read as "everyone"."""
    from lab.core.errors import LabError

    if names is not None:
        chosen = [name.strip() for name in names.split(",") if name.strip()]
        if not chosen:
            raise LabError(f"--names {names!r} names nobody. Fix: --names ada,bob")
    else:
        if not 1 <= count <= MAX_PARTICIPANTS:
            raise LabError(
                f"--participants {count}: a room has 1 to {MAX_PARTICIPANTS} participants. "
                f"Fix: --participants N with N from 1 to {MAX_PARTICIPANTS}, or two rooms"
            )
        chosen = [f"p{number}" for number in range(1, count + 1)]
    if len(chosen) > MAX_PARTICIPANTS:
        raise LabError(f"{len(chosen)} names: a room has at most {MAX_PARTICIPANTS} participants. Fix: two rooms")
    for name in chosen:
        if not settings.PREFIX_PATTERN.fullmatch(name):
            raise LabError(
                f"participant name {name!r} is not valid: use 1-20 lowercase letters, digits or '-' (not first or last), "
                "e.g. --names ada,bob"
            )
    if len(set(chosen)) != len(chosen):
        raise LabError(f"participant names repeat in {names!r}. Fix: give each participant their own name.")
    return chosen
