"""Where a Kubernetes target's cluster comes from: the only part that differs between
kind, the CI stand-in and a shared cluster. Everything else (apply, exec, probes,
restarts) is the same `KubernetesTarget` code on all three.

Each lifecycle says:
- which kubeconfig and context reach the cluster;
- how the lab's images get to the nodes (`kind load`, the stand-in's `load`, a registry).
(Services are reached the same way on all three: through a port-forward.)
"""

import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from lab.core import settings
from lab.core.errors import LabError
from lab.engine.tools import run_tool, run_tool_showing_output
from lab.targets import kind_config
from lab.targets.kubernetes import kind_load
from lab.targets.kubernetes.steps import Steps

KIND_MISSING = (
    "kind is not installed. Fix: install it (https://kind.sigs.k8s.io/docs/user/quick-start/#installation), "
    "or open the devcontainer, which has it"
)
STANDIN_SCRIPT = settings.REPO_ROOT / "scripts" / "k8s-standin.sh"
STANDIN_KUBECONFIG = Path("/var/lib/redis-tini-lab/k8s-standin/kubeconfig")  # written by `k8s-standin.sh up`
STANDIN_APISERVER_PID = Path("/run/redis-tini-lab/k8s-standin/kube-apiserver.pid")  # gone after a reboot
STANDIN_CONTEXT = "lab-standin"
STANDIN_DOWN = "the Kubernetes stand-in is not up. Fix: sudo scripts/k8s-standin.sh up (CI), or use kind on a laptop."


class Cluster(Protocol):
    """What a Kubernetes target needs of its cluster's lifecycle (the three classes below)."""

    @property
    def name(self) -> str: ...  # the target's name: "kind", "standin" or "kubernetes"

    @property
    def shared(self) -> bool: ...  # a room's cluster: a namespace per participant, given

    @property
    def context(self) -> str: ...

    @property
    def kubeconfig(self) -> str | None: ...  # None: kubectl's default files

    def missing(self) -> str:
        """The one-line error, with its fix, for a cluster the kubeconfig does not reach."""

    def prepare(self, images: Iterable[str]) -> None:
        """Get the lab's images to the nodes."""


def _run(argv: list[str], *, timeout: float, show: list[str] | None = None) -> str:
    """A lifecycle command, printed as a person would type it at the repository's root."""
    return run_tool(argv, timeout=timeout, show=show or True).stdout


class KindCluster:
    """The learner's own kind cluster, made from kind-config.yaml; images by `kind load`."""

    name = "kind"
    shared = False

    def __init__(self) -> None:
        if shutil.which("kind") is None:
            raise LabError(KIND_MISSING)
        self.cluster = kind_config.cluster_name()
        self.context = f"kind-{self.cluster}"
        self.kubeconfig: str | None = None  # the user's default kubeconfig: kind writes its context there

    def missing(self) -> str:
        return f"the kind cluster {self.cluster} does not exist yet. Fix: run lesson 0's cluster cell, or python -m lab cluster (it runs kind create cluster)."

    def prepare(self, images: Iterable[str]) -> None:
        """`kind create cluster` (or reuse it), then load each image onto its node, with progress."""
        images = list(images)
        steps = Steps(1 + len(images))
        with steps.step(f"the kind cluster {self.cluster}"):
            self._create_or_reuse()
        kind_load.ARCHIVES.mkdir(parents=True, exist_ok=True)  # used with Docker's containerd image store
        store, platform = kind_load.how_this_machine_loads()
        for image in images:
            with steps.step(f"load {image} onto the cluster's nodes"):
                for argv in kind_load.load_commands(image, self.cluster, store, platform):
                    _run(argv, timeout=300)
                kind_load.archive_path(image).unlink(missing_ok=True)  # hundreds of MB, loaded now

    def _create_or_reuse(self) -> None:
        if self.cluster in _run(["kind", "get", "clusters"], timeout=30).split():
            print(f"  cluster {self.cluster} exists: reusing it")
            return
        try:
            run_tool_showing_output(
                ["kind", "create", "cluster", "--config", str(kind_config.PATH), "--wait", "300s"],
                timeout=420,
                show=["kind", "create", "cluster", "--config", "kind-config.yaml", "--wait", "300s"],
            )
        except BaseException:
            # A half-made cluster would be "reused" by the next run: remove it, so that run starts clean.
            print(f"  kind create did not finish: removing the unfinished cluster {self.cluster}")
            _run(["kind", "delete", "cluster", "--name", self.cluster], timeout=120)
            raise

    def image(self, tag: str) -> str:
        return tag


class StandinCluster:
    """The Kubernetes stand-in CI runs (scripts/k8s-standin.sh): images by `docker save | ctr import`."""

    name = "standin"
    shared = False

    def __init__(self) -> None:
        self.context = STANDIN_CONTEXT
        self.kubeconfig = str(STANDIN_KUBECONFIG)

    @staticmethod
    def is_up() -> bool:
        """Its kubeconfig is there for this user, and its API server runs."""
        try:
            os.kill(int(STANDIN_APISERVER_PID.read_text()), 0)
        except (OSError, ValueError):
            return False  # not started, stopped, or the machine rebooted since
        return os.access(STANDIN_KUBECONFIG, os.R_OK)

    def missing(self) -> str:
        return STANDIN_DOWN

    def prepare(self, images: Iterable[str]) -> None:
        """Load each image into the stand-in's containerd, with progress (the cluster is up already)."""
        if not self.is_up():
            raise LabError(STANDIN_DOWN)
        images = list(images)
        steps = Steps(len(images))
        for image in images:
            with steps.step(f"load {image} onto the stand-in's node"):
                print(self._run_load(image).strip())

    def _run_load(self, image: str) -> str:
        # The script prints the `docker save | ctr import` line when it loads, or says the
        # node has that image already.
        return _run([str(STANDIN_SCRIPT), "load", image], timeout=320, show=["scripts/k8s-standin.sh", "load", image])

    def image(self, tag: str) -> str:
        return tag


def registry_image(image: str, registry: str) -> str:
    """`redis-tini-lab/redis:7.2.4-tini` as pushed to ``registry`` (e.g. registry.example.com/course)."""
    prefix = f"{registry.rstrip('/')}/"
    return image if image.startswith(prefix) else prefix + image


class SharedCluster:
    """One cluster for a room, a namespace per participant; images from a registry
    (`python -m lab push`). Node ports would collide between participants, so Services
    stay ClusterIP and the lab reaches the webui through a port-forward."""

    name = "kubernetes"
    shared = True

    def __init__(self, context: str, registry: str | None = None, kubeconfig: str | None = None):
        self.context = context
        self.registry = registry
        self.kubeconfig = kubeconfig

    def missing(self) -> str:
        return (
            f"no kubeconfig context {self.context}. Fix: 'kubectl config get-contexts' lists them; "
            "set LAB_KUBE_CONTEXT to one of them."
        )

    def prepare(self, images: Iterable[str]) -> None:
        where = f"from {self.registry}" if self.registry else "from wherever the cluster's nodes find them"
        print(f"context {self.context}: images are pulled {where}: " + ", ".join(self.image(i) for i in images))

    def image(self, tag: str) -> str:
        return registry_image(tag, self.registry) if self.registry else tag
