"""The contract a target keeps: what each method means, whichever cluster runs the pods.

Lessons 3 to 6 run the same YAML (k8s/) on a real Kubernetes: kind, the CI stand-in or a
shared cluster, all through `KubernetesTarget`. The course's code calls these methods and
nothing cluster-specific, so a notebook cell reads and behaves the same on each.
tests/contract/ proves each promise on the Kubernetes this machine has.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypedDict, Unpack, runtime_checkable

from lab.core.json_types import Row
from lab.engine.exec_result import ExecResult
from lab.targets.manifests import Manifest
from lab.targets.pod_lifetime import PodLifetime


class NodeImages(TypedDict):
    """One node, as Target.node_images reads it."""

    ready: bool
    missing: list[str]  # the images it lacks ([] also when ``full``: unknown)
    full: bool  # its status lists the kubelet's maximum of images: the lab's may be left out


@dataclass(frozen=True)
class LivenessRuns:
    """A deployment's liveness probe runs of its current pod, as the kubelet counts them."""

    failed: set[str]  # one identifier per failed run, stable across reads
    passed: int | None  # how many passed; None when the count cannot be read (a room's participant)


class WatchOptions(TypedDict, total=False):
    """What Target.watch takes besides its seconds, each optional."""

    until: Callable[[], bool] | None  # stop as soon as this is true
    on_tick: Callable[[float], None] | None  # called every interval, with the seconds since the start
    on_event: Callable[[Row], None] | None  # called with each new row, as it comes
    interval: float  # seconds between two looks (default 1)
    deployments: Iterable[str] | None  # only these (default: every Deployment)


@runtime_checkable
class Target(Protocol):
    name: str
    """Which cluster: "kind", "standin" or "kubernetes" (a shared cluster)."""

    @property
    def shared(self) -> bool:
        """A shared cluster (a workshop room): the participant cannot read its nodes."""

    @property
    def registry(self) -> str | None:
        """Where the nodes pull the lab's images from; None: loaded onto the nodes."""

    def node_images(self, images: list[str], *, quiet: bool = False) -> dict[str, NodeImages]:
        """Per node: Ready or not, and which of ``images`` it lacks (as `kubectl get nodes` shows)."""

    def prepare(self, images: Iterable[str]) -> None:
        """Make the lab's images available to the pods (kind load, stand-in load, registry)."""

    def apply(self, paths: Iterable[Path] = ()) -> list[str]:
        """`kubectl apply -f` the files (default: every k8s/*.yaml); one line per object."""

    def apply_manifests(self, objects: list[Manifest]) -> list[str]:
        """Apply objects already parsed and validated."""

    def deployments(self) -> list[str]:
        """The names of this participant's Deployments."""

    def wait_ready(self, timeout: float = 180, names: list[str] | None = None) -> None:
        """Every Deployment (or those `names`) rolled out: its current pod running and
        ready. A name that does not exist is a LabError at once; the timeout a LabTimeout
        that says which pod is not ready and why."""

    def exec(
        self, deployment: str, command: str | Sequence[str], *, timeout: float = 10, quiet: bool = False
    ) -> ExecResult:
        """Run `command` (a list, or a string split like a shell would) in the pod; the process
        is the command itself (a `sh -c '...; exec "$@"'` first notes its PID and then
        becomes the command, so the image needs `sh`). Past `timeout`: raises
        ExecTimedOut after SIGKILLing that process."""

    def logs(self, deployment: str, *, tail: int | str = "all") -> str:
        """The current container's log."""

    def restart(self, deployment: str, *, reason: str = "") -> None:
        """`kubectl delete pod`: a new pod replaces the current one (its restart count
        starts at 0). Returns once the old pod has stopped and the new one is ready."""

    def pod_lifetimes(self, deployment: str) -> list[PodLifetime]:
        """The deployment's pods, also those being deleted: when each was created, since when
        it is ready, when its deletion was asked (what a rollout is made of)."""

    def restart_count(self, deployment: str) -> int:
        """How often the current pod's container was restarted in place: by the kubelet
        after failed liveness probes or an exit."""

    def liveness_passing(self, deployment: str) -> bool:
        """Whether the liveness probe passes now: its latest run succeeded (False while the
        container is not running). Kubernetes keeps counts, not the last result, so this
        waits for the next run: at most what is left of initialDelaySeconds, plus one
        period and the timeout."""

    def failed_probes(self, deployment: str) -> set[str]:
        """One identifier per failed liveness probe run of the current pod, stable across
        calls."""

    def liveness_runs(self, deployments: Sequence[str]) -> dict[str, LivenessRuns]:
        """Failed and passed liveness runs of each deployment's current pod, from one read
        of the kubelet's counts (what a sampling loop asks on every tick)."""

    def unhealthy_events(self, deployment: str) -> int:
        """How many failed liveness runs the pod's Events report (what `kubectl describe pod`
        shows): the kubelet stops recording them after a burst of about 25 per pod
        (client-go's event spam filter)."""

    def pids_in_use(self, deployment: str) -> int | None:
        """PIDs the pod's pids cgroup counts (processes, threads, zombies); None when they
        cannot be read, e.g. because no PID is left to read them with."""

    def pids_limit(self, deployment: str) -> int:
        """The pod's PID limit (the kubelet's podPidsLimit); 0 when none or unknown."""

    def watch(self, seconds: float, **options: Unpack[WatchOptions]) -> list[Row]:
        """Follow every Deployment (or those `deployments`) for at most `seconds`, or until
        `until()`: one row per failed probe run ("probe failed") and per restart
        ("restarted"), counted from the source of truth, not from Events; and one row per
        other new Event of the pods ("event", e.g. Killing)."""

    def url(self, service: str, port: int = 80) -> str:
        """An http://127.0.0.1:PORT address on this machine that reaches the Service."""

    def describe(self, deployment: str, *, events: int = 6) -> str:
        """What `kubectl describe pod` shows of a probe's story: the probe, restartCount,
        and the latest events."""

    def endpoints(self, service: str, *, quiet: bool = False) -> list[str]:
        """The ready pod addresses behind a Service; ``quiet``: without printing the kubectl
        command (for samplers)."""

    def delete(self, deployments: Iterable[str] = (), *, wait: bool = True) -> None:
        """Delete the named Deployments (every one of them, also when some are already
        gone), or everything of this participant's; returns when their pods have stopped
        (Kubernetes removes the pod objects a little later, once the kubelet has cleaned
        up), or at once for named ones with ``wait=False`` (an experiment's cleanup).
        Bounded, idempotent, shows progress."""
