"""The contract both targets keep: what each method means, whatever engine runs the pods.

Lessons 3 to 5 run the same YAML (k8s/) on a real Kubernetes (kind, the CI stand-in or a
shared cluster: `KubernetesTarget`) or on Docker Engine (`DockerTarget`). A notebook cell
calls these methods and nothing engine-specific, so it reads and behaves the same on both;
where the engines really differ, the difference is an attribute below, and a notebook
branches on that, never on the target's name. tests/contract/ proves each promise on both.
"""
from pathlib import Path
from typing import (
    Callable,
    Iterable,
    List,
    Optional,
    Protocol,
    Sequence,
    Set,
    Union,
    runtime_checkable,
)

from lab.core.json_types import Row
from lab.engine.exec_result import ExecResult
from lab.targets.manifests import Manifest
from lab.targets.pod_lifetime import PodLifetime


@runtime_checkable
class Target(Protocol):
    name: str
    """Which engine: "kind", "standin", "kubernetes" (a shared cluster) or "docker"."""

    restarts_unhealthy_containers: bool
    """True where the platform itself restarts a container whose liveness probe fails
    (the kubelet). Docker only marks it unhealthy: there `watch` does the restart."""

    has_service_endpoints: bool
    """True where a Service has endpoints that readiness can take away (Kubernetes).
    Docker's network alias always points at the container."""

    has_api_server: bool
    """True where an API server can check a manifest without applying it
    (`kubectl apply --dry-run=server`): Kubernetes. The docker target validates against the
    API's schema only."""

    shared_pid_namespace_pid1: str
    """PID 1 of a pod with `shareProcessNamespace: true`: the pod's `pause` on Kubernetes;
    on Docker, `docker-init` (Docker's tini, from `--init`) of the sandbox container that
    stands in for the pod, which reaps the same way."""

    probe_events_rate_limited: bool
    """True where probe failures are also reported as Events, which the kubelet stops
    recording after a burst of about 25 per pod (client-go's event spam filter)."""

    def prepare(self, images: Iterable[str]) -> None:
        """Make the lab's images available to the pods (kind load, stand-in load, registry)."""

    def apply(self, paths: Iterable[Path] = ()) -> List[str]:
        """`kubectl apply -f` the files (default: every k8s/*.yaml); one line per object."""

    def apply_manifests(self, objects: List[Manifest]) -> List[str]:
        """Apply objects already parsed and validated."""

    def deployments(self) -> List[str]:
        """The names of this participant's Deployments."""

    def wait_ready(self, timeout: float = 180, names: Optional[List[str]] = None) -> None:
        """Every Deployment (or those `names`) rolled out: its current pod running and
        ready. A name that does not exist is a LabError at once; the timeout a LabTimeout
        that says which pod is not ready and why."""

    def exec(self, deployment: str, command: Union[str, Sequence[str]], *, timeout: float = 10, quiet: bool = False) -> ExecResult:
        """Run `command` (a list, or a string split like a shell would) in the pod; the process
        is the command itself (on Kubernetes a `sh -c '...; exec "$@"'` first notes its PID
        and then becomes the command, so the image needs `sh`). Past `timeout`: raises
        ExecTimedOut after SIGKILLing that process."""

    def logs(self, deployment: str, *, tail: Union[int, str] = "all") -> str:
        """The current container's log."""

    def restart(self, deployment: str, *, reason: str = "") -> None:
        """`kubectl delete pod`: a new pod replaces the current one (its restart count
        starts at 0). Returns once the old pod has stopped and the new one is ready."""

    def pod_lifetimes(self, deployment: str) -> List[PodLifetime]:
        """The deployment's pods, also those being deleted: when each was created, since when
        it is ready, when its deletion was asked (what a rollout is made of). Docker has one
        container per deployment and no pod being deleted."""

    def restart_count(self, deployment: str) -> int:
        """How often the current pod's container was restarted in place: by the kubelet
        after failed liveness probes or an exit (on Docker: by `watch`)."""

    def liveness_passing(self, deployment: str) -> bool:
        """Whether the liveness probe passes now: its latest run succeeded (False while the
        container is not running). Kubernetes keeps counts, not the last result, so there
        this waits for the next run: at most what is left of initialDelaySeconds, plus one
        period and the timeout."""

    def failed_probes(self, deployment: str) -> Set[str]:
        """One identifier per failed liveness probe run of the current pod, stable across
        calls. Docker keeps only the last 5 results: poll at least every 5 periods and
        take the union to count them all."""

    def unhealthy_events(self, deployment: str) -> Optional[int]:
        """How many failed liveness runs the pod's Events report (what `kubectl describe pod`
        shows); None where there are no Events (Docker)."""

    def pids_in_use(self, deployment: str) -> Optional[int]:
        """PIDs the pod's pids cgroup counts (processes, threads, zombies); None when they
        cannot be read, e.g. because no PID is left to read them with."""

    def pids_limit(self, deployment: str) -> int:
        """The pod's PID limit (the kubelet's podPidsLimit); 0 when none or unknown."""

    def watch(self, seconds: float, *, until: Optional[Callable[[], bool]] = None,
              on_tick: Optional[Callable[[float], None]] = None,
              on_event: Optional[Callable[[Row], None]] = None, interval: float = 1,
              deployments: Optional[Iterable[str]] = None) -> List[Row]:
        """Follow every Deployment (or those `deployments`) for at most `seconds`, or until
        `until()`: one row per failed probe run ("probe failed") and per restart
        ("restarted"), counted from the source of truth, not from Events; on Kubernetes
        also one row per other new Event of the pods ("event", e.g. Killing)."""

    def url(self, service: str, port: int = 80) -> str:
        """An http://127.0.0.1:PORT address on this machine that reaches the Service."""

    def describe(self, deployment: str, *, events: int = 6) -> str:
        """What `kubectl describe pod` shows of a probe's story: the probe (a healthcheck on
        Docker), restartCount, and the latest events or probe results."""

    def endpoints(self, service: str, *, quiet: bool = False) -> List[str]:
        """The ready pod addresses behind a Service (only where has_service_endpoints);
        ``quiet``: without printing the kubectl command (for samplers)."""

    def delete(self, deployments: Iterable[str] = (), *, wait: bool = True) -> None:
        """Delete the named Deployments (every one of them, also when some are already
        gone), or everything of this participant's; returns when their pods have stopped
        (Kubernetes removes the pod objects a little later, once the kubelet has cleaned
        up), or at once for named ones with ``wait=False`` (an experiment's cleanup).
        Bounded, idempotent, shows progress."""
