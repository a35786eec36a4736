"""Kubernetes manifests to Docker containers: the docker target's translation, a pure function.

A Deployment's pod becomes one container; a Service's name becomes a network alias of
the container it selects; a NodePort that kind-config.yaml publishes is published on
127.0.0.1 at the node port itself, as the Kubernetes stand-in does (kind maps it to
another host port, so a kind cluster and the docker target can run side by side); an
exec livenessProbe becomes a Docker healthcheck with the
same command (exec form, no shell) and timings; an exec readinessProbe becomes a healthcheck
that only reports (Docker has no endpoints to take away). A field outside this subset is an error
that names it.
"""
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from lab.core.errors import LabError
from lab.core.json_types import JsonObject
from lab.targets import kind_config
from lab.targets.manifests import Manifest

ANY = None  # any value accepted here

PROBE_FIELDS = {"exec": {"command": ANY}, "initialDelaySeconds": ANY, "periodSeconds": ANY,
                "timeoutSeconds": ANY, "failureThreshold": ANY, "successThreshold": ANY}
CONTAINER_FIELDS = {"name": ANY, "image": ANY, "imagePullPolicy": ANY, "command": ANY, "args": ANY,
                    "env": [{"name": ANY, "value": ANY}],
                    "ports": [{"containerPort": ANY, "name": ANY, "protocol": ANY}],
                    "livenessProbe": PROBE_FIELDS, "readinessProbe": PROBE_FIELDS,
                    # limits.memory becomes `docker run --memory`; requests only matter to a scheduler
                    "resources": {"requests": ANY, "limits": {"memory": ANY}}}
DEPLOYMENT_FIELDS = {
    "apiVersion": ANY, "kind": ANY, "metadata": {"name": ANY, "labels": ANY, "annotations": ANY},
    "spec": {"replicas": ANY, "selector": {"matchLabels": ANY},
             # Docker has no rolling update: a changed container is removed, then run (Recreate).
             "strategy": {"type": ANY},
             "template": {"metadata": {"labels": ANY, "annotations": ANY},
                          "spec": {"containers": [CONTAINER_FIELDS], "shareProcessNamespace": ANY,
                                   "terminationGracePeriodSeconds": ANY}}}}
SERVICE_FIELDS = {
    "apiVersion": ANY, "kind": ANY, "metadata": {"name": ANY, "labels": ANY, "annotations": ANY},
    "spec": {"type": ANY, "selector": ANY,
             "ports": [{"port": ANY, "targetPort": ANY, "nodePort": ANY, "name": ANY, "protocol": ANY}]}}
SUPPORTED = {"Deployment": DEPLOYMENT_FIELDS, "Service": SERVICE_FIELDS}

# The docker target's pids limit for a pod: the kubelet's per-pod limit from kind-config.yaml
# (the worker's pod-max-pids), or this annotation (docker target only: Kubernetes has no
# per-pod field; there the node's limit applies).
PIDS_LIMIT_ANNOTATION = "redis-tini-lab/docker-pids-limit"

# Kubernetes' defaults for probes (pkg/apis/core/v1/defaults.go)
PROBE_DEFAULTS = {"periodSeconds": 10, "timeoutSeconds": 1, "failureThreshold": 3, "initialDelaySeconds": 0}
SECOND = 1_000_000_000  # Docker's healthcheck timings are in nanoseconds


@dataclass
class ContainerPlan:
    """One Docker container standing for one Deployment's pod."""
    deployment: str
    image: str
    entrypoint: Optional[List[str]] = None   # Kubernetes `command`
    command: Optional[List[str]] = None      # Kubernetes `args`
    environment: Dict[str, str] = field(default_factory=dict)
    aliases: List[str] = field(default_factory=list)
    ports: Dict[int, int] = field(default_factory=dict)  # container port -> 127.0.0.1 port
    healthcheck: Optional[JsonObject] = None
    restart_when_unhealthy: bool = True  # a liveness probe's healthcheck; a readiness one only reports
    share_process_namespace: bool = False
    grace_seconds: int = 30  # terminationGracePeriodSeconds: SIGTERM, then SIGKILL after this
    pids_limit: int = field(default_factory=kind_config.pod_pids_limit)  # the kubelet's, per pod
    memory_limit: Optional[int] = None  # resources.limits.memory, in bytes (docker run --memory)

    def fingerprint(self) -> str:
        """Changes exactly when the container would have to be recreated (`kubectl apply`)."""
        return hashlib.sha256(self.to_json().encode()).hexdigest()[:16]

    def to_json(self) -> str:
        return json.dumps(self.__dict__, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "ContainerPlan":
        data = json.loads(text)
        data["ports"] = {int(port): host for port, host in data["ports"].items()}  # JSON keys are strings
        return cls(**data)


def check_supported(manifest: Manifest) -> None:
    allowed = SUPPORTED.get(manifest.kind)
    if allowed is None:
        raise LabError(f"{manifest.source}: kind {manifest.kind} is not supported on the docker target "
                       f"(only {', '.join(SUPPORTED)}). Fix: use the kind target, or remove it.")
    _check_fields(manifest.body, allowed, "", manifest)


def _check_fields(value: Any, allowed: Any, path: str, manifest: Manifest) -> None:
    if allowed is ANY:
        return
    if isinstance(allowed, list):
        for index, item in enumerate(value or []):
            _check_fields(item, allowed[0], f"{path}[{index}]", manifest)
        return
    for key, item in (value or {}).items():
        where = f"{path}.{key}" if path else key
        if key not in allowed:
            raise LabError(f"{manifest.source}: {manifest.kind} {manifest.name}: field {where} is not supported "
                           f"on the docker target. Fix: remove it, or use the kind target.")
        _check_fields(item, allowed[key], where, manifest)


def healthcheck_from_probe(probe: JsonObject) -> JsonObject:
    """An exec livenessProbe as a Docker healthcheck: same command, no shell added, and the
    same period, timeout and threshold. One difference: Kubernetes runs no probe during
    initialDelaySeconds, while Docker probes during its start_period but does not count
    failures there (and runs its first probe one interval after the start)."""
    settings_ = {**PROBE_DEFAULTS, **{k: v for k, v in probe.items() if k in PROBE_DEFAULTS}}
    return {"test": ["CMD", *probe["exec"]["command"]],
            "interval": settings_["periodSeconds"] * SECOND,
            "timeout": settings_["timeoutSeconds"] * SECOND,
            "retries": settings_["failureThreshold"],
            "start_period": settings_["initialDelaySeconds"] * SECOND}


def translate(manifests: List[Manifest], node_ports: Optional[Dict[int, int]] = None) -> List[ContainerPlan]:
    """Plans for every Deployment, with the Services wired in as aliases and published ports."""
    if node_ports is None:  # nodePort -> the same port on 127.0.0.1
        node_ports = {node_port: node_port for node_port in kind_config.node_port_map()}
    for manifest in manifests:
        check_supported(manifest)
    plans, pod_labels = {}, {}
    for manifest in (m for m in manifests if m.kind == "Deployment"):
        plans[manifest.name] = _plan_deployment(manifest)
        pod_labels[manifest.name] = manifest.body["spec"]["template"].get("metadata", {}).get("labels", {})
    for manifest in (m for m in manifests if m.kind == "Service"):
        _wire_service(manifest, plans, pod_labels, node_ports)
    return list(plans.values())


def _plan_deployment(manifest: Manifest) -> ContainerPlan:
    spec = manifest.body["spec"]
    where = f"{manifest.source}: Deployment {manifest.name}"
    if spec.get("replicas", 1) != 1:
        raise LabError(f"{where}: replicas: {spec['replicas']} is not supported on the docker target (1 only).")
    pod = spec["template"]["spec"]
    if len(pod["containers"]) != 1:
        raise LabError(f"{where}: one container per pod on the docker target, found {len(pod['containers'])}.")
    container = pod["containers"][0]
    if "livenessProbe" in container and "readinessProbe" in container:
        raise LabError(f"{where}: a Docker container has one healthcheck; on the docker target use a livenessProbe "
                       "or a readinessProbe, not both.")
    kind = "livenessProbe" if "livenessProbe" in container else "readinessProbe"
    probe = container.get(kind)
    if probe is not None and "exec" not in probe:
        raise LabError(f"{where}: {kind} must be an exec probe on the docker target.")
    return ContainerPlan(
        deployment=manifest.name, image=container["image"],
        entrypoint=container.get("command"), command=container.get("args"),
        environment={e["name"]: str(e.get("value", "")) for e in container.get("env", [])},
        healthcheck=healthcheck_from_probe(probe) if probe else None,
        # Docker has no readiness: the healthcheck only turns the status to unhealthy, and the
        # network alias keeps pointing at the container. Only a liveness probe restarts it.
        restart_when_unhealthy=kind == "livenessProbe",
        share_process_namespace=bool(pod.get("shareProcessNamespace", False)),
        grace_seconds=int(pod.get("terminationGracePeriodSeconds", 30)),
        memory_limit=memory_bytes(container.get("resources", {}).get("limits", {}).get("memory"), where),
        pids_limit=int(spec["template"].get("metadata", {}).get("annotations", {}).get(
            PIDS_LIMIT_ANNOTATION, kind_config.pod_pids_limit())))


MEMORY_UNITS = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "K": 10**3, "M": 10**6, "G": 10**9, "": 1}


def memory_bytes(quantity: Any, where: str) -> Optional[int]:
    """A Kubernetes memory quantity (384Mi, 1G, 500000000) in bytes; None when not set."""
    if quantity is None:
        return None
    found = re.fullmatch(r"(\d+)(Ki|Mi|Gi|K|M|G|)", str(quantity))
    if not found:
        raise LabError(f"{where}: memory {quantity!r} is not a quantity the docker target reads. "
                       "Fix: write it like 384Mi or 1Gi.")
    return int(found.group(1)) * MEMORY_UNITS[found.group(2)]


def _wire_service(manifest: Manifest, plans: Dict[str, ContainerPlan], pod_labels: Dict[str, Dict[str, str]],
                  node_ports: Dict[int, int]) -> None:
    selector = manifest.body["spec"].get("selector", {})
    targets = [name for name, labels in pod_labels.items()
               if selector and all(labels.get(k) == v for k, v in selector.items())]
    where = f"{manifest.source}: Service {manifest.name}"
    if not targets:
        raise LabError(f"{where}: its selector {selector} matches no Deployment's pod labels.")
    for name in targets:
        plans[name].aliases.append(manifest.name)
        for port in manifest.body["spec"].get("ports", []):
            if port.get("targetPort", port["port"]) != port["port"]:
                raise LabError(f"{where}: port {port['port']} with targetPort {port['targetPort']} is not supported "
                               "on the docker target (a network alias cannot remap ports). Fix: make them equal.")
            if "nodePort" in port:
                if port["nodePort"] not in node_ports:
                    raise LabError(f"{where}: nodePort {port['nodePort']} is not published by kind-config.yaml "
                                   f"(extraPortMappings has {sorted(node_ports) or 'none'}).")
                plans[name].ports[port["port"]] = node_ports[port["nodePort"]]
