"""The Kubernetes target: lessons 3 to 6 on a real cluster, through the official client.

Server-side apply, rollout wait, exec, logs, restart counts, probe results and deletion
are the same code on kind, the CI stand-in and a shared cluster; only the cluster's
lifecycle (lab/targets/kubernetes/clusters.py) differs. Every object goes into the participant's namespace
(LAB_PREFIX) and carries the lab's label; every API call is bounded (lab/targets/kubernetes/kube_api.py).
The methods keep the contract in lab/targets/contract.py; each hands its work to the
module of its concern: applying, pods, pod_exec, probes, watching, services, deleting (and
namespaces, under them all).
"""

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import (
    TYPE_CHECKING,
    Unpack,
)

from lab.core import console
from lab.core.json_types import Row
from lab.engine.exec_result import ExecResult
from lab.targets import manifests
from lab.targets.contract import LivenessRuns, NodeImages, WatchOptions
from lab.targets.kubernetes import (
    applying,
    deleting,
    kubectl_here,
    nodes,
    pod_exec,
    pods,
    probes,
    services,
    watching,
)
from lab.targets.kubernetes.apis import Apis
from lab.targets.kubernetes.applying import for_cluster
from lab.targets.kubernetes.clusters import (
    Cluster,
    KindCluster,
    SharedCluster,
    StandinCluster,
    registry_image,
)
from lab.targets.kubernetes.namespaces import namespace
from lab.targets.kubernetes.pod_exec import Streamed
from lab.targets.kubernetes.port_forward import PortForward
from lab.targets.pod_lifetime import PodLifetime

if TYPE_CHECKING:
    from kubernetes.client import ApiClient

# Also imported from here by the rest of the lab: namespace, for_cluster, registry_image.
__all__ = [
    "KubernetesTarget",
    "kind_target",
    "standin_target",
    "shared_target",
    "namespace",
    "for_cluster",
    "registry_image",
]


class KubernetesTarget:
    """Lessons 3 to 6 on a Kubernetes cluster: kind, the stand-in, or a shared cluster."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.name = cluster.name
        console.kubernetes_chosen(cluster.name, cluster.context, cluster.kubeconfig)
        self._apis = Apis(cluster)
        self._forwards: dict[str, PortForward] = {}
        self._pids_limits: dict[str, int] = {}

    # -- the cluster ------------------------------------------------------------------------
    @property
    def context(self) -> str:
        return self.cluster.context

    @property
    def shared(self) -> bool:
        return self.cluster.shared

    @property
    def registry(self) -> str | None:
        registry: str | None = getattr(self.cluster, "registry", None)
        return registry

    def prepare(self, images: Iterable[str]) -> None:
        """Get the lab's images to the nodes: kind load, the stand-in's load, or a registry."""
        self.cluster.prepare(images)
        self._apis.forget()  # a cluster just created has a new kubeconfig entry

    def node_images(self, images: list[str], *, quiet: bool = False) -> dict[str, NodeImages]:
        return nodes.node_images(self._apis, images, quiet=quiet)

    def point_kubectl_here(self) -> None:
        """Make the learner's own `kubectl` (a %%bash cell, a terminal) reach this cluster and
        the participant's namespace, which it creates; print what a terminal needs."""
        kubectl_here.point_kubectl_here(self._apis)

    def api(self) -> "ApiClient":
        return self._apis.client()

    # -- apply and wait (applying.py, pods.py) --------------------------------------------------
    def apply(self, paths: Iterable[Path] = ()) -> list[str]:
        """`kubectl apply --server-side -f k8s/`, into the participant's namespace."""
        return applying.apply(self._apis, paths, self.registry)

    def apply_manifests(self, objects: list[manifests.Manifest]) -> list[str]:
        return applying.apply_manifests(self._apis, objects, self.registry)

    def deployments(self) -> list[str]:
        return pods.deployments(self._apis)

    def wait_ready(self, timeout: float = 180, names: list[str] | None = None) -> None:
        """`kubectl rollout status`: bounded; unknown names and the timeout are clear errors."""
        pods.wait_ready(self._apis, timeout, names)

    # -- pods (pods.py) --------------------------------------------------------------------------
    def pod_lifetimes(self, deployment: str) -> list[PodLifetime]:
        """Every pod of the deployment, those being deleted too: created, ready since, deletion asked."""
        return pods.pod_lifetimes(self._apis, deployment)

    def restart_count(self, deployment: str) -> int:
        """The current pod's restartCount: how often the kubelet restarted its container."""
        return pods.restart_count(self._apis, deployment)

    # -- exec and logs (pod_exec.py) ---------------------------------------------------------------
    def exec(
        self, deployment: str, command: str | Sequence[str], *, timeout: float = 10, quiet: bool = False
    ) -> ExecResult:
        """`kubectl exec deploy/NAME -- COMMAND`: exit code and output, bounded by ``timeout``;
        a command that overruns is SIGKILLed (ExecTimedOut says whether that worked)."""
        return pod_exec.exec_in(self._apis, deployment, command, timeout=timeout, quiet=quiet)

    def _stream_exec(self, pod: str, argv: list[str], timeout: float) -> Streamed:
        """Run ``argv`` over the exec websocket; (exit code, stdout, stderr, timed out)."""
        return pod_exec.stream_exec(self._apis, pod, argv, timeout)

    def logs(self, deployment: str, *, tail: int | str = "all") -> str:
        return pod_exec.logs(self._apis, deployment, tail=tail)

    def pids_in_use(self, deployment: str) -> int | None:
        """The PIDs of a one-container pod (as every pod of the course): pids.current of the
        container's cgroup (cgroup v1 or v2), read by one exec'd `head`; None when they
        cannot be read (e.g. no PID left for the reader itself)."""
        return pod_exec.pids_in_use(self._apis, deployment)

    # -- restarts and deletion (deleting.py) ---------------------------------------------------
    def restart(self, deployment: str, *, reason: str = "") -> None:
        """`kubectl delete pod -l ...`: the Deployment starts a new pod; wait until the old
        one has stopped and the new one is ready."""
        deleting.restart(self._apis, deployment, reason=reason)

    def delete(self, deployments: Iterable[str] = (), *, wait: bool = True) -> None:
        """`kubectl delete deployment NAME...`, or everything of this participant's and then
        the namespace. Returns once the pods have stopped (and the namespace is gone),
        showing progress; with ``wait=False`` named deployments' pods stop in the background."""
        deleting.delete(self._apis, self._forwards, deployments, wait=wait)

    # -- probes, from the kubelet's own counts (probes.py) -----------------------------------------
    def unhealthy_events(self, deployment: str) -> int:
        """How many failed liveness runs the pod's Events report (`kubectl describe pod`),
        which stop growing after the kubelet's burst of about 25 events per pod."""
        return probes.unhealthy_events(self._apis, deployment)

    def describe(self, deployment: str, *, events: int = 6) -> str:
        """The lines of `kubectl describe pod` that tell a probe's story: the probe as
        configured with the kubelet's counts of its runs, restartCount, the last state, and
        the pod's latest events (which stop after a burst of about 25)."""
        return probes.describe(self._apis, deployment, events=events)

    def failed_probes(self, deployment: str) -> set[str]:
        """One identifier per failed liveness run of the current pod, from the kubelet's count."""
        return probes.liveness_runs(self._apis, [deployment])[deployment].failed

    def liveness_runs(self, deployments: Sequence[str]) -> dict[str, LivenessRuns]:
        """Failed and passed liveness runs of each deployment's pod, from one read of the kubelet's counts."""
        return probes.liveness_runs(self._apis, deployments)

    def liveness_passing(self, deployment: str) -> bool:
        """The latest liveness run succeeded. The kubelet keeps counts, not the last result,
        so this waits for the next run (at most initialDelaySeconds left, plus one period and
        the timeout) and looks at which count moved."""
        return probes.liveness_passing(self._apis, deployment)

    def pids_limit(self, deployment: str) -> int:
        """The podPidsLimit of the kubelet that runs the pod (its /configz); 0 if unknown."""
        return probes.pids_limit(self._apis, deployment, self._pids_limits)

    # -- the watch (watching.py) -------------------------------------------------------------------
    def watch(self, seconds: float, **options: Unpack[WatchOptions]) -> list[Row]:
        """Follow probe failures, restarts and events of every deployment (or those
        ``deployments``) for at most ``seconds``. Failures are counted by the kubelet
        (prober_probe_total), so the count stays true after it stops recording Events."""
        return watching.watch(self._apis, seconds, **options)

    # -- addresses (services.py) ---------------------------------------------------------------------
    def url(self, service: str, port: int = 80) -> str:
        """The Service on this machine, through the lab's own port-forward (every cluster alike)."""
        return services.url(self._apis, self._forwards, service, port)

    def endpoints(self, service: str, *, quiet: bool = False) -> list[str]:
        """`kubectl get endpoints`: the ready pod addresses behind a Service."""
        return services.endpoints(self._apis, service, quiet=quiet)


def kind_target() -> KubernetesTarget:
    return KubernetesTarget(KindCluster())


def standin_target() -> KubernetesTarget:
    return KubernetesTarget(StandinCluster())


def shared_target(context: str, registry: str | None = None) -> KubernetesTarget:
    return KubernetesTarget(SharedCluster(context, registry))
